package io.toutiao.cache;

import io.toutiao.testing.RedisCluster;
import io.toutiao.testing.RedisClusterTest;
import io.toutiao.testing.RedisServer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

@RedisClusterTest
class ClusterTwoLevelCacheIT extends TwoLevelCacheContract {

  RedisCluster cluster;
  RedisClusterClient admin;

  @BeforeEach
  void connect(RedisCluster cluster) {
    this.cluster = cluster;
    cluster.flushAll();
    admin = (RedisClusterClient) newClient();
    toClose.add(admin);
  }

  @Override
  UnifiedJedis newClient() {
    return RedisClusterClient.create(
        cluster.hostAndPorts().stream().map(HostAndPort::from).collect(Collectors.toSet()));
  }

  @Override
  Object command(String key, String... args) {
    return switch (args[0]) {
      case "GET" -> admin.get(key);
      case "SET" -> admin.set(key, args[2]);
      case "PTTL" -> admin.pttl(key);
      case "EXISTS" -> admin.exists(key) ? 1L : 0L;
      default -> throw new IllegalArgumentException(args[0]);
    };
  }

  @Override
  void commandOnAllNodes(String... args) {
    for (RedisServer node : cluster.nodes()) {
      node.command(args);
    }
  }
}
