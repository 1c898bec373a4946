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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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

  /** Bulk bodies larger than this are refused whole (0 = none). */
  static final AtomicInteger refuseLargerThan = new AtomicInteger();

  /** 429 with a circuit breaker's error, or 413 without a body as for http.max_content_length. */
  static volatile int refusalStatus = 429;

  /** Bulk requests forwarded to the node whose answer is then lost (the connection closed). */
  static final AtomicInteger loseReplies = new AtomicInteger();

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
  void reset() throws IOException {
    rejectNext.set(0);
    bulkRequests.set(0);
    refuseLargerThan.set(0);
    refusalStatus = 429;
    loseReplies.set(0);
    client.indices().delete(d -> d.index("articles_*").allowNoIndices(true));
    new IndexManager(client, "cjk").ensure(IndexSpec.articles().shards(1).replicas(0).build());
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
        int limit = refuseLargerThan.get();
        if (limit > 0 && body.length > limit) {
          if (refusalStatus == 413) {
            send(exchange, 413, new byte[0]);
          } else {
            send(exchange, 429, circuitBreaker(body.length, limit));
          }
          return;
        }
      }
      boolean lose =
          exchange.getRequestURI().getPath().endsWith("/_bulk")
              && loseReplies.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
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
      if (lose) {
        return; // applied by the node, but the client never hears: the connection just closes
      }
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

  /** Elasticsearch's answer when a request would trip the parent circuit breaker. */
  private static byte[] circuitBreaker(int wanted, int limit) throws IOException {
    ObjectNode answer = JSON.createObjectNode().put("status", 429);
    ObjectNode error = answer.putObject("error");
    String reason =
        "[parent] Data too large, data for [<http_request>] would be ["
            + wanted
            + "/"
            + wanted
            + "b], which is larger than the limit of ["
            + limit
            + "/"
            + limit
            + "b]";
    error
        .putArray("root_cause")
        .addObject()
        .put("type", "circuit_breaking_exception")
        .put("reason", reason)
        .put("bytes_wanted", wanted)
        .put("bytes_limit", limit)
        .put("durability", "TRANSIENT");
    error
        .put("type", "circuit_breaking_exception")
        .put("reason", reason)
        .put("bytes_wanted", wanted)
        .put("bytes_limit", limit)
        .put("durability", "TRANSIENT");
    return JSON.writeValueAsBytes(answer);
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

  @Test
  void aRequestRefusedForItsSizeIsSplitAndOnlyTheHugeDocumentFails() throws IOException {
    for (int status : new int[] {429, 413}) {
      reset();
      refusalStatus = status;
      refuseLargerThan.set(256 * 1024);
      Map<String, String> failures = new ConcurrentHashMap<>();
      BulkWriter<Article> writer =
          BulkWriter.<Article>builder(client, "articles", a -> Long.toString(a.article_id()))
              .onFailure(failures::put)
              .maxOperations(500)
              .maxBytes(16L << 20)
              .build();
      for (int i = 0; i < 500; i++) {
        writer.index(
            i == 321
                ? new Article(i, 7, "巨大", "长".repeat(200_000), 2, "2026-11-27T10:00:00Z")
                : article(i));
      }
      writer.close();

      assertThat(failures).as("HTTP %d", status).containsOnlyKeys("321");
      assertThat(failures.get("321"))
          .contains("HTTP " + status)
          .contains(status == 429 ? "circuit_breaking_exception" : "413");
      assertThat(writer.indexed()).isEqualTo(499);
      assertThat(writer.failed()).isEqualTo(1);
      assertThat(writer.requests())
          .as("halves down to the one document, not one request per document")
          .isBetween(10L, 60L);
      client.indices().refresh(r -> r.index("articles"));
      assertThat(client.count(c -> c.index("articles")).count()).isEqualTo(499);
    }
  }

  @Test
  void aDocumentOverTheSizeLimitIsReportedAloneWithoutBeingSent() throws IOException {
    Map<String, String> failures = new ConcurrentHashMap<>();
    BulkWriter<Article> writer =
        BulkWriter.<Article>builder(client, "articles", a -> Long.toString(a.article_id()))
            .onFailure(failures::put)
            .maxDocumentBytes(64 * 1024)
            .build();
    writer.index(article(1));
    writer.index(new Article(2, 7, "巨大", "x".repeat(100_000), 2, "2026-11-27T10:00:00Z"));
    writer.index(article(3));
    writer.close();

    assertThat(failures).containsOnlyKeys("2");
    assertThat(failures.get("2")).contains("too large").contains("65536");
    assertThat(writer.submitted()).isEqualTo(3);
    assertThat(writer.indexed()).isEqualTo(2);
    assertThat(bulkRequests.get()).isEqualTo(1);
  }

  @Test
  void lostRepliesAreSentAgainAndEachDocumentCountedOnce() throws IOException {
    loseReplies.set(3);
    Map<String, String> failures = new ConcurrentHashMap<>();
    BulkWriter<Article> writer =
        new BulkWriter<>(
            client, "articles", a -> Long.toString(a.article_id()), failures::put, 100, 1 << 20, 2);
    for (int i = 0; i < 300; i++) {
      writer.index(article(i));
    }
    writer.close();

    assertThat(failures).isEmpty();
    assertThat(writer.indexed()).isEqualTo(300);
    assertThat(writer.unknown()).isZero();
    assertThat(bulkRequests.get()).as("3 batches, 3 of them sent twice").isGreaterThanOrEqualTo(6);
    client.indices().refresh(r -> r.index("articles"));
    assertThat(client.count(c -> c.index("articles")).count()).isEqualTo(300);
  }

  @Test
  void writesThatNeverGetAnAnswerEndAsUnknownNotAsFailed() throws IOException {
    loseReplies.set(Integer.MAX_VALUE);
    Map<String, String> unknown = new ConcurrentHashMap<>();
    Map<String, String> failures = new ConcurrentHashMap<>();
    BulkWriter<Article> writer =
        BulkWriter.<Article>builder(client, "articles", a -> Long.toString(a.article_id()))
            .onFailure(
                new BulkWriter.FailureHandler() {
                  @Override
                  public void failed(String id, String reason) {
                    failures.put(id, reason);
                  }

                  @Override
                  public void outcomeUnknown(String id, String reason) {
                    unknown.put(id, reason);
                  }
                })
            .unknownOutcomeWait(Duration.ofMillis(1500))
            .build();
    for (int i = 0; i < 20; i++) {
      writer.index(article(i));
    }
    long start = System.nanoTime();
    writer.close();
    long closeMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(failures).isEmpty();
    assertThat(unknown).hasSize(20);
    assertThat(writer.unknown()).isEqualTo(20);
    assertThat(writer.indexed() + writer.failed() + writer.unknown()).isEqualTo(writer.submitted());
    assertThat(closeMillis).isLessThan(10_000);
    client.indices().refresh(r -> r.index("articles"));
    assertThat(client.count(c -> c.index("articles")).count())
        .as("they were written: reporting them as failed would have been wrong")
        .isEqualTo(20);
  }

  @Test
  void oneIdWrittenTwiceWhileBlockedEndsWithTheLaterWrite() throws Exception {
    setWriteBlock(true);
    Map<String, String> failures = new ConcurrentHashMap<>();
    BulkWriter<Article> writer =
        BulkWriter.<Article>builder(client, "articles", a -> Long.toString(a.article_id()))
            .onFailure(failures::put)
            .flushInterval(Duration.ofMillis(10))
            .build();
    writer.index(new Article(1, 7, "first", "正文", 2, "2026-11-27T10:00:00Z"));
    awaitRequests(writer, 3);
    writer.index(new Article(1, 7, "second", "正文", 2, "2026-11-27T10:00:00Z"));
    writer.delete("2");
    writer.index(new Article(2, 7, "re-created", "正文", 2, "2026-11-27T10:00:00Z"));
    Thread.sleep(300);
    setWriteBlock(false);
    writer.close();

    assertThat(failures).isEmpty();
    assertThat(title("1")).isEqualTo("second");
    assertThat(title("2")).isEqualTo("re-created");
  }

  @Test
  void idsRewrittenManyTimesUnderWriteBlocksEndInTheirLastState() throws Exception {
    int ids = 150;
    int rounds = 12;
    Map<String, String> failures = new ConcurrentHashMap<>();
    Map<String, String> expected = new HashMap<>();
    java.util.Random random = new java.util.Random(42);
    java.util.concurrent.atomic.AtomicBoolean writing =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread toggler =
        new Thread(
            () -> {
              boolean on = false;
              while (writing.get()) {
                try {
                  on = !on;
                  setWriteBlock(on);
                  Thread.sleep(on ? 150 : 60);
                } catch (Exception e) {
                  return;
                }
              }
            });
    BulkWriter<Article> writer =
        new BulkWriter<>(
            client, "articles", a -> Long.toString(a.article_id()), failures::put, 37, 1 << 20, 2);
    toggler.start();
    try {
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < ids; i++) {
          String id = Integer.toString(i);
          if (random.nextInt(5) == 0) {
            writer.delete(id);
            expected.put(id, null);
          } else {
            String title = "r" + round;
            writer.index(new Article(i, 7, title, "正文", 2, "2026-11-27T10:00:00Z"));
            expected.put(id, title);
          }
        }
        Thread.sleep(40);
      }
    } finally {
      writing.set(false);
      toggler.join();
      setWriteBlock(false);
    }
    writer.close();

    assertThat(failures).isEmpty();
    assertThat(writer.indexed()).isEqualTo((long) ids * rounds);
    int lost = 0;
    int stale = 0;
    int resurrected = 0;
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String actual = titleOrNull(e.getKey());
      if (e.getValue() == null && actual != null) {
        resurrected++;
      } else if (e.getValue() != null && actual == null) {
        lost++;
      } else if (e.getValue() != null && !e.getValue().equals(actual)) {
        stale++;
      }
    }
    assertThat(List.of(lost, stale, resurrected)).as("lost, stale, resurrected").containsOnly(0);
  }

  private static void setWriteBlock(boolean on) throws IOException {
    client
        .indices()
        .putSettings(s -> s.index("articles").settings(x -> x.blocks(b -> b.write(on))));
  }

  private static void awaitRequests(BulkWriter<?> writer, long n) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (writer.requests() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(writer.requests()).isGreaterThanOrEqualTo(n);
  }

  private static String title(String id) throws IOException {
    return client.get(g -> g.index("articles").id(id), Article.class).source().title();
  }

  private static String titleOrNull(String id) throws IOException {
    var got = client.get(g -> g.index("articles").id(id), Article.class);
    return got.found() ? got.source().title() : null;
  }
}
