package io.toutiao.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

@RedisTest
class StandaloneRedisBlocksIT extends RedisBlocksContract {

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

  @Test
  void counterFailuresSurfaceAsTypedExceptionsUnlessADefaultIsAsked() {
    assumeTrue(redis.isManaged());
    CounterStore counts = new CounterStore(client(), "count:outage");
    counts.increment(1, 1);
    redis.stop();
    try {
      assertThatThrownBy(() -> counts.increment(1, 1))
          .isInstanceOf(RedisStoreException.class)
          .hasMessageContaining("count:outage");
      assertThatThrownBy(() -> counts.get(1)).isInstanceOf(RedisStoreException.class);
      assertThat(counts.getOrDefault(1, -1)).isEqualTo(-1);
    } finally {
      redis.restart();
    }
  }
}
