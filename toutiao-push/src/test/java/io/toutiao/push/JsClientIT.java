package io.toutiao.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** The JavaScript socket.io-client 4.8 (from the npm registry, run by node) against a node. */
@RedisTest
class JsClientIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static UnifiedJedis jedis;
  static PushServer node;
  static PushPublisher publisher;
  static Path client;

  @BeforeAll
  static void start(RedisServer redis) throws Exception {
    client = NodeJs.clientDirectory();
    jedis = Nodes.redis(redis);
    PushConfig config = Nodes.settings().build();
    node = Nodes.node(jedis, redis.port(), config);
    publisher = new PushPublisher(jedis, config);
  }

  @AfterAll
  static void stop() {
    node.close();
    jedis.close();
  }

  static Process run(String token, int events, String... modeAndTransports) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "node",
                "client.mjs",
                "http://127.0.0.1:" + node.port(),
                token,
                Integer.toString(events)));
    command.addAll(List.of(modeAndTransports));
    return new ProcessBuilder(command)
        .directory(client.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  static JsonNode next(BufferedReader out) throws Exception {
    String line = out.readLine();
    assertThat(line).as("a line from the JavaScript client").isNotNull();
    return JSON.readTree(line);
  }

  @Test
  void theJavaScriptClientGetsWhatWaitedThenWhatComesInOrderAndAcknowledges() throws Exception {
    List<String> ids = new ArrayList<>();
    ids.add(
        publisher.notify(
            "3001", Notification.following("8", "小红", null, Instant.ofEpochSecond(1_764_000_000))));
    ids.add(publisher.toUser("3001", "news", Map.of("n", 2)));
    Process process = run("valid.3001", 3);
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(next(out).path("type").asText()).isEqualTo("connected");
      JsonNode first = next(out);
      assertThat(first.path("event").asText()).isEqualTo("following notify");
      assertThat(first.path("id").asText()).isEqualTo(ids.get(0));
      assertThat(first.path("data").path("user_name").asText()).isEqualTo("小红");
      assertThat(first.path("data").path("timestamp").asLong()).isEqualTo(1_764_000_000L);
      assertThat(next(out).path("id").asText()).isEqualTo(ids.get(1));
      ids.add(publisher.toUser("3001", "news", Map.of("n", 3)));
      JsonNode third = next(out);
      assertThat(third.path("id").asText()).isEqualTo(ids.get(2));
      assertThat(third.path("data").path("n").asInt()).isEqualTo(3);
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
    } finally {
      process.destroyForcibly();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!publisher.pending("3001", 10).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(publisher.pending("3001", 10)).as("acknowledged by the JavaScript client").isEmpty();
  }

  @Test
  void theReferencesWayQueryTokenAndPollingThenWebSocketWorksToo() throws Exception {
    String id = publisher.toUser("3003", "news", Map.of("n", 1));
    Process process = run("valid.3003", 2, "query", "polling,websocket");
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(next(out).path("type").asText()).isEqualTo("connected");
      assertThat(next(out).path("id").asText()).isEqualTo(id);
      // after the upgrade to WebSocket (the client upgrades within a moment)
      Thread.sleep(500);
      String second = publisher.toUser("3003", "news", Map.of("n", 2));
      assertThat(next(out).path("id").asText()).isEqualTo(second);
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void theJavaScriptClientIsRefusedWithABadToken() throws Exception {
    Process process = run("forged.3002", 1);
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      JsonNode line = next(out);
      assertThat(line.path("type").asText()).isEqualTo("connect_error");
      assertThat(line.path("message").asText()).isEqualTo("invalid token");
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(2);
    } finally {
      process.destroyForcibly();
    }
  }
}
