package io.toutiao.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.push.TestClient.Received;
import io.toutiao.testing.FaultProxy;
import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;

/**
 * Two nodes on one Redis, and Redis failing under connected clients: killed, paused, and a
 * subscription frozen while events are published.
 */
@RedisTest
class PushFaultIT {

  static final Duration WAIT = Duration.ofSeconds(15);
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  <T extends AutoCloseable> T keep(T resource) {
    open.add(resource);
    return resource;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void anEventPublishedOnEitherSideReachesAClientOnTheOtherNode(RedisServer redis)
      throws Exception {
    PushConfig config = Nodes.settings().build();
    UnifiedJedis a = keep(Nodes.redis(redis));
    UnifiedJedis b = keep(Nodes.redis(redis));
    PushServer nodeA = keep(Nodes.node(a, redis.port(), config));
    PushServer nodeB = keep(Nodes.node(b, redis.port(), config));
    PushPublisher viaA = new PushPublisher(a, config);
    PushPublisher viaB = new PushPublisher(b, config);
    TestClient onA = keep(TestClient.query(nodeA.port(), "valid.2001").awaitConnected());
    TestClient onB = keep(TestClient.query(nodeB.port(), "valid.2002").awaitConnected());
    TestClient phoneOnA = keep(TestClient.query(nodeA.port(), "valid.2003").awaitConnected());
    TestClient tabletOnB = keep(TestClient.query(nodeB.port(), "valid.2003").awaitConnected());

    String toB = viaA.toUser("2002", "news", Map.of("from", "a"));
    String toA = viaB.toUser("2001", "news", Map.of("from", "b"));
    String toBoth = viaA.toUser("2003", "news", Map.of("devices", 2));

    assertThat(onB.take(1, WAIT)).extracting(Received::id).containsExactly(toB);
    assertThat(onA.take(1, WAIT)).extracting(Received::id).containsExactly(toA);
    assertThat(phoneOnA.take(1, WAIT)).extracting(Received::id).containsExactly(toBoth);
    assertThat(tabletOnB.take(1, WAIT)).extracting(Received::id).containsExactly(toBoth);
    // and nothing else anywhere
    for (TestClient client : List.of(onA, onB, phoneOnA, tabletOnB)) {
      assertThat(client.drain(Duration.ofMillis(200))).isEmpty();
    }
    assertThat(nodeA.connections()).isEqualTo(2);
    assertThat(nodeB.connections()).isEqualTo(2);
  }

  @Test
  void aFrozenClientIsDroppedByTheHeartbeatAndGetsItsUnacknowledgedEventsAtItsNextConnect(
      RedisServer redis) throws Exception {
    PushConfig config =
        Nodes.settings()
            .pingInterval(Duration.ofSeconds(1))
            .pingTimeout(Duration.ofSeconds(1))
            .build();
    UnifiedJedis jedis = keep(Nodes.redis(redis));
    PushServer node = keep(Nodes.node(jedis, redis.port(), config));
    PushPublisher publisher = new PushPublisher(jedis, config);
    FaultProxy proxy = keep(FaultProxy.start("127.0.0.1", node.port()));
    TestClient frozen = keep(TestClient.query(proxy.port(), "valid.2040").awaitConnected());
    await("connected", () -> node.connections("2040") == 1);
    proxy.freeze();
    // sent into a connection that no longer answers: delivered, never acknowledged
    String lost = publisher.toUser("2040", "news", Map.of("n", 1));
    await("the heartbeat drops the frozen connection", () -> node.connections("2040") == 0);
    assertThat(frozen.events).isEmpty();
    proxy.heal();
    TestClient again = keep(TestClient.query(node.port(), "valid.2040").awaitConnected());
    assertThat(again.take(1, WAIT)).extracting(Received::id).containsExactly(lost);
  }

  @Test
  void aNodeGoingAwayKeepsWhatItsClientAcknowledgedAndTheRestComesThroughAnotherNode(
      RedisServer redis) throws Exception {
    PushConfig config = Nodes.settings().ackFlushInterval(Duration.ofSeconds(10)).build();
    UnifiedJedis jedis = keep(Nodes.redis(redis));
    PushServer leaving = Nodes.node(jedis, redis.port(), config);
    PushServer staying = keep(Nodes.node(jedis, redis.port(), config));
    PushPublisher publisher = new PushPublisher(jedis, config);
    String acknowledged;
    String unacknowledged;
    TestClient client =
        TestClient.query(leaving.port(), "valid.2050", r -> r.data().contains("\"n\":1"))
            .awaitConnected();
    try {
      acknowledged = publisher.toUser("2050", "news", Map.of("n", 1));
      unacknowledged = publisher.toUser("2050", "news", Map.of("n", 2));
      assertThat(client.take(2, WAIT))
          .extracting(Received::id)
          .containsExactly(acknowledged, unacknowledged);
      await("the acknowledgement reaches the node", () -> leaving.stats().acknowledged() == 1);
      // the cursor is written every 10 s here: closing the node writes it first
      assertThat(publisher.pending("2050", 10)).hasSize(2);
    } finally {
      leaving.close();
      client.close();
    }
    assertThat(publisher.pending("2050", 10))
        .extracting(PushEvent::id)
        .containsExactly(unacknowledged);
    TestClient moved = keep(TestClient.query(staying.port(), "valid.2050").awaitConnected());
    assertThat(moved.take(1, WAIT)).extracting(Received::id).containsExactly(unacknowledged);
    assertThat(moved.drain(Duration.ofMillis(300))).isEmpty();
  }

  /** An Engine.IO session that never connects to the namespace: it only answers pings. */
  static final class Squatter extends okhttp3.WebSocketListener {
    final java.util.concurrent.CompletableFuture<Void> opened =
        new java.util.concurrent.CompletableFuture<>();
    final java.util.concurrent.CompletableFuture<Void> closed =
        new java.util.concurrent.CompletableFuture<>();

    @Override
    public void onMessage(okhttp3.WebSocket socket, String text) {
      if (text.startsWith("0")) {
        opened.complete(null);
      } else if (text.equals("2")) {
        socket.send("3");
      }
    }

    @Override
    public void onClosing(okhttp3.WebSocket socket, int code, String reason) {
      closed.complete(null);
    }

    @Override
    public void onFailure(okhttp3.WebSocket socket, Throwable t, okhttp3.Response response) {
      closed.complete(null);
    }
  }

  @Test
  void sessionsThatNeverConnectCountAgainstTheLimitAndAreClosedAfterTheConnectTimeout(
      RedisServer redis) throws Exception {
    PushConfig config =
        Nodes.settings().maxConnections(3).connectTimeout(Duration.ofSeconds(2)).build();
    UnifiedJedis jedis = keep(Nodes.redis(redis));
    PushServer node = keep(Nodes.node(jedis, redis.port(), config));
    okhttp3.OkHttpClient http = new okhttp3.OkHttpClient();
    okhttp3.Request handshake =
        new okhttp3.Request.Builder()
            .url("ws://127.0.0.1:" + node.port() + "/socket.io/?EIO=4&transport=websocket")
            .build();
    List<Squatter> squatters = new ArrayList<>();
    List<okhttp3.WebSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        Squatter squatter = new Squatter();
        squatters.add(squatter);
        sockets.add(http.newWebSocket(handshake, squatter));
        squatter.opened.get(10, java.util.concurrent.TimeUnit.SECONDS);
      }
      // the fourth is over the limit: closed at once, while the first three wait
      squatters.get(3).closed.get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(squatters.get(0).closed).isNotDone();
      // a real client is refused too while the node is full
      TestClient early = keep(TestClient.query(node.port(), "valid.2060"));
      java.util.concurrent.CompletableFuture.anyOf(early.disconnected, early.connectError)
          .get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(early.connected).isNotDone();
      // the connect timeout closes the squatters, whatever they answer to pings
      for (int i = 0; i < 3; i++) {
        squatters.get(i).closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
      }
      TestClient later = keep(TestClient.query(node.port(), "valid.2060").awaitConnected());
      String id = new PushPublisher(jedis, config).toUser("2060", "news", "room again");
      assertThat(later.take(1, WAIT)).extracting(Received::id).containsExactly(id);
    } finally {
      sockets.forEach(s -> s.cancel());
      http.dispatcher().executorService().shutdown();
    }
  }

  @Test
  void redisKilledUnderConnectedClientsThenBackDeliveryResumes(RedisServer redis) throws Exception {
    PushConfig config = Nodes.settings().build();
    UnifiedJedis jedis = keep(Nodes.redis(redis));
    PushServer node = keep(Nodes.node(jedis, redis.port(), config));
    PushPublisher publisher = new PushPublisher(jedis, config);
    TestClient client = keep(TestClient.query(node.port(), "valid.2010").awaitConnected());
    String before = publisher.toUser("2010", "news", Map.of("n", 1));
    assertThat(client.take(1, WAIT)).extracting(Received::id).containsExactly(before);
    long subscriptions = node.stats().subscriptions();
    try {
      redis.kill();
      assertThatThrownBy(() -> publisher.toUser("2010", "news", Map.of("n", 2)))
          .isInstanceOf(PushUnavailableException.class)
          .hasMessageContaining("2010");
      await("the node notices", () -> !node.stats().subscribed());
      Thread.sleep(1_000);
      assertThat(client.disconnected).as("the client stays connected").isNotDone();
      assertThat(node.connections()).isEqualTo(1);
    } finally {
      redis.restart();
    }
    await(
        "the node subscribes again",
        () -> node.stats().subscribed() && node.stats().subscriptions() > subscriptions);
    String after = publisher.toUser("2010", "news", Map.of("n", 3));
    assertThat(client.take(1, WAIT)).extracting(Received::id).containsExactly(after);
    assertThat(client.disconnected).isNotDone();
    // a new connection works too
    TestClient later = keep(TestClient.query(node.port(), "valid.2011").awaitConnected());
    String third = publisher.toUser("2011", "news", Map.of("n", 4));
    assertThat(later.take(1, WAIT)).extracting(Received::id).containsExactly(third);
  }

  @Test
  void redisPausedUnderConnectedClientsThenResumedDeliversWhatCameAfter(RedisServer redis)
      throws Exception {
    PushConfig config = Nodes.settings().build();
    UnifiedJedis jedis = keep(Nodes.redis(redis));
    PushServer node = keep(Nodes.node(jedis, redis.port(), config));
    PushPublisher publisher = new PushPublisher(jedis, config);
    TestClient client = keep(TestClient.query(node.port(), "valid.2020").awaitConnected());
    redis.pause();
    try {
      await("the node notices the silence", () -> node.stats().silentRestarts() > 0);
      assertThat(client.disconnected).isNotDone();
    } finally {
      redis.resume();
    }
    await("the node subscribes again", () -> node.stats().subscribed());
    String id = publisher.toUser("2020", "news", "after the pause");
    assertThat(client.take(1, WAIT)).extracting(Received::id).containsExactly(id);
  }

  @Test
  void eventsPublishedWhileTheSubscriptionIsFrozenArriveOnceInOrderAfterward(RedisServer redis)
      throws Exception {
    PushConfig config = Nodes.settings().build();
    UnifiedJedis jedis = keep(Nodes.redis(redis));
    FaultProxy proxy = keep(FaultProxy.start(redis.host(), redis.port()));
    PushServer node =
        keep(
            PushServer.builder(
                    jedis,
                    new HostAndPort(proxy.host(), proxy.port()),
                    Nodes.config(),
                    Nodes.TOKENS)
                .config(config)
                .build()
                .start());
    PushPublisher publisher = new PushPublisher(jedis, config);
    TestClient client = keep(TestClient.query(node.port(), "valid.2030").awaitConnected());
    String first = publisher.toUser("2030", "news", Map.of("n", 0));
    assertThat(client.take(1, WAIT)).extracting(Received::id).containsExactly(first);

    proxy.freeze();
    List<String> ids = new ArrayList<>();
    try {
      for (int i = 1; i <= 5; i++) {
        ids.add(publisher.toUser("2030", "news", Map.of("n", i)));
      }
      assertThat(client.drain(Duration.ofMillis(300))).as("nothing while frozen").isEmpty();
      await("the node gives up the silent subscription", () -> node.stats().silentRestarts() > 0);
    } finally {
      proxy.thaw();
    }
    List<Received> got = client.take(5, WAIT);
    assertThat(got).extracting(Received::id).containsExactlyElementsOf(ids);
    assertThat(client.drain(Duration.ofMillis(500))).as("each event once").isEmpty();
  }
}
