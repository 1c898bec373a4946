package io.toutiao.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.toutiao.cache.TwoLevelCache;
import io.toutiao.core.id.SnowflakeIdGenerator;
import io.toutiao.testing.RedisCluster;
import io.toutiao.testing.RedisClusterTest;
import io.toutiao.testing.RedisSentinel;
import io.toutiao.testing.RedisSentinelTest;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/** {@code spring.data.redis.cluster.*} and {@code .sentinel.*} on real topologies on loopback. */
class RedisTopologiesIT {

  static ApplicationContextRunner runner(String... properties) {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ToutiaoRedisAutoConfiguration.class,
                ToutiaoIdAutoConfiguration.class,
                ToutiaoCacheAutoConfiguration.class))
        .withPropertyValues(
            "toutiao.ids.worker-id-source=REDIS",
            "toutiao.ids.lease-ttl=3s",
            "toutiao.cache.caches.profile.value-type=" + Fixtures.Profile.class.getName(),
            "toutiao.cache.counters.likes.key=count:art:liking")
        .withPropertyValues(properties);
  }

  @SuppressWarnings("unchecked")
  static void cachesAndLeases(org.springframework.context.ApplicationContext context) {
    TwoLevelCache<Object, Object> cache =
        (TwoLevelCache<Object, Object>)
            context.getBean(CacheManager.class).getCache("profile").getNativeCache();
    Optional<Object> loaded = cache.get(1L, id -> new Fixtures.Profile(1, "loaded"));
    assertThat(loaded).contains(new Fixtures.Profile(1, "loaded"));
    cache.invalidateLocal();
    assertThat(cache.getIfPresent(1L)).as("from Redis").contains(new Fixtures.Profile(1, "loaded"));
    assertThat(context.getBean(SnowflakeIdGenerator.class).nextId()).isPositive();
    context.getBean("likes", io.toutiao.cache.redis.CounterStore.class).increment(1, 2);
    assertThat(context.getBean("likes", io.toutiao.cache.redis.CounterStore.class).get(1))
        .isEqualTo(2);
  }

  @Nested
  @RedisClusterTest
  class OnACluster {
    @Test
    void buildsAClusterClientFromTheSeeds(RedisCluster cluster) {
      runner("spring.data.redis.cluster.nodes=" + String.join(",", cluster.hostAndPorts()))
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(UnifiedJedis.class))
                    .isInstanceOf(RedisClusterClient.class);
                cachesAndLeases(context);
              });
    }
  }

  @Nested
  @RedisSentinelTest
  class BehindSentinels {
    @Test
    void buildsASentinelClientForTheMaster(RedisSentinel sentinel) {
      runner(
              "spring.data.redis.sentinel.master=" + sentinel.masterName(),
              "spring.data.redis.sentinel.nodes="
                  + String.join(",", sentinel.sentinelHostAndPorts()))
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(UnifiedJedis.class))
                    .isInstanceOf(RedisSentinelClient.class);
                cachesAndLeases(context);
              });
    }
  }
}
