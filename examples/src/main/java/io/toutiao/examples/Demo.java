package io.toutiao.examples;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.toutiao.auth.AuthException;
import io.toutiao.auth.KeyRing;
import io.toutiao.auth.SigningKey;
import io.toutiao.auth.TokenAlgorithm;
import io.toutiao.auth.TokenConfig;
import io.toutiao.auth.TokenPair;
import io.toutiao.auth.TokenService;
import io.toutiao.auth.redis.RedisRevocationStore;
import io.toutiao.cache.CacheConfig;
import io.toutiao.cache.Codecs;
import io.toutiao.cache.TwoLevelCache;
import io.toutiao.cache.redis.CounterStore;
import io.toutiao.cache.redis.RecentList;
import io.toutiao.core.id.IdCodec;
import io.toutiao.core.id.SnowflakeConfig;
import io.toutiao.core.id.SnowflakeId;
import io.toutiao.core.id.SnowflakeIdGenerator;
import io.toutiao.search.ArticleSearch;
import io.toutiao.search.BulkWriter;
import io.toutiao.search.IndexManager;
import io.toutiao.search.IndexSpec;
import io.toutiao.search.SearchClientFactory;
import io.toutiao.storage.ImageUploadService;
import io.toutiao.storage.ImageValidator;
import io.toutiao.storage.InvalidImageException;
import io.toutiao.storage.local.LocalObjectStorage;
import io.toutiao.testing.ElasticsearchServer;
import io.toutiao.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.RedisClient;

/**
 * The README's main job: starts the embedded services and walks through what toutiao-kit does.
 *
 * <p>Run it with {@code mvn -q -Pdemo -DskipTests -pl examples -am verify}, or from an IDE.
 */
public final class Demo {

  private Demo() {}

  /**
   * Runs the tour and exits.
   *
   * @param args ignored
   * @throws IOException when a service cannot be reached
   */
  public static void main(String[] args) throws IOException {
    demoIds();
    demoImages();

    step("Starting an embedded Redis (redis-server on PATH, else the bundled binary)");
    try (RedisServer redis = RedisServer.start()) {
      String info = (String) redis.command("INFO", "server");
      say("Redis " + field(info, "redis_version") + " at " + redis.uri());
      try (RedisClient jedis = RedisClient.create(redis.host(), redis.port())) {
        demoCache(jedis);
        demoCounters(jedis);
        demoTokens(jedis);
      }

      step("Starting an embedded Elasticsearch node (first run unpacks it: ~30 s)");
      try (ElasticsearchServer es = ElasticsearchServer.start()) {
        say("Elasticsearch at " + es.httpUri());
        demoSearch(es);
      }
    }
    step("Done");
  }

  /** A user profile as the reference caches it at {@code user:{id}:profile}. */
  record UserProfile(long id, String name, String intro) {}

