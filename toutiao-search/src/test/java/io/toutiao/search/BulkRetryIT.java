package io.toutiao.search;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.toutiao.search.SearchIT.Article;
import io.toutiao.testing.ElasticsearchServer;
import io.toutiao.testing.ElasticsearchTest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bulk requests rejected with 429 (Elasticsearch's write queue full). A single test node cannot be
 * made to reject on demand, so a loopback proxy in front of the real node answers the first bulk
 * requests the way a saturated node does (every item 429 {@code es_rejected_execution_exception})
 * and forwards everything else.
 */
@ElasticsearchTest(deleteIndices = true)
class BulkRetryIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "content-length", "transfer-encoding", "host", "keep-alive");

  static HttpServer proxy;
  static URI upstream;
  static final AtomicInteger rejectNext = new AtomicInteger();
  static final AtomicInteger bulkRequests = new AtomicInteger();
  static final HttpClient http = HttpClient.newHttpClient();
  static ElasticsearchClient client;

  @BeforeAll
  static void start(ElasticsearchServer es) throws IOException {
    upstream = es.httpUri();
    proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    proxy.createContext("/", BulkRetryIT::handle);
    proxy.start();
    client =
        SearchClientFactory.create(URI.create("http://127.0.0.1:" + proxy.getAddress().getPort()));
    new IndexManager(client, "cjk").ensure(IndexSpec.articles().shards(1).replicas(0).build());
  }

  @AfterAll
  static void stop() throws IOException {
    client._transport().close();
    proxy.stop(0);
  }

  @BeforeEach
  void reset() {
    rejectNext.set(0);
    bulkRequests.set(0);
  }

  private static void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (exchange.getRequestURI().getPath().endsWith("/_bulk")) {
        bulkRequests.incrementAndGet();
        if (rejectNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
          send(exchange, 200, JSON.writeValueAsBytes(rejected(body)));
          return;
        }
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().toString()))
              .method(
                  exchange.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                  values.forEach(v -> request.header(name, v));
                }
              });
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      send(exchange, response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The answer of a node whose write queue is full: every item 429. */
  private static ObjectNode rejected(byte[] ndjson) throws IOException {
    ObjectNode answer = JSON.createObjectNode().put("took", 1).put("errors", true);
    ArrayNode items = answer.putArray("items");
    String[] lines = new String(ndjson, StandardCharsets.UTF_8).split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      JsonNode action = JSON.readTree(lines[i]);
      String kind = action.fieldNames().next();
      JsonNode meta = action.get(kind);
      ObjectNode item = items.addObject().putObject(kind);
      item.put("_index", meta.path("_index").asText("articles_v1"))
          .put("_id", meta.path("_id").asText())
          .put("status", 429)
          .putObject("error")
          .put("type", "es_rejected_execution_exception")
          .put("reason", "rejected execution of coordinating operation");
      if (!"delete".equals(kind)) {
        i++; // the document line
      }
    }
    return answer;
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("X-Elastic-Product", "Elasticsearch");
    exchange
        .getResponseHeaders()
        .putIfAbsent("Content-Type", java.util.List.of("application/json"));
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  static Article article(long id) {
    return new Article(id, 7, "限流" + id, "正文", 2, "2026-11-27T10:00:00Z");
  }

  @Test
  void rejectedBulkRequestsAreRetriedUntilEveryDocumentIsIn() throws IOException {
    rejectNext.set(2);
    Map<String, String> failures = new ConcurrentHashMap<>();
    BulkWriter<Article> writer =
        new BulkWriter<>(
            client, "articles", a -> Long.toString(a.article_id()), failures::put, 100, 1 << 20, 1);
    for (int i = 0; i < 300; i++) {
      writer.index(article(i));
    }
    writer.close();

    assertThat(failures).isEmpty();
    assertThat(writer.indexed()).isEqualTo(300);
    assertThat(bulkRequests.get()).as("3 batches plus the rejected attempts").isGreaterThan(3);
    client.indices().refresh(r -> r.index("articles"));
    assertThat(client.count(c -> c.index("articles")).count()).isEqualTo(300);
  }

  @Test
  void documentsStillRejectedAfterTheLastRetryAreReportedNotLost() {
    rejectNext.set(Integer.MAX_VALUE);
    Map<String, String> failures = new ConcurrentHashMap<>();
    BulkWriter<Article> writer =
        new BulkWriter<>(
            client, "articles", a -> Long.toString(a.article_id()), failures::put, 10, 1 << 20, 1);
    for (int i = 1000; i < 1020; i++) {
      writer.index(article(i));
    }
    writer.close();

    assertThat(writer.indexed()).isZero();
    assertThat(writer.failed()).isEqualTo(20);
    assertThat(failures).hasSize(20);
    assertThat(failures.values()).allMatch(r -> r.contains("es_rejected_execution_exception"));
    assertThat(bulkRequests.get()).as("2 batches, then 8 retries").isGreaterThanOrEqualTo(10);
  }
}
