package io.toutiao.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.exceptions.JedisException;

/** Jedis 7's sentinel client (the successor of JedisSentineled) against a real deployment. */
@RedisSentinelTest
class RedisSentinelIT {

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

  /** Retries a write until the client reaches the current master, as an application would. */
  private static void setEventually(RedisSentinelClient jedis, String key, String value) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        jedis.set(key, value);
        return;
      } catch (JedisException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        RedisServer.sleep(100);
      }
    }
  }

  @Test
  void startsAMasterWithAnInSyncReplicaAndThreeSentinels(RedisSentinel sentinel) {
    assertThat(sentinel.sentinels()).hasSize(3);
    assertThat(sentinel.replicas()).hasSize(1);
    assertThat(String.valueOf(sentinel.master().command("ROLE"))).startsWith("[master");
    assertThat(String.valueOf(sentinel.replicas().get(0).command("INFO", "replication")))
        .contains("master_link_status:up");
  }

  @Test
  void forcedFailoverPromotesTheReplicaAndJedisFollowsIt(RedisSentinel sentinel) {
    try (RedisSentinelClient jedis = connect(sentinel)) {
      RedisServer oldMaster = sentinel.master();
      RedisServer replica = sentinel.replicas().get(0);
      jedis.set("before-failover", "kept");
      assertThat(oldMaster.command("WAIT", "1", "5000")).isEqualTo(1L);

      RedisServer newMaster = sentinel.failover();

      assertThat(newMaster).isSameAs(replica);
      assertThat(sentinel.replicas()).containsExactly(oldMaster);
      setEventually(jedis, "after-failover", "written");
      assertThat(jedis.getCurrentMaster().toString()).isEqualTo(newMaster.hostAndPort());
      assertThat(jedis.get("before-failover")).isEqualTo("kept");
      assertThat(newMaster.command("GET", "after-failover")).isEqualTo("written");
    }
  }

  @Test
  void killingTheMasterMakesTheSentinelsElectTheReplica(RedisSentinel sentinel) {
    try (RedisSentinelClient jedis = connect(sentinel)) {
      RedisServer oldMaster = sentinel.master();
      jedis.set("before-kill", "kept");
      assertThat(oldMaster.command("WAIT", "1", "5000")).isEqualTo(1L);

      oldMaster.kill();
      RedisServer newMaster = sentinel.awaitNewMaster(oldMaster, Duration.ofSeconds(30));

      assertThat(newMaster).isNotSameAs(oldMaster);
      setEventually(jedis, "after-kill", "written");
      assertThat(jedis.get("before-kill")).isEqualTo("kept");

      sentinel.ensureRunning();
      assertThat(sentinel.replicas()).containsExactly(oldMaster);
    }
  }
}