  private static void demoCache(RedisClient jedis) {
    step(
        "Two-level cache (toutiao-cache): Caffeine -> Redis -> a simulated database (50 ms per query)");
    Map<Long, UserProfile> database = Map.of(1L, new UserProfile(1, "头条小编", "每天推荐好新闻"));
    AtomicInteger queries = new AtomicInteger();
    CacheConfig<Long, UserProfile> config =
        CacheConfig.<Long, UserProfile>builder("user-profile")
            .keyPattern("user:{}:profile")
            .codec(Codecs.json(UserProfile.class))
            .loader(
                id -> {
                  queries.incrementAndGet();
                  Thread.sleep(50);
                  return database.get(id);
                })
            .build();
    try (TwoLevelCache<Long, UserProfile> nodeA = new TwoLevelCache<>(config, jedis);
        TwoLevelCache<Long, UserProfile> nodeB = new TwoLevelCache<>(config, jedis)) {
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<Optional<UserProfile>>> herd = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        TwoLevelCache<Long, UserProfile> node = i % 2 == 0 ? nodeA : nodeB;
        herd.add(pool.submit(() -> node.get(1L)));
      }
      herd.forEach(Demo::join);
      pool.shutdown();
      say("16 concurrent reads of a cold key on 2 nodes -> " + queries.get() + " database query");
      say(
          "get(1) = "
              + nodeA.get(1L).orElseThrow()
              + ", Redis TTL "
              + jedis.ttl("user:1:profile")
              + " s (1800 + jitter)");
      for (int i = 0; i < 3; i++) {
        nodeA.get(404L);
      }
      say(
          "3 reads of a missing user -> absent, Redis holds '"
              + jedis.get("user:404:profile")
              + "' for "
              + jedis.ttl("user:404:profile")
              + " s");
      say("stats node A: " + nodeA.stats());
    }
  }

  private static void demoCounters(RedisClient jedis) {
    step("Counters and histories (toutiao-cache redis building blocks)");
    CounterStore likes = new CounterStore(jedis, CounterStore.ARTICLE_LIKING);
    likes.increment(1001, 3);
    likes.increment(1002, 5);
    likes.increment(1001, 1);
    say("count:art:liking -> " + likes.getAll(List.of(1001L, 1002L, 1003L)));
    CounterStore.RebuildResult fixed =
        likes.rebuild(
            List.of(new CounterStore.Counter(1001, 4), new CounterStore.Counter(1002, 6))
                .iterator());
    say(
        "nightly correction from the database: "
            + fixed.ids()
            + " ids, "
            + fixed.changed()
            + " changed -> "
            + likes.top(2));
    RecentList searches = RecentList.searchHistory(jedis);
    for (String q : List.of("头条", "人工智能", "体育", "财经", "科技")) {
      searches.add(1, q);
    }
    say("search history of user 1 (keeps 4): " + searches.list(1, 1, 10));
  }

  private static void demoTokens(RedisClient jedis) {
    step("JWT tokens (toutiao-auth): HS256, access 2 h, refresh 14 d, revocation in Redis");
    TokenService tokens =
        new TokenService(
            TokenConfig.custom(KeyRing.of(SigningKey.generate("2026-11", TokenAlgorithm.HS256)))
                .issuer("toutiao")
                .revocationStore(new RedisRevocationStore(jedis))
                .build());
    TokenPair login = tokens.issue(1);
    say(
        "issue(1) -> access token of "
            + login.accessToken().length()
            + " chars, expires "
            + login.accessExpiresAt());
    say("verifyAccess -> user " + tokens.verifyAccess(login.accessToken()).userId());
    try {
      tokens.verifyAccess(login.refreshToken());
    } catch (AuthException e) {
      say(
          "refresh token used as access token -> "
              + e.httpStatus()
              + " \""
              + e.getMessage()
              + "\"");
    }
    TokenPair renewed = tokens.refresh(login.refreshToken());
    tokens.revokeAllForUser(1);
    try {
      tokens.verifyAccess(renewed.accessToken());
    } catch (AuthException e) {
      say("after logout everywhere -> " + e.httpStatus() + " (" + e.reason() + ")");
    }
  }

  private static <T> T join(Future<T> future) {
    try {
      return future.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void demoIds() {
    step("Snowflake ids (toutiao-core): reference layout, datacenter 1, worker 3");
    SnowflakeIdGenerator ids =
        new SnowflakeIdGenerator(SnowflakeConfig.custom().datacenterId(1).workerId(3).build());
    long id = ids.nextId();
    SnowflakeId parsed = ids.parse(id);
    say("nextId() = " + id + "  compact: " + IdCodec.toCompact(id));
    say(
        "parse: time "
            + parsed.timestamp()
            + ", datacenter "
            + parsed.datacenterId()
            + ", worker "
            + parsed.workerId()
            + ", sequence "
            + parsed.sequence());
    long[] batch = ids.nextIds(5);
    say("nextIds(5) = " + java.util.Arrays.toString(batch));
    say("layout lasts until " + ids.config().lifetimeEnd());
  }

  /** An article as the search index stores it. */
  public record Article(
      long article_id,
      long user_id,
      String title,
      String content,
      int status,
      String create_time) {}

  private static void demoSearch(ElasticsearchServer es) throws IOException {
    ElasticsearchClient client = SearchClientFactory.create(es.httpUri());
    try {
      IndexManager indexes = new IndexManager(client);
      String index = indexes.ensure(IndexSpec.articles().shards(1).replicas(0).build());
      say(
          "Chinese analyzer detected: "
              + indexes.chineseAnalyzer()
              + "; alias 'articles' -> "
              + index);
      List<Article> articles =
          List.of(
              new Article(1, 1, "人工智能改变新闻推荐", "算法让每个人看到不同的头条", 2, "2026-11-27T08:00:00Z"),
              new Article(2, 1, "今日头条发布新版客户端", "新版支持离线阅读", 2, "2026-11-27T09:00:00Z"),
              new Article(3, 2, "人工智能草稿", "尚未审核", 1, "2026-11-27T10:00:00Z"));
      try (BulkWriter<Article> writer =
          new BulkWriter<>(
              client,
              "articles",
              a -> Long.toString(a.article_id()),
              (id, reason) -> say("failed " + id + ": " + reason))) {
        articles.forEach(writer::index);
      }
      client.indices().refresh(r -> r.index("articles"));
      ArticleSearch.Page page = new ArticleSearch(client, "articles").search("人工智能", 1, 10);
      say(
          "search '人工智能' (approved only): total "
              + page.total()
              + ", ids "
              + page.results().stream().map(ArticleSearch.ArticleHit::articleId).toList());
      say("highlight: " + page.results().get(0).highlights().get("title"));
    } finally {
      client._transport().close();
    }
  }

  private static void demoImages() throws IOException {
    step("Images (toutiao-storage): validated by content, stored in a local folder");
    Path folder = Files.createTempDirectory("toutiao-demo-files");
    ImageUploadService uploads =
        new ImageUploadService(
            ImageValidator.builder().deepCheck(true).build(),
            new LocalObjectStorage(folder, "http://localhost:8080/files"));
    java.awt.image.BufferedImage picture =
        new java.awt.image.BufferedImage(320, 240, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(picture, "png", png);
    ImageUploadService.UploadedImage photo = uploads.upload(png.toByteArray());
    say(
        "photo -> "
            + photo.info().format()
            + " "
            + photo.info().width()
            + "x"
            + photo.info().height()
            + ", "
            + photo.url());
    byte[] bomb = png.toByteArray().clone();
    java.nio.ByteBuffer.wrap(bomb).putInt(16, 20_000).putInt(20, 20_000);
    try {
      uploads.upload(bomb);
    } catch (InvalidImageException e) {
      say("a PNG declaring 20000x20000 -> refused, " + e.reason() + ": " + e.getMessage());
    }
    try {
      uploads.upload("<svg onload=alert(1)>".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (InvalidImageException e) {
      say("an SVG named avatar.png -> refused, " + e.reason());
    }
    try (var files = Files.walk(folder)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  private static String field(String info, String name) {
    Matcher m = Pattern.compile(name + ":(\\S+)").matcher(info);
    return m.find() ? m.group(1) : "?";
  }

  private static void step(String text) {
    System.out.println();
    System.out.println("== " + text);
  }

  private static void say(String text) {
    System.out.println("   " + text);
  }
}
