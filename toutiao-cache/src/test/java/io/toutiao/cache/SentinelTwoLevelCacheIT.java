package io.toutiao.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.toutiao.testing.RedisSentinel;
import io.toutiao.testing.RedisSentinelTest;
import io.toutiao.testing.RedisServer;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The cache on a Sentinel-monitored master: the shared bus connects to the current master with the
 * client's settings, invalidations reach the other node, and after a failover the bus follows the
 * new master, L1 is resynchronised and invalidations reach the other node again.
 */
@RedisSentinelTest
class SentinelTwoLevelCacheIT {

  private static RedisSentinelClient connect(RedisSentinel sentinel) {
    Set<HostAndPort> sentinels =
        sentinel.sentinelHostAndPorts().stream().map(HostAndPort::from).collect(Collectors.toSet());
    return RedisSentinelClient.builder()
        .masterName(sentinel.masterName())
        .sentinels(sentinels)
        .clientConfig(DefaultJedisClientConfig.builder().timeoutMillis(500).build())
        .sentinelClientConfig(DefaultJedisClientConfig.builder().timeoutMillis(500).build())
        .build();
  }

  @Test
  void invalidationsReachTheOtherNodeBeforeAndAfterAFailover(RedisSentinel sentinel)
      throws Exception {
    sentinel.awaitHealthy(Duration.ofSeconds(30));
    ConcurrentHashMap<Long, String> database = new ConcurrentHashMap<>();
    database.put(1L, "v1");
    CacheConfig<Long, String> config =
        CacheConfig.<Long, String>builder("sentinel")
            .codec(Codecs.string())
            .loader(database::get)
            .build();
    try (RedisSentinelClient clientA = connect(sentinel);
        RedisSentinelClient clientB = connect(sentinel);
        TwoLevelCache<Long, String> a = new TwoLevelCache<>(config, clientA);
        TwoLevelCache<Long, String> b = new TwoLevelCache<>(config, clientB)) {
      await(() -> a.invalidationBus().isProven() && b.invalidationBus().isProven(), "proven");
      assertThat(b.get(1L)).contains("v1");
      database.put(1L, "v2");
      a.invalidate(1L);
      await(() -> b.get(1L).equals(Optional.of("v2")), "b sees v2");

      RedisServer old = sentinel.master();
      long resyncs = b.stats().l1Resyncs();
      sentinel.failover();
      sentinel.awaitNewMaster(old, Duration.ofSeconds(30));
      await(
          () -> b.invalidationBus().isProven() && b.stats().l1Resyncs() > resyncs,
          "b's bus follows the new master");
      database.put(1L, "v3");
      invalidateEventually(a, 1L);
      await(() -> b.get(1L).equals(Optional.of("v3")), "b sees v3 after the failover");
    }
  }

  /** The first invalidation after a failover may meet the old master's connections: retry. */
  private static void invalidateEventually(TwoLevelCache<Long, String> cache, long key)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        cache.invalidate(key);
        return;
      } catch (CacheException e) {
        if (System.nanoTime() > deadline || !(e.getCause() instanceof JedisException)) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }
}
