package io.toutiao.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.toutiao.push.TestClient.Received;
import io.toutiao.testing.RedisSentinel;
import io.toutiao.testing.RedisSentinelTest;
import io.toutiao.testing.RedisServer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisSentinelClient;

/** A node on a real Sentinel set (one master, one replica, sentinels), through a failover. */
@RedisSentinelTest
class PushSentinelIT {

  static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aFailoverMovesTheSubscriptionAndLosesNothingAcknowledgedOrNot(RedisSentinel sentinel)
      throws Exception {
    sentinel.awaitHealthy(Duration.ofSeconds(30));
    Set<HostAndPort> sentinels =
        sentinel.sentinelHostAndPorts().stream().map(HostAndPort::from).collect(Collectors.toSet());
    PushConfig config = Nodes.settings().build();
    try (RedisSentinelClient jedis =
            RedisSentinelClient.builder()
                .masterName(sentinel.masterName())
                .sentinels(sentinels)
                .clientConfig(Nodes.config())
                .sentinelClientConfig(DefaultJedisClientConfig.builder().timeoutMillis(500).build())
                .build();
        PushServer node =
            PushServer.builder(jedis, jedis::getCurrentMaster, Nodes.config(), Nodes.TOKENS)
                .config(config)
                .build()
                .start();
        TestClient client = TestClient.query(node.port(), "valid.4001").awaitConnected()) {
      PushPublisher publisher = new PushPublisher(jedis, config);
      String before = publisher.toUser("4001", "news", Map.of("n", 1));
      assertThat(client.take(1, WAIT)).extracting(Received::id).containsExactly(before);

      RedisServer old = sentinel.master();
      long subscriptions = node.stats().subscriptions();
      sentinel.failover();
      sentinel.awaitNewMaster(old, Duration.ofSeconds(30));
      PushFaultIT.await(
          "the node subscribes on the new master",
          () -> node.stats().subscriptions() > subscriptions && node.stats().subscribed());

      String after = null;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (after == null) {
        try {
          after = publisher.toUser("4001", "news", Map.of("n", 2));
        } catch (PushUnavailableException e) {
          // the first write after a failover may meet the old master's pooled connections
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(200);
        }
      }
      assertThat(client.take(1, WAIT)).extracting(Received::id).containsExactly(after);
      assertThat(client.drain(Duration.ofMillis(300))).as("nothing again").isEmpty();
      assertThat(client.disconnected).isNotDone();
    }
  }
}
