package io.toutiao.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;

@RedisTest
class RedisServerIT {

  @Test
  void answersPingSetAndGetThroughJedis(RedisServer redis) {
    try (RedisClient jedis = RedisClient.create(redis.host(), redis.port())) {
      assertThat(jedis.ping()).isEqualTo("PONG");
      jedis.set("user:1:profile", "{\"name\":\"头条\"}");
      assertThat(jedis.get("user:1:profile")).isEqualTo("{\"name\":\"头条\"}");
    }
  }

  @Test
  void flushAllEmptiesTheServer(RedisServer redis) {
    try (RedisClient jedis = RedisClient.create(redis.host(), redis.port())) {
      jedis.set("k", "v");
      redis.flushAll();
      assertThat(jedis.dbSize()).isZero();
    }
  }

  @Test
  void stopsAndRestartsOnTheSamePort(RedisServer redis) {
    assumeTrue(redis.isManaged(), "an external server cannot be stopped");
    int port = redis.port();
    try (RedisClient jedis = RedisClient.create(redis.host(), port)) {
      jedis.set("before", "stop");

      redis.stop();
      assertThat(redis.isRunning()).isFalse();
      assertThatThrownBy(jedis::ping).isInstanceOf(JedisConnectionException.class);

      redis.restart();
      assertThat(redis.isRunning()).isTrue();
      assertThat(redis.port()).isEqualTo(port);
      assertThat(jedis.ping()).isEqualTo("PONG");
      assertThat(jedis.get("before")).as("no persistence: data does not survive a stop").isNull();
    }
  }

  @Test
  void ensureRunningBringsBackAKilledServer(RedisServer redis) {
    assumeTrue(redis.isManaged(), "an external server cannot be killed");
    redis.kill();
    assertThat(redis.isRunning()).isFalse();

    redis.ensureRunning();

    assertThat(redis.command("PING")).isEqualTo("PONG");
  }

  @Test
  void externalServerRefusesToStop() {
    RedisServer external = RedisServer.external(java.net.URI.create("redis://127.0.0.1:1"));
    assertThat(external.isManaged()).isFalse();
    assertThat(external.isRunning()).isFalse();
    assertThatThrownBy(external::stop)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("127.0.0.1:1");
  }

  @Test
  void commandErrorsNameTheCommandAndServer(RedisServer redis) {
    assertThatThrownBy(() -> redis.command("NOSUCHCOMMAND"))
        .isInstanceOf(TestServiceException.class)
        .hasMessageContaining("NOSUCHCOMMAND")
        .hasMessageContaining(redis.hostAndPort());
  }
}
