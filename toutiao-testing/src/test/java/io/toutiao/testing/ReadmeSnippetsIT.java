package io.toutiao.testing;

import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.exceptions.JedisConnectionException;

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

  // --- README: Redis Sentinel ---
  @Nested
  @RedisSentinelTest
  class FailoverIT {
    @Test
    void followsTheNewMaster(RedisSentinel sentinel) {
      Set<HostAndPort> sentinels =
          sentinel.sentinelHostAndPorts().stream().map(HostAndPort::from).collect(toSet());
      try (RedisSentinelClient jedis =
          RedisSentinelClient.builder()
              .masterName(sentinel.masterName())
              .sentinels(sentinels)
              .build()) {
        jedis.set("k", "v");
        RedisServer promoted = sentinel.failover();
        assertThat(promoted.command("ROLE").toString()).startsWith("[master");
      }
    }
  }

  // --- README: FaultProxy ---
  @Nested
  class FrozenIT {
    @RegisterExtension static FaultProxyExtension proxy = FaultProxyExtension.forRedis();

    @Test
    void survivesAFrozenConnection(FaultProxy proxy) {
      try (RedisClient jedis =
          RedisClient.builder()
              .hostAndPort(proxy.host(), proxy.port())
              .clientConfig(DefaultJedisClientConfig.builder().timeoutMillis(300).build())
              .build()) {
        proxy.freeze();
        assertThatThrownBy(jedis::ping).isInstanceOf(JedisConnectionException.class);
        proxy.thaw();
        assertThat(jedis.ping()).isEqualTo("PONG");
      }
    }
  }

  // --- README: JavaProcess ---
  @Nested
  @RedisTest
  class ChildIT {
    @Test
    void pausesAndKillsAChild(RedisServer redis) {
      try (JavaProcess child =
          JavaProcess.builder(Worker.class)
              .args(redis.uri().toString())
              .jvmOptions("-Xmx64m")
              .start()) {
        child.awaitLine(line -> line.startsWith("ready"), Duration.ofSeconds(10));
        child.pauseFor(Duration.ofSeconds(1));
        child.writeLine("work");
        child.awaitLine(line -> line.equals("did work"), Duration.ofSeconds(10));
        child.kill();
        assertThat(child.waitFor(Duration.ofSeconds(10))).isEqualTo(137);
      }
    }
  }

  /** The child of the JavaProcess snippet. */
  public static final class Worker {
    private Worker() {}

    public static void main(String[] args) throws java.io.IOException {
      System.out.println("ready " + args[0]);
      java.io.BufferedReader in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        System.out.println("did " + line);
      }
    }
  }
}
