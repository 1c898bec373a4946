package io.toutiao.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toutiao.cache.CacheStats;
import io.toutiao.cache.TwoLevelCache;
import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** {@code @Cacheable} through the two-level cache, in two applications sharing one Redis. */
@RedisTest
class CacheableIT {

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableCaching
  static class App {
    @Bean
    Fixtures.ProfileService profileService() {
      return new Fixtures.ProfileService();
    }

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  static ConfigurableApplicationContext first;
  static ConfigurableApplicationContext second;

  static ConfigurableApplicationContext start(RedisServer redis) {
    return new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE)
        .properties(Fixtures.properties(redis).toArray(String[]::new))
        .run();
  }

  @BeforeAll
  static void startTwoApplications(RedisServer redis) {
    first = start(redis);
    second = start(redis);
  }

  @AfterAll
  static void stop() {
    first.close();
    second.close();
  }

  static Fixtures.ProfileService service(ConfigurableApplicationContext context) {
    return context.getBean(Fixtures.ProfileService.class);
  }

  @SuppressWarnings("unchecked")
  static TwoLevelCache<Object, Object> cache(ConfigurableApplicationContext context, String name) {
    return (TwoLevelCache<Object, Object>)
        context.getBean(CacheManager.class).getCache(name).getNativeCache();
  }

  static double meter(ConfigurableApplicationContext context, String name, String... tags) {
    var search = context.getBean(MeterRegistry.class).find(name).tags(tags);
    if (search.functionCounter() != null) {
      return search.functionCounter().count();
    }
    if (search.counter() != null) {
      return search.counter().count();
    }
    return search.timer() == null ? -1 : search.timer().count();
  }

  @Test
  void readsComeFromL1ThenRedisThenTheMethod(RedisServer redis) {
    Fixtures.ProfileService a = service(first);
    Fixtures.ProfileService b = service(second);
    int before = a.calls();

    Fixtures.Profile loaded = a.profile(1);
    assertThat(a.calls()).isEqualTo(before + 1);
    assertThat(a.profile(1)).isEqualTo(loaded);
    assertThat(a.calls()).as("an L1 hit").isEqualTo(before + 1);
    assertThat(redis.command("EXISTS", "user:1:profile")).isEqualTo(1L);

    int otherBefore = b.calls();
    assertThat(b.profile(1)).as("the other application reads Redis").isEqualTo(loaded);
    assertThat(b.calls()).isEqualTo(otherBefore);
    assertThat(cache(second, "profile").stats().l2Hits()).isPositive();

    cache(first, "profile").invalidateLocal();
    long l2Hits = cache(first, "profile").stats().l2Hits();
    assertThat(a.profile(1)).isEqualTo(loaded);
    assertThat(cache(first, "profile").stats().l2Hits()).isEqualTo(l2Hits + 1);
    assertThat(a.calls()).isEqualTo(before + 1);
  }

  @Test
  void anEvictionInOneApplicationReachesTheOtherWithinTheBound() throws InterruptedException {
    Fixtures.ProfileService a = service(first);
    Fixtures.ProfileService b = service(second);
    Fixtures.Profile old = a.profile(2);
    assertThat(b.profile(2)).isEqualTo(old);

    long evicted = System.nanoTime();
    b.evict(2);
    Fixtures.Profile fresh = null;
    while (System.nanoTime() - evicted < Duration.ofSeconds(3).toNanos()) {
      fresh = a.profile(2);
      if (!fresh.equals(old)) {
        break;
      }
      Thread.sleep(5);
    }
    long millis = (System.nanoTime() - evicted) / 1_000_000;
    assertThat(fresh).as("after %d ms", millis).isNotEqualTo(old);
    assertThat(millis).as("the staleness bound (500 ms) plus margin").isLessThan(1_500);
  }

  @Test
  void aNullResultIsRememberedAsAbsent() {
    Fixtures.ProfileService a = service(first);
    int before = a.calls();
    assertThat(a.profile(404)).isNull();
    assertThat(a.profile(404)).isNull();
    assertThat(service(second).profile(404)).isNull();
    assertThat(a.calls()).isEqualTo(before + 1);
    assertThat(cache(first, "profile").getIfPresent(404L)).isEmpty();
  }

  @Test
  void theNonSyncPathLooksUpThenPuts() {
    Fixtures.ProfileService a = service(first);
    int before = a.calls();
    assertThat(a.plain(5).name()).isEqualTo("plain 5");
    assertThat(a.plain(5).name()).isEqualTo("plain 5");
    assertThat(service(second).plain(5).name()).isEqualTo("plain 5");
    assertThat(a.calls()).isEqualTo(before + 1);
  }

  @Test
  void cachePutStoresAndChecksTheValueType() {
    Fixtures.ProfileService a = service(first);
    a.store(9, new Fixtures.Profile(9, "put"));
    assertThat(service(second).profile(9).name()).isEqualTo("put");
    assertThatThrownBy(() -> a.store(9, "not a profile"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("toutiao.cache.caches.profile.value-type");
    assertThatThrownBy(a::evictAll)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("evict keys one by one");
  }

  @Test
  void metersCountAScriptedWorkload(RedisServer redis) throws Exception {
    try (ConfigurableApplicationContext app = start(redis)) {
      Fixtures.ProfileService service = service(app);
      for (int i = 0; i < 5; i++) {
        service.profile(700);
      }
      CacheStats stats = cache(app, "profile").stats();
      String[] cache = {"cache", "profile"};
      assertThat(
              meter(app, "toutiao.cache.gets", "cache", "profile", "level", "l1", "result", "hit"))
          .isEqualTo(4)
          .isEqualTo(stats.l1Hits());
      assertThat(
              meter(app, "toutiao.cache.gets", "cache", "profile", "level", "l1", "result", "miss"))
          .isEqualTo(1);
      assertThat(
              meter(app, "toutiao.cache.gets", "cache", "profile", "level", "l2", "result", "miss"))
          .isEqualTo(1);
      assertThat(meter(app, "toutiao.cache.loads", "cache", "profile", "result", "success"))
          .isEqualTo(1);
      assertThat(meter(app, "toutiao.cache.load.duration", cache)).isEqualTo(1);
      assertThat(
              app.getBean(MeterRegistry.class)
                  .find("toutiao.cache.breaker.open")
                  .tags(cache)
                  .gauge()
                  .value())
          .isZero();
      var uploads = app.getBean(io.toutiao.storage.ImageUploadService.class);
      uploads.upload(AutoConfigurationIT.png());
      assertThatThrownBy(() -> uploads.upload("<svg/>".getBytes()))
          .isInstanceOf(io.toutiao.storage.InvalidImageException.class);
      assertThat(meter(app, "toutiao.storage.images", "result", "stored", "reason", "png"))
          .isEqualTo(1);
      assertThat(meter(app, "toutiao.storage.stored.bytes", "format", "png"))
          .isEqualTo(AutoConfigurationIT.png().length);
      assertThat(
              app.getBean(MeterRegistry.class)
                  .find("toutiao.storage.images")
                  .tags("result", "rejected")
                  .counter()
                  .count())
          .isEqualTo(1);
      assertThat(meter(app, "toutiao.ids.issued")).isZero();
      app.getBean(io.toutiao.core.id.SnowflakeIdGenerator.class).nextIds(10);
      assertThat(meter(app, "toutiao.ids.issued")).isEqualTo(10);
    }
  }
}
