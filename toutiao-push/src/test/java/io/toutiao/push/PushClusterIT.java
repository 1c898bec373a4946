package io.toutiao.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.toutiao.push.TestClient.Received;
import io.toutiao.testing.RedisCluster;
import io.toutiao.testing.RedisClusterTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;

/**
 * On a real 3-master Redis Cluster: users whose inboxes live on every master, two nodes subscribed
 * on different masters, offline delivery and acknowledgements.
 */
@RedisClusterTest
class PushClusterIT {

  static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void usersOnEveryMasterGetTheirEventsThroughNodesSubscribedOnDifferentMasters(
      RedisCluster cluster) throws Exception {
    cluster.flushAll();
    Set<HostAndPort> seeds =
        cluster.hostAndPorts().stream().map(HostAndPort::from).collect(Collectors.toSet());
    List<HostAndPort> masters = cluster.hostAndPorts().stream().map(HostAndPort::from).toList();
    PushConfig config = Nodes.settings().build();
    try (RedisClusterClient jedis = RedisClusterClient.create(seeds);
        PushServer first =
            PushServer.builder(jedis, masters.get(0), Nodes.config(), Nodes.TOKENS)
                .config(config)
                .build()
                .start();
        PushServer second =
            PushServer.builder(jedis, masters.get(2), Nodes.config(), Nodes.TOKENS)
                .config(config)
                .build()
                .start()) {
      PushPublisher publisher = new PushPublisher(jedis, config);
      // 30 users: their {user} slots spread over the three masters
      List<String> waiting = new ArrayList<>();
      for (int u = 0; u < 30; u++) {
        waiting.add(publisher.toUser("c" + u, "news", Map.of("u", u)));
      }
      List<TestClient> clients = new ArrayList<>();
      try {
        for (int u = 0; u < 30; u++) {
          PushServer node = u % 2 == 0 ? first : second;
          clients.add(TestClient.query(node.port(), "valid.c" + u).awaitConnected());
        }
        for (int u = 0; u < 30; u++) {
          assertThat(clients.get(u).take(1, WAIT))
              .as("user c%d, offline event", u)
              .extracting(Received::id)
              .containsExactly(waiting.get(u));
        }
        for (int u = 0; u < 30; u++) {
          String live = publisher.toUser("c" + u, "news", Map.of("live", u));
          assertThat(clients.get(u).take(1, WAIT))
              .as("user c%d, live event", u)
              .extracting(Received::id)
              .containsExactly(live);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int u = 0; u < 30; u++) {
          while (!publisher.pending("c" + u, 5).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          assertThat(publisher.pending("c" + u, 5)).as("c%d acknowledged", u).isEmpty();
        }
      } finally {
        clients.forEach(TestClient::close);
      }
    }
  }
}
