package io.toutiao.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;

@RedisClusterTest
class RedisClusterIT {

  private static RedisClusterClient connect(RedisCluster cluster) {
    Set<HostAndPort> seeds =
        cluster.hostAndPorts().stream().map(HostAndPort::from).collect(Collectors.toSet());
    return RedisClusterClient.create(seeds);
  }

  @Test
  void hasThreeMastersCoveringAllSlots(RedisCluster cluster) {
    assertThat(cluster.nodes()).hasSizeGreaterThanOrEqualTo(3);
    for (RedisServer node : cluster.nodes()) {
      String info = (String) node.command("CLUSTER", "INFO");
      assertThat(info).contains("cluster_state:ok").contains("cluster_slots_assigned:16384");
      assertThat(String.valueOf(node.command("ROLE"))).startsWith("[master");
    }
  }

  @Test
  void keysWrittenThroughJedisLandOnEveryMaster(RedisCluster cluster) {
    try (RedisClusterClient jedis = connect(cluster)) {
      for (int i = 0; i < 300; i++) {
        jedis.set("art:" + i + ":info", "v" + i);
      }
      for (int i = 0; i < 300; i++) {
        assertThat(jedis.get("art:" + i + ":info")).isEqualTo("v" + i);
      }
    }
    long total = 0;
    for (RedisServer node : cluster.nodes()) {
      long keys = (Long) node.command("DBSIZE");
      assertThat(keys).as("keys on %s", node).isPositive();
      total += keys;
    }
    assertThat(total).isEqualTo(300);
  }

  @Test
  void aStoppedNodeComesBackWithItsSlots(RedisCluster cluster) {
    assumeTrue(cluster.isManaged(), "an external cluster cannot be stopped");
    RedisServer node = cluster.nodes().get(1);
    node.stop();
    assertThat(node.isRunning()).isFalse();

    cluster.ensureRunning();

    cluster.awaitHealthy(Duration.ofSeconds(30));
    try (RedisClusterClient jedis = connect(cluster)) {
      for (int i = 0; i < 100; i++) {
        jedis.set("after-restart:" + i, "ok");
      }
      assertThat(jedis.get("after-restart:42")).isEqualTo("ok");
    }
  }
}
