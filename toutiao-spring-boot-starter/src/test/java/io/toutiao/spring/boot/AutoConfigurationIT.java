package io.toutiao.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.toutiao.auth.KeyRing;
import io.toutiao.auth.SigningKey;
import io.toutiao.auth.TokenAlgorithm;
import io.toutiao.auth.TokenConfig;
import io.toutiao.auth.TokenService;
import io.toutiao.core.id.SnowflakeIdGenerator;
import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

@RedisTest
class AutoConfigurationIT {

  private static ApplicationContextRunner runner(RedisServer redis, String... more) {
    List<String> properties = new ArrayList<>(Fixtures.properties(redis));
    properties.addAll(List.of(more));
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ToutiaoRedisAutoConfiguration.class,
                ToutiaoIdAutoConfiguration.class,
                ToutiaoCacheAutoConfiguration.class,
                ToutiaoAuthAutoConfiguration.class,
                ToutiaoSearchAutoConfiguration.class,
                ToutiaoStorageAutoConfiguration.class,
                ToutiaoMetricsAutoConfiguration.class,
                ToutiaoHealthAutoConfiguration.class,
                ToutiaoBoot4HealthAutoConfiguration.class))
        .withPropertyValues(properties.toArray(String[]::new));
  }

  @Test
  void createsEveryBlockFromProperties(RedisServer redis) {
    runner(redis)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(UnifiedJedis.class).ping()).isEqualTo("PONG");
              SnowflakeIdGenerator ids = context.getBean(SnowflakeIdGenerator.class);
              assertThat(ids.currentWorkerId()).isEqualTo(3);
              assertThat(ids.nextId()).isLessThan(ids.nextId());
              assertThat(context.getBean(CacheManager.class).getCacheNames())
                  .containsExactly("profile", "plain");
              TokenService tokens = context.getBean(TokenService.class);
              assertThat(tokens.verifyAccess(tokens.issue(42).accessToken()).userId())
                  .isEqualTo(42);
              assertThat(context)
                  .doesNotHaveBean(co.elastic.clients.elasticsearch.ElasticsearchClient.class);
              io.toutiao.storage.ImageUploadService.UploadedImage image =
                  context.getBean(io.toutiao.storage.ImageUploadService.class).upload(png());
              assertThat(image.url()).startsWith("https://static.example.com/files/");
              assertThat(java.nio.file.Files.size(Fixtures.UPLOADS.resolve(image.key())))
                  .isPositive();
            });
  }

  static byte[] png() throws java.io.IOException {
    java.awt.image.BufferedImage image =
        new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnBeans {
    static final UnifiedJedis[] JEDIS = new UnifiedJedis[1];

    @Bean
    UnifiedJedis myJedis() {
      return JEDIS[0];
    }

    @Bean
    TokenService myTokens() {
      return new TokenService(
          TokenConfig.custom(KeyRing.of(SigningKey.generate("mine", TokenAlgorithm.HS256)))
              .build());
    }

    @Bean
    CacheManager myCaches() {
      return new org.springframework.cache.concurrent.ConcurrentMapCacheManager("x");
    }

    @Bean
    SnowflakeIdGenerator myIds() {
      return SnowflakeIdGenerator.withDefaults();
    }
  }

  @Test
  void backsOffWhenTheApplicationHasItsOwnBeans(RedisServer redis) {
    try (RedisClient mine = RedisClient.create(redis.host(), redis.port())) {
      OwnBeans.JEDIS[0] = mine;
      runner(redis)
          .withUserConfiguration(OwnBeans.class)
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(UnifiedJedis.class)).isSameAs(mine);
                assertThat(context.getBean(TokenService.class).keyRing().active().id())
                    .isEqualTo("mine");
                assertThat(context.getBean(CacheManager.class).getCacheNames())
                    .containsExactly("x");
                assertThat(context).hasSingleBean(SnowflakeIdGenerator.class);
                assertThat(context).doesNotHaveBean("toutiaoIdGenerator");
              });
    }
  }

  @Test
  void eachBlockCanBeTurnedOff(RedisServer redis) {
    runner(
            redis,
            "toutiao.ids.enabled=false",
            "toutiao.cache.enabled=false",
            "toutiao.auth.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(SnowflakeIdGenerator.class);
              assertThat(context).doesNotHaveBean(CacheManager.class);
              assertThat(context).doesNotHaveBean(TokenService.class);
              assertThat(context).hasSingleBean(UnifiedJedis.class);
            });
    runner(redis, "toutiao.redis.enabled=false", "toutiao.ids.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(UnifiedJedis.class);
              assertThat(context).as("no Redis, no cache").doesNotHaveBean(CacheManager.class);
            });
  }

  @Test
  void aWorkerIdLeasedInRedisDiffersBetweenApplications(RedisServer redis) {
    ApplicationContextRunner leased =
        runner(redis, "toutiao.ids.worker-id-source=REDIS", "toutiao.ids.lease-ttl=5s");
    leased.run(
        first ->
            leased.run(
                second -> {
                  long a = first.getBean(SnowflakeIdGenerator.class).currentWorkerId();
                  long b = second.getBean(SnowflakeIdGenerator.class).currentWorkerId();
                  assertThat(a).isNotEqualTo(b);
                  assertThat(
                          io.toutiao.spring.boot.health.WorkerIdCheck.check(
                                  first.getBean(SnowflakeIdGenerator.class))
                              .up())
                      .isTrue();
                  assertThat(first).hasBean("toutiaoWorkerIdHealthIndicator");
                }));
  }

  @Configuration(proxyBeanMethods = false)
  static class LikesFromTheDatabase {
    @Bean
    CounterSource likesSource() {
      return new CounterSource() {
        @Override
        public String counter() {
          return "likes";
        }

        @Override
        public java.util.stream.Stream<io.toutiao.cache.redis.CounterStore.Counter> counts() {
          return java.util.stream.Stream.of(
              new io.toutiao.cache.redis.CounterStore.Counter(1, 10),
              new io.toutiao.cache.redis.CounterStore.Counter(2, 20));
        }
      };
    }
  }

  @Test
  void countersRecentListsAndTheirCorrectionComeFromProperties(RedisServer redis) {
    runner(
            redis,
            "toutiao.cache.counters.likes.key=count:art:liking",
            "toutiao.cache.counters.likes.correction.at=03:00",
            "toutiao.cache.counters.likes.correction.zone=Asia/Shanghai",
            "toutiao.cache.recent-lists.reading.key-pattern=user:{}:his:reading",
            "toutiao.cache.recent-lists.reading.capacity=3",
            "toutiao.cache.jobs.node=api-1")
        .withUserConfiguration(LikesFromTheDatabase.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              io.toutiao.cache.redis.CounterStore likes =
                  context.getBean("likes", io.toutiao.cache.redis.CounterStore.class);
              likes.increment(1, 3);
              likes.increment(7, 1);
              assertThat(redis.command("ZSCORE", "count:art:liking", "1")).isEqualTo("3");
              io.toutiao.cache.redis.RecentList reading =
                  context.getBean("reading", io.toutiao.cache.redis.RecentList.class);
              for (int i = 1; i <= 5; i++) {
                reading.add(42, "article-" + i);
              }
              assertThat(reading.list(42, 1, 10))
                  .containsExactly("article-5", "article-4", "article-3");
              io.toutiao.cache.redis.JobScheduler jobs =
                  context.getBean(io.toutiao.cache.redis.JobScheduler.class);
              assertThat(jobs.runNow("likes-correction")).isTrue();
              assertThat(likes.get(1)).isEqualTo(10);
              assertThat(likes.get(2)).isEqualTo(20);
              assertThat(likes.get(7)).as("not in the database: removed").isZero();
              assertThat(jobs.lastRun("likes-correction"))
                  .hasValueSatisfying(run -> assertThat(run.node()).isEqualTo("api-1"));
            });
    failsNaming(
        runner(
            redis,
            "toutiao.cache.counters.views.key=count:art:reading",
            "toutiao.cache.counters.views.correction.at=04:00"),
        "toutiao.cache.counters.views.correction.at");
    failsNaming(
        runner(redis, "toutiao.cache.recent-lists.bad.key-pattern=no-placeholder"),
        "toutiao.cache.recent-lists.bad.key-pattern");
    failsNaming(
        runner(redis, "toutiao.cache.counters.nokey.correction.at=04:00"),
        "toutiao.cache.counters.nokey.key");
  }

  @Test
  void aKeyPairFromAKeyStoreSigns(
      RedisServer redis, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path store = dir.resolve("tokens.p12");
    String password = "ks-" + Fixtures.base64Secret().substring(0, 12);
    Process keytool =
        new ProcessBuilder(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "ec1",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-sigalg",
                "SHA256withECDSA",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                password,
                "-dname",
                "CN=toutiao",
                "-validity",
                "2")
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
    String[] keystore = {
      "toutiao.auth.keys[1].id=ec1",
      "toutiao.auth.keys[1].algorithm=ES256",
      "toutiao.auth.keys[1].keystore=file:" + store,
      "toutiao.auth.active-key=ec1"
    };
    runner(redis, keystore)
        .withPropertyValues("toutiao.auth.keys[1].keystore-password=" + password)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              TokenService tokens = context.getBean(TokenService.class);
              assertThat(tokens.verifyAccess(tokens.issue(5).accessToken()).keyId())
                  .isEqualTo("ec1");
            });
    failsNaming(
        runner(redis, keystore)
            .withPropertyValues("toutiao.auth.keys[1].keystore-password=wrong-pw"),
        "toutiao.auth.keys[1].keystore",
        password,
        "wrong-pw");
    failsNaming(
        runner(redis, keystore)
            .withPropertyValues(
                "toutiao.auth.keys[1].keystore-password=" + password,
                "toutiao.auth.keys[1].alias=other"),
        "toutiao.auth.keys[1].alias",
        password);
  }

  @Test
  void aCachesBloomFilterAnswersAbsentWithoutTheMethod(RedisServer redis) {
    runner(redis, "toutiao.cache.caches.plain.bloom-filter-expected-keys=1000")
        .run(
            context -> {
              ToutiaoCache plain =
                  (ToutiaoCache) context.getBean(CacheManager.class).getCache("plain");
              java.util.concurrent.atomic.AtomicInteger calls =
                  new java.util.concurrent.atomic.AtomicInteger();
              java.util.concurrent.Callable<Fixtures.Profile> method =
                  () -> {
                    calls.incrementAndGet();
                    return new Fixtures.Profile(5, "exists");
                  };
              assertThat(plain.get(5L, method)).as("ruled out by the filter").isNull();
              assertThat(calls.get()).isZero();
              plain.getNativeCache().config().bloomFilter().put("plain:5");
              assertThat(plain.get(5L, method)).isEqualTo(new Fixtures.Profile(5, "exists"));
              assertThat(calls.get()).isEqualTo(1);
            });
    failsNaming(
        runner(
            redis,
            "toutiao.cache.caches.plain.bloom-filter-expected-keys=1000",
            "toutiao.cache.caches.plain.bloom-filter-false-positive-rate=0.9"),
        "toutiao.cache.caches.plain.bloom-filter-false-positive-rate");
  }

  @Test
  void theQiniuStoreFromPropertiesUploadsThroughTheSdk(RedisServer redis) throws Exception {
    try (io.toutiao.storage.qiniu.FakeQiniu qiniu = new io.toutiao.storage.qiniu.FakeQiniu()) {
      runner(
              redis,
              "toutiao.storage.type=QINIU",
              "toutiao.storage.qiniu.access-key=" + io.toutiao.storage.qiniu.FakeQiniu.ACCESS_KEY,
              "toutiao.storage.qiniu.secret-key=" + io.toutiao.storage.qiniu.FakeQiniu.SECRET_KEY,
              "toutiao.storage.qiniu.bucket=avatars",
              "toutiao.storage.qiniu.domain=https://img.example.com",
              "toutiao.storage.qiniu.https=false",
              "toutiao.storage.qiniu.up-hosts=" + qiniu.host(),
              "toutiao.storage.qiniu.rs-host=" + qiniu.host(),
              "toutiao.storage.qiniu.api-host=" + qiniu.host())
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(io.toutiao.storage.ObjectStorage.class))
                    .isInstanceOf(io.toutiao.storage.qiniu.QiniuObjectStorage.class)
                    .asString()
                    .doesNotContain(io.toutiao.storage.qiniu.FakeQiniu.SECRET_KEY);
                var image =
                    context.getBean(io.toutiao.storage.ImageUploadService.class).upload(png());
                assertThat(qiniu.objects).containsKey("avatars:" + image.key());
                assertThat(image.url()).startsWith("https://img.example.com/");
              });
    }
  }

  /** The start-up failure names the property, and never shows a secret. */
  private static void failsNaming(
      ApplicationContextRunner runner, String property, String... notShown) {
    runner.run(
        context -> {
          assertThat(context).hasFailed();
          Throwable failure = context.getStartupFailure();
          Throwable cause = failure;
          while (cause != null && !(cause instanceof ToutiaoPropertyException)) {
            cause = cause.getCause();
          }
          assertThat(cause).as("cause of %s", failure).isNotNull();
          assertThat(((ToutiaoPropertyException) cause).property()).isEqualTo(property);
          FailureAnalysis analysis = new ToutiaoPropertyFailureAnalyzer().analyze(failure);
          assertThat(analysis.getDescription()).contains("'" + property + "'");
          assertThat(analysis.getAction()).contains(property);
          for (String secret : notShown) {
            assertThat(analysis.getDescription()).doesNotContain(secret);
            assertThat(failure.toString()).doesNotContain(secret);
          }
        });
  }

  @Test
  void badPropertiesFailStartUpNamingTheProperty(RedisServer redis) {
    failsNaming(runner(redis, "toutiao.ids.worker-id=99"), "toutiao.ids.worker-id");
    failsNaming(runner(redis, "toutiao.ids.datacenter-id=40"), "toutiao.ids.datacenter-id");
    failsNaming(
        runner(redis, "toutiao.ids.worker-id-source=FIXED", "toutiao.ids.worker-id="),
        "toutiao.ids.worker-id");
    failsNaming(
        runner(redis, "toutiao.cache.caches.broken.ttl=10s"),
        "toutiao.cache.caches.broken.value-type");
    failsNaming(
        runner(
            redis,
            "toutiao.cache.caches.profile.ttl=10s",
            "toutiao.cache.caches.profile.ttl-jitter=20s"),
        "toutiao.cache.caches.profile.ttl-jitter");
    failsNaming(
        runner(
            redis,
            "toutiao.cache.caches.profile.ttl=10s",
            "toutiao.cache.caches.profile.l1-ttl=20s"),
        "toutiao.cache.caches.profile.l1-ttl");
    failsNaming(
        runner(redis, "toutiao.cache.caches.profile.key-pattern=no-placeholder"),
        "toutiao.cache.caches.profile.key-pattern");
    String weak = java.util.Base64.getEncoder().encodeToString("short-secret".getBytes());
    failsNaming(runner(redis, "toutiao.auth.keys[0].secret=" + weak), "toutiao.auth.keys[0]", weak);
    failsNaming(
        runner(redis, "toutiao.auth.keys[0].algorithm=HS999"), "toutiao.auth.keys[0].algorithm");
    failsNaming(runner(redis, "toutiao.auth.active-key=k9"), "toutiao.auth.active-key");
    failsNaming(
        runner(redis, "toutiao.auth.keys[0].algorithm=ES256"), "toutiao.auth.keys[0].public-key");
    failsNaming(
        runner(redis, "toutiao.storage.type=QINIU", "toutiao.storage.qiniu.access-key=ak"),
        "toutiao.storage.qiniu.secret-key");
    failsNaming(runner(redis, "toutiao.storage.local.root="), "toutiao.storage.local.root");
    failsNaming(
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ToutiaoAuthAutoConfiguration.class)),
        "toutiao.auth.keys");
  }
}
