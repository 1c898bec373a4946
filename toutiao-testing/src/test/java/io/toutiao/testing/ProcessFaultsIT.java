package io.toutiao.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/** Pause, resume and kill on real servers; a private server, so the shared one is never frozen. */
@RedisClusterTest
class ProcessFaultsIT {

  private static RedisServer redis;

  @BeforeAll
  static void startPrivateServer() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopPrivateServer() {
    redis.close();
  }

  @Test
  void pausedRedisAnswersNothingThenEverythingAfterResume() throws IOException {
    try (Socket socket = new Socket(redis.host(), redis.port())) {
      socket.setSoTimeout(500);
      redis.pause();
      assertThat(redis.isPaused()).isTrue();

      socket
          .getOutputStream()
          .write("SET paused-write 1\r\nINCR paused-write\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(redis.isRunning()).isFalse();

      redis.resume();

      socket.setSoTimeout(5_000);
      assertThat(SocketLines.readLine(socket.getInputStream())).isEqualTo("+OK");
      assertThat(SocketLines.readLine(socket.getInputStream())).isEqualTo(":2");
      assertThat(redis.isPaused()).isFalse();
      assertThat(redis.isRunning()).isTrue();
    }
  }

  @Test
  void jedisTimesOutAgainstAPausedServer() {
    try (Jedis jedis =
        new Jedis(
            new HostAndPort(redis.host(), redis.port()),
            DefaultJedisClientConfig.builder().timeoutMillis(300).build())) {
      jedis.ping();
      redis.pause();
      try {
        assertThatThrownBy(jedis::ping).isInstanceOf(JedisConnectionException.class);
      } finally {
        redis.resume();
      }
    }
    assertThat(redis.command("PING")).isEqualTo("PONG");
  }

  @Test
  void aPausedServerCanBeKilledOrStoppedAndRestarted() {
    redis.pause();
    redis.kill();
    assertThat(redis.isRunning()).isFalse();
    redis.restart();
    assertThat(redis.isRunning()).isTrue();

    redis.pause();
    redis.stop();
    assertThat(redis.isPaused()).isFalse();
    redis.ensureRunning();
    assertThat(redis.command("PING")).isEqualTo("PONG");
  }

  @Test
  void ensureRunningResumesAPausedServer() {
    redis.pause();

    redis.ensureRunning();

    assertThat(redis.isPaused()).isFalse();
    assertThat(redis.command("PING")).isEqualTo("PONG");
  }

  @Test
  void aPausedClusterNodeStallsOnlyItsSlots(RedisCluster cluster) {
    Set<HostAndPort> seeds =
        cluster.hostAndPorts().stream().map(HostAndPort::from).collect(Collectors.toSet());
    RedisServer first = cluster.nodes().get(0);
    // "a" hashes to slot 15495 (last node), "b" to 3300 (first node).
    try (RedisClusterClient jedis =
        RedisClusterClient.builder()
            .nodes(seeds)
            .clientConfig(DefaultJedisClientConfig.builder().timeoutMillis(300).build())
            .maxAttempts(1)
            .build()) {
      jedis.set("a", "1");
      jedis.set("b", "1");
      first.pause();
      try {
        assertThatThrownBy(() -> jedis.get("b")).isInstanceOf(JedisException.class);
        assertThat(jedis.get("a")).isEqualTo("1");
      } finally {
        first.resume();
      }
      assertThat(jedis.get("b")).isEqualTo("1");
    }
  }
}
