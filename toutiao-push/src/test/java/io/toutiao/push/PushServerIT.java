package io.toutiao.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.push.TestClient.Received;
import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** One node and a publisher on a real Redis, real Java Socket.IO clients on loopback. */
@RedisTest
class PushServerIT {

  static final Duration WAIT = Duration.ofSeconds(10);
  static UnifiedJedis jedis;
  static PushConfig config;
  static PushServer node;
  static PushPublisher publisher;

  @BeforeAll
  static void start(RedisServer redis) {
    jedis = Nodes.redis(redis);
    config =
        Nodes.settings().inboxMaxEvents(1000).maxConnectionsPerUser(2).echoMessages(true).build();
    node = Nodes.node(jedis, redis.port(), config);
    publisher = new PushPublisher(jedis, config);
  }

  @AfterAll
  static void stop() {
    node.close();
    jedis.close();
  }

  static void awaitAcknowledged(String user) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!publisher.pending(user, 10).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(publisher.pending(user, 10)).as("unacknowledged events of " + user).isEmpty();
  }

  @Test
  void aFollowedUserGetsTheReferencesNotificationWithAnIdAndItsAcknowledgementIsKept()
      throws Exception {
    try (TestClient client = TestClient.query(node.port(), "valid.1001").awaitConnected()) {
      Instant at = Instant.parse("2026-12-03T08:00:00Z");
      String id = publisher.notify("1001", Notification.following("7", "小明", "http://p/7.jpg", at));
      List<Received> got = client.take(1, WAIT);
      assertThat(got).hasSize(1);
      assertThat(got.get(0).event()).isEqualTo("following notify");
      assertThat(got.get(0).id()).isEqualTo(id);
      JSONObject data = new JSONObject(got.get(0).data());
      assertThat(data.getString("user_id")).isEqualTo("7");
      assertThat(data.getString("user_name")).isEqualTo("小明");
      assertThat(data.getString("user_photo")).isEqualTo("http://p/7.jpg");
      assertThat(data.getLong("timestamp")).isEqualTo(at.getEpochSecond());
      awaitAcknowledged("1001");
    }
    // acknowledged: a new connection gets nothing again
    try (TestClient again = TestClient.query(node.port(), "valid.1001").awaitConnected()) {
      assertThat(again.drain(Duration.ofMillis(500))).isEmpty();
    }
  }

  @Test
  void eventsForAnOfflineUserArriveInOrderAtConnectAndUnacknowledgedOnesAgainWithTheSameIds()
      throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add(publisher.toUser("1002", "news", Map.of("n", i)));
    }
    List<Received> first;
    // acknowledges only the first five
    AtomicInteger acked = new AtomicInteger();
    try (TestClient client =
        TestClient.payload(node.port(), "valid.1002", r -> acked.incrementAndGet() <= 5)
            .awaitConnected()) {
      first = client.take(8, WAIT);
      assertThat(first).extracting(Received::id).containsExactlyElementsOf(ids);
      assertThat(first)
          .extracting(r -> new JSONObject(r.data()).getInt("n"))
          .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (publisher.pending("1002", 10).size() != 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      // one more while connected, not acknowledged either
      ids.add(publisher.toUser("1002", "news", Map.of("n", 8)));
      assertThat(client.take(1, WAIT)).extracting(Received::id).containsExactly(ids.get(8));
      assertThat(client.drain(Duration.ofMillis(300)))
          .as("nothing twice on one connection")
          .isEmpty();
    }
    ids.add(publisher.toUser("1002", "news", Map.of("n", 9)));
    try (TestClient client = TestClient.query(node.port(), "valid.1002").awaitConnected()) {
      List<Received> again = client.take(5, WAIT);
      assertThat(again).extracting(Received::id).containsExactlyElementsOf(ids.subList(5, 10));
      assertThat(client.drain(Duration.ofMillis(300))).isEmpty();
      awaitAcknowledged("1002");
    }
  }

  @Test
  void reconnectingWhilePublishingNeverLosesOrReordersAndNeverRepeatsOnOneConnection()
      throws Exception {
    List<String> published = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread writer =
        new Thread(
            () -> {
              for (int i = 0; i < 300; i++) {
                published.add(publisher.toUser("1010", "news", Map.of("n", i)));
                if (i % 10 == 0) {
                  try {
                    Thread.sleep(5);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              }
            });
    writer.start();
    java.util.Set<String> seen = new java.util.HashSet<>();
    java.util.Random random = new java.util.Random(5);
    int connectionsMade = 0;
    while (writer.isAlive() || connectionsMade == 0) {
      connectionsMade++;
      // half of them close without acknowledging the last few events
      boolean ackAll = random.nextBoolean();
      AtomicInteger count = new AtomicInteger();
      int stopAcking = 5 + random.nextInt(20);
      try (TestClient client =
          TestClient.query(
                  node.port(), "valid.1010", r -> ackAll || count.incrementAndGet() < stopAcking)
              .awaitConnected()) {
        List<Received> got = client.drain(Duration.ofMillis(50 + random.nextInt(150)));
        List<String> ids = got.stream().map(Received::id).toList();
        for (int i = 1; i < ids.size(); i++) {
          assertThat(io.toutiao.push.internal.Inbox.compare(ids.get(i - 1), ids.get(i)))
              .as("in order and once on one connection: %s", ids)
              .isNegative();
        }
        seen.addAll(ids);
      }
    }
    writer.join();
    try (TestClient last = TestClient.query(node.port(), "valid.1010").awaitConnected()) {
      last.drain(Duration.ofMillis(500)).forEach(r -> seen.add(r.id()));
    }
    assertThat(published).hasSize(300);
    assertThat(seen).as("every event, over %d connections", connectionsMade).containsAll(published);
    awaitAcknowledged("1010");
  }

  @Test
  void pollingClientsAreAdmittedBetweenTheirRequestsAndGetWhatWaits() throws Exception {
    // a polling client has no open socket between two requests: admission must not need one
    List<TestClient> clients = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    try {
      for (int i = 0; i < 12; i++) {
        ids.add(publisher.toUser("11" + i, "news", Map.of("n", i)));
      }
      for (int i = 0; i < 12; i++) {
        clients.add(TestClient.polling(node.port(), "valid.11" + i));
      }
      for (int i = 0; i < 12; i++) {
        assertThat(clients.get(i).take(1, WAIT))
            .as("polling client %d", i)
            .extracting(Received::id)
            .containsExactly(ids.get(i));
      }
      // and live ones after the upgrade
      String live = publisher.toUser("110", "news", "live");
      assertThat(clients.get(0).take(1, WAIT)).extracting(Received::id).containsExactly(live);
    } finally {
      clients.forEach(TestClient::close);
    }
  }

  @Test
  void anInboxKeepsTheNewestEventsUpToItsBound() throws Exception {
    // the publisher trims: one with a bound of 50
    PushPublisher bounded = new PushPublisher(jedis, config.toBuilder().inboxMaxEvents(50).build());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      ids.add(bounded.toUser("1003", "news", Map.of("n", i)));
    }
    assertThat(publisher.pending("1003", 1000))
        .extracting(PushEvent::id)
        .containsExactlyElementsOf(ids.subList(20, 70));
    try (TestClient client = TestClient.query(node.port(), "valid.1003").awaitConnected()) {
      assertThat(client.take(50, WAIT))
          .extracting(Received::id)
          .containsExactlyElementsOf(ids.subList(20, 70));
    }
  }

  @Test
  void badExpiredAndMissingTokensAreRefused() throws Exception {
    long refusedBefore = node.stats().refused();
    try (TestClient bad = TestClient.query(node.port(), "forged.1004")) {
      assertThat(bad.connectError.get(10, TimeUnit.SECONDS)).isNotNull();
      assertThat(bad.connected).isNotDone();
    }
    try (TestClient expired = TestClient.query(node.port(), "expired.1004")) {
      assertThat(expired.connectError.get(10, TimeUnit.SECONDS)).isNotNull();
    }
    try (TestClient expired = TestClient.payload(node.port(), "expired.1004", r -> true)) {
      assertThat(expired.connectError.get(10, TimeUnit.SECONDS)).contains("invalid token");
      assertThat(expired.connected).isNotDone();
    }
    try (TestClient none = TestClient.query(node.port(), null)) {
      assertThat(none.disconnected.get(10, TimeUnit.SECONDS)).isNotNull();
    }
    // the payload must not name another user than the query token
    try (TestClient mixed = TestClient.payload(node.port(), "valid.1005", r -> true)) {
      mixed.connected.get(10, TimeUnit.SECONDS);
    }
    assertThat(node.stats().refused() - refusedBefore).isGreaterThanOrEqualTo(4);
    assertThat(node.connections("1004")).isZero();
    // nothing delivered to a refused user
    publisher.toUser("1004", "news", Map.of("secret", true));
    assertThat(node.stats().connections()).isLessThanOrEqualTo(1);
  }

  @Test
  void aUserBeyondTheConnectionLimitIsRefusedWithAReason() throws Exception {
    try (TestClient a = TestClient.query(node.port(), "valid.1006").awaitConnected();
        TestClient b = TestClient.query(node.port(), "valid.1006").awaitConnected();
        TestClient c = TestClient.query(node.port(), "valid.1006")) {
      JSONObject error = c.pushError.get(10, TimeUnit.SECONDS);
      assertThat(error.getString("code")).isEqualTo("too_many_connections");
      c.disconnected.get(10, TimeUnit.SECONDS);
      assertThat(node.connections("1006")).isEqualTo(2);
      // both of the others get each event
      String id = publisher.toUser("1006", "news", "hello");
      assertThat(a.take(1, WAIT)).extracting(Received::id).containsExactly(id);
      assertThat(b.take(1, WAIT)).extracting(Received::id).containsExactly(id);
    }
  }

  @Test
  void theChatEchoesAndAnOversizeMessageClosesTheConnection() throws Exception {
    try (TestClient client = TestClient.query(node.port(), "valid.1007").awaitConnected()) {
      client.emit("message", "你好");
      assertThat(client.take(1, WAIT)).extracting(Received::data).containsExactly("你好");
      client.emit("message", "x".repeat(config.maxMessageBytes() + 10));
      assertThat(client.disconnected.get(10, TimeUnit.SECONDS)).isNotNull();
    }
  }

  @Test
  void roomsAndBroadcastsReachWhoIsConnected() throws Exception {
    try (TestClient client = TestClient.query(node.port(), "valid.1008").awaitConnected()) {
      String room = "everyone-" + ("1008".hashCode() & 1);
      assertThat(publisher.toRoom(room, "news", Map.of("room", true))).isPositive();
      publisher.broadcast("news", Map.of("all", true));
      List<Received> got = client.take(2, WAIT);
      assertThat(got)
          .extracting(Received::data)
          .containsExactly("{\"room\":true}", "{\"all\":true}");
      assertThat(got).extracting(Received::id).containsOnlyNulls();
    }
  }

  @Test
  void thePublisherRefusesBadArgumentsByName() {
    assertThatThrownBy(() -> publisher.toUser("1 OR 1=1", "news", 1))
        .isInstanceOf(PushRequestException.class)
        .hasMessageContaining("user id");
    assertThatThrownBy(() -> publisher.toUser("1009", "disconnect", 1))
        .isInstanceOf(PushRequestException.class)
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> publisher.toUser("1009", "news", "x".repeat(20_000)))
        .isInstanceOf(PushRequestException.class)
        .hasMessageContaining("maxEventBytes");
    assertThatThrownBy(() -> publisher.toRoom("a room", "news", 1))
        .isInstanceOf(PushRequestException.class)
        .hasMessageContaining("room");
    assertThatThrownBy(() -> new PushUser("")).isInstanceOf(PushRequestException.class);
    assertThat(publisher.pending("1009", 10)).isEmpty();
  }
}
