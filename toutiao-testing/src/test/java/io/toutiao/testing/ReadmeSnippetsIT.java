package io.toutiao.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The code shown in README.md, kept here so it compiles and runs. */
class ReadmeSnippetsIT {

  // --- README: toutiao-testing quick start ---
  @Nested
  @RedisTest
  class ProfileCacheIT {
    @Test
    void cachesProfiles(RedisServer redis) {
      try (RedisClient jedis = RedisClient.create(redis.host(), redis.port())) {
        jedis.set("user:1:profile", "{\"name\":\"头条\"}");
        assertThat(jedis.get("user:1:profile")).contains("头条");
      }
    }

    @Test
    void survivesARedisRestart(RedisServer redis) {
      assumeTrue(redis.isManaged());
      redis.stop();
      assertThat(redis.isRunning()).isFalse();
      redis.restart();
      assertThat(redis.isRunning()).isTrue();
    }
  }
}
