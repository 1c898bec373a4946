package io.toutiao.examples;

import io.toutiao.cache.CacheConfig;
import io.toutiao.cache.Codecs;
import io.toutiao.cache.TwoLevelCache;
import io.toutiao.testing.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.RedisClient;

/**
 * The two-level cache over an embedded Redis: one database query for a stampede, null markers,
 * stats. Runnable from an IDE.
 */
public final class CacheExample {

  private CacheExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   * @throws Exception when a service fails
   */
  public static void main(String[] args) throws Exception {
    try (RedisServer redis = RedisServer.start();
        RedisClient jedis = RedisClient.create(redis.host(), redis.port())) {
      run(jedis);
    }
  }

  /** A user profile as the reference caches it at {@code user:{id}:profile}. */
  record UserProfile(long id, String name, String intro) {}

  static void run(RedisClient jedis) {
    Console.step(
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
      herd.forEach(Console::join);
      pool.shutdown();
      Console.say(
          "16 concurrent reads of a cold key on 2 nodes -> " + queries.get() + " database query");
      Console.say(
          "get(1) = "
              + nodeA.get(1L).orElseThrow()
              + ", Redis TTL "
              + jedis.ttl("user:1:profile")
              + " s (1800 + jitter)");
      for (int i = 0; i < 3; i++) {
        nodeA.get(404L);
      }
      Console.say(
          "3 reads of a missing user -> absent, Redis holds '"
              + jedis.get("user:404:profile")
              + "' for "
              + jedis.ttl("user:404:profile")
              + " s");
      Console.say("stats node A: " + nodeA.stats());
    }
  }
}
