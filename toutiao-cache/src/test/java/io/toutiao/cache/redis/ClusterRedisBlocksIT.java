package io.toutiao.cache.redis;

import io.toutiao.testing.RedisCluster;
import io.toutiao.testing.RedisClusterTest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

@RedisClusterTest
class ClusterRedisBlocksIT extends RedisBlocksContract {

  RedisCluster cluster;

  @BeforeEach
  void connect(RedisCluster cluster) {
    this.cluster = cluster;
    cluster.flushAll();
  }

  @Override
  UnifiedJedis newClient() {
    return RedisClusterClient.create(
        cluster.hostAndPorts().stream().map(HostAndPort::from).collect(Collectors.toSet()));
  }
}
