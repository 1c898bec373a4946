package io.toutiao.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

@RedisTest
class StandaloneTwoLevelCacheIT extends TwoLevelCacheContract {

  RedisServer redis;

  @BeforeEach
  void connect(RedisServer redis) {
    this.redis = redis;
    redis.ensureRunning();
    redis.flushAll();
  }

  @Override
  UnifiedJedis newClient() {
    return RedisClient.create(redis.host(), redis.port());
  }

  @Override
  Object command(String key, String... args) {
    return redis.command(args);
  }

  @Override
  void commandOnAllNodes(String... args) {
    redis.command(args);
  }

  @Test
  void keepsServingWhileRedisIsDownWithTheLoaderLimitAndUsesRedisAgainAfter() throws Exception {
    assumeTrue(redis.isManaged(), "needs a Redis it can stop");
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    CacheConfig<Long, Profile> config =
        CacheConfig.<Long, Profile>builder("outage")
            .codec(Codecs.json(Profile.class))
            .circuitBreaker(2, Duration.ofMillis(500), 3)
            .loader(
                id -> {
                  loads.incrementAndGet();
                  maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                  try {
                    Thread.sleep(20);
                    return new Profile(id, "db");
                  } finally {
                    running.decrementAndGet();
                  }
                })
            .build();
    TwoLevelCache<Long, Profile> cache = node(config);
    assertThat(cache.get(1L)).contains(new Profile(1, "db"));

    redis.stop();
    try {
      assertThat(cache.get(1L)).as("from L1").contains(new Profile(1, "db"));
      int threads = 16;
      CyclicBarrier start = new CyclicBarrier(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<Optional<Profile>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long base = 100 + t * 10L;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  Optional<Profile> last = Optional.empty();
                  for (long id = base; id < base + 10; id++) {
                    last = cache.get(id);
                  }
                  return last;
                }));
      }
      for (Future<Optional<Profile>> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isPresent();
      }
      pool.shutdown();
      assertThat(cache.stats().circuitOpen()).isTrue();
      assertThat(cache.stats().degradedLoads()).isGreaterThan(100);
      assertThat(maxRunning.get())
          .as("concurrent loads while Redis is down")
          .isLessThanOrEqualTo(3);
    } finally {
      redis.restart();
    }

    awaitRedisUsedAgain(cache, "outage:", "");
    assertThat(cache.stats().circuitOpen()).isFalse();
  }

  /** Reads fresh keys until one goes through Redis (stale pooled connections may fail first). */
  void awaitRedisUsedAgain(TwoLevelCache<Long, Profile> cache, String prefix, String suffix)
      throws InterruptedException {
    long[] id = {5000};
    await(
        () -> {
          long next = id[0]++;
          cache.get(next);
          return redis.command("EXISTS", prefix + next + suffix).equals(1L);
        },
        "Redis is used again");
  }

  @Test
  void worksWhenRedisIsDownAtStartUpAndConnectsLater() throws Exception {
    assumeTrue(redis.isManaged(), "needs a Redis it can stop");
    redis.stop();
    TwoLevelCache<Long, Profile> cache;
    try {
      cache = node(config("late").circuitBreaker(1, Duration.ofMillis(200), 4).build());
      database.put(1L, new Profile(1, "a"));
      assertThat(cache.get(1L)).contains(new Profile(1, "a"));
    } finally {
      redis.restart();
    }
    awaitRedisUsedAgain(cache, "late:", ":profile");
  }
}
