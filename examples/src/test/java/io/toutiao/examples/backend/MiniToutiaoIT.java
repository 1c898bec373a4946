package io.toutiao.examples.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.toutiao.auth.KeyRing;
import io.toutiao.auth.SigningKey;
import io.toutiao.auth.TokenAlgorithm;
import io.toutiao.auth.TokenConfig;
import io.toutiao.auth.TokenService;
import io.toutiao.cache.CacheStats;
import io.toutiao.cache.redis.CounterStore;
import io.toutiao.testing.ElasticsearchServer;
import io.toutiao.testing.ElasticsearchTest;
import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the mini backend against the test JVM's Redis and Elasticsearch and drives it over HTTP:
 * the whole scripted tour first, then the checks and failure cases a client meets.
 */
@RedisTest
@ElasticsearchTest(deleteIndices = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MiniToutiaoIT {

  static final String SECRET =
      Base64.getEncoder()
          .encodeToString(
              "a-test-secret-of-at-least-32-bytes-0123456789".getBytes(StandardCharsets.UTF_8));

  @TempDir static Path files;
  static MiniToutiao app;
  static HttpApi api;
  static Tour.Result tour;
  static String tourOutput;

  @BeforeAll
  static void start(RedisServer redis, ElasticsearchServer es) {
    app =
        MiniToutiao.start(
            new BackendConfig(0, redis.uri(), es.httpUri(), SECRET, null, files.resolve("files")));
    api = new HttpApi(app.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  static String q(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Test
  @Order(1)
  void theScriptedTourRunsToTheEnd() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tour = Tour.run(app, new PrintStream(out, true, StandardCharsets.UTF_8));
    tourOutput = out.toString(StandardCharsets.UTF_8);
    assertThat(app.awaitOutbox(Duration.ofSeconds(30))).isTrue();

    assertThat(tourOutput).doesNotContain("UNEXPECTED").contains("liked 1 again");
    assertThat(tourOutput)
        .contains("got (sent while offline): following notify")
        .contains("got (live): liking notify")
        .contains("got (the demo chat's echo): message 你好");
    assertThat(app.choices())
        .anyMatch(c -> c.startsWith("Redis: 127.0.0.1"))
        .anyMatch(c -> c.startsWith("Elasticsearch: http"))
        .anyMatch(c -> c.startsWith("Storage: local folder"));
  }

  @Test
  @Order(2)
  void theFeedPagesEveryApprovedArticleOnceAndRefusesForgedTracks() {
    assertThat(tourOutput).contains("recorded click in the behaviour stream");
    java.util.List<String> seen = new java.util.ArrayList<>();
    long cursor = 0;
    for (int i = 0; i < 50; i++) {
      HttpApi.Response page =
          api.get(
              "/v1_1/articles?channel_id=1&timestamp=" + cursor + "&with_top=1&article_num=2",
              null);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.data().has("degraded")).isFalse();
      page.data().path("results").forEach(a -> seen.add(a.path("art_id").asText()));
      cursor = page.data().path("pre_timestamp").asLong();
      if (cursor == 0) {
        break;
      }
    }
    assertThat(seen)
        .doesNotHaveDuplicates()
        .contains(tour.articleId(), "101", "106")
        .doesNotContain("107");
    HttpApi.Response bad =
        api.post(
            "/v1_1/article/behaviour", java.util.Map.of("track", "{\"action\":\"click\"}"), null);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(api.get("/v1_1/articles?channel_id=-1&timestamp=0", null).status()).isEqualTo(400);
    assertThat(api.get("/v1_1/articles?channel_id=1&timestamp=x", null).status()).isEqualTo(400);
  }

  @Test
  @Order(2)
  void countersAndProfilesReflectTheTour() {
    String token = tour.accessToken();
    HttpApi.Response me = api.get("/v1_0/user/profile", token);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.data().path("name").asText()).isEqualTo("头条小编");
    assertThat(me.data().path("mobile").asText()).isEqualTo("138****0001");
    assertThat(me.data().path("art_count").asLong()).as("seeded 105 + published").isEqualTo(2);
    assertThat(me.data().path("follow_count").asLong()).as("seeded 2 + followed 3").isEqualTo(2);
    assertThat(me.data().path("photo").asText()).startsWith(app.baseUrl() + "/files/");

    HttpApi.Response article = api.get("/v1_0/articles/" + tour.articleId(), null);
    assertThat(article.data().path("like_count").asLong()).isEqualTo(1);
    assertThat(article.data().path("read_count").asLong()).isGreaterThanOrEqualTo(4);
    assertThat(app.counters.get(CounterStore.ARTICLE_LIKING).get(Long.parseLong(tour.articleId())))
        .isEqualTo(1);

    HttpApi.Response histories = api.get("/v1_0/user/histories", token);
    assertThat(histories.data().path("reading").get(0).asText()).isEqualTo(tour.articleId());
    assertThat(histories.data().path("searching").get(0).asText()).isEqualTo("人工智能");

    assertThat(api.delete("/v1_0/article/likings/" + tour.articleId(), token).status())
        .isEqualTo(204);
    assertThat(
            api.get("/v1_0/articles/" + tour.articleId(), null).data().path("like_count").asLong())
        .isZero();
    assertThat(api.delete("/v1_0/user/followings/3", token).status()).isEqualTo(204);
    assertThat(api.get("/v1_0/users/3", null).data().path("fans_count").asLong()).isEqualTo(1);
  }

  @Test
  @Order(3)
  void repeatedReadsAreServedByTheCache() {
    CacheStats before = app.cacheStats().get("article-detail");
    for (int i = 0; i < 5; i++) {
      assertThat(api.get("/v1_0/articles/102", null).status()).isEqualTo(200);
    }
    CacheStats after = app.cacheStats().get("article-detail");
    assertThat(after.loads() - before.loads()).as("database loads").isLessThanOrEqualTo(1);
    assertThat(after.l1Hits() - before.l1Hits()).isGreaterThanOrEqualTo(4);

    HttpApi.Response stats = api.get("/v1_0/admin/stats", tour.accessToken());
    assertThat(stats.status()).isEqualTo(200);
    assertThat(stats.data().path("caches").path("article-detail").path("l1Hits").asLong())
        .isGreaterThanOrEqualTo(after.l1Hits());
  }

  @Test
  @Order(4)
  void searchFindsOnlyApprovedArticlesWithHighlightsAndPages() {
    HttpApi.Response volleyball = api.get("/v1_0/search?q=" + q("女排"), null);
    assertThat(volleyball.status()).isEqualTo(200);
    assertThat(volleyball.data().path("total_count").asLong()).isEqualTo(1);
    JsonNode hit = volleyball.data().path("results").get(0);
    assertThat(hit.path("art_id").asText()).isEqualTo("103");
    assertThat(hit.path("title").asText()).isEqualTo("中国女排夺得冠军");
    assertThat(hit.path("highlight").path("title").get(0).asText()).contains("<em>女排</em>");

    assertThat(api.get("/v1_0/search?q=" + q("招聘"), null).data().path("total_count").asLong())
        .as("the pending article is not searchable")
        .isZero();
    HttpApi.Response page2 = api.get("/v1_0/search?q=" + q("人工智能") + "&page=2&per_page=10", null);
    assertThat(page2.data().path("page").asInt()).isEqualTo(2);
    assertThat(page2.data().path("results").size()).isZero();
    assertThat(
            api.get("/v1_0/suggestion?q=" + q("马拉"), null).data().path("options").get(0).asText())
        .isEqualTo("马拉松报名人数创新高");
  }

  @Test
  @Order(5)
  void badInputGetsAClearError() {
    HttpApi.Response tooLong = api.get("/v1_0/search?q=" + q("长".repeat(51)), null);
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.message()).contains("1 to 50 characters");
    assertThat(api.get("/v1_0/search?q=", null).status()).isEqualTo(400);
    assertThat(api.get("/v1_0/search?q=" + q("新闻") + "&per_page=100", null).message())
        .contains("per_page");
    assertThat(api.get("/v1_0/search?q=" + q("新闻") + "&page=x", null).message())
        .isEqualTo("page must be a number.");
    assertThat(api.post("/v1_0/sms/codes/12345", null, null).message())
        .isEqualTo("Invalid mobile.");
    assertThat(api.get("/v1_0/articles/abc", null).status()).isEqualTo(400);
    assertThat(api.get("/v1_0/articles/999999", null).status()).isEqualTo(404);
    assertThat(api.get("/v1_0/articles/107", null).status())
        .as("pending article hidden from others")
        .isEqualTo(404);
    assertThat(api.get("/v1_0/users/424242", null).message()).isEqualTo("User does not exist.");
    HttpApi.Response notJson = api.post("/v1_0/articles", "not an object", tour.accessToken());
    assertThat(notJson.status()).isEqualTo(400);
    HttpApi.Response noTitle =
        api.post("/v1_0/articles", Map.of("title", "", "content", "正文"), tour.accessToken());
    assertThat(noTitle.message()).contains("title");
    assertThat(api.get("/v1_0/nowhere", null).message()).isEqualTo("Not found.");
  }

  @Test
  @Order(6)
  void loginRegistersNewMobilesAndStopsGuessingAfterFiveTries() {
    String mobile = "13912345678";
    assertThat(api.post("/v1_0/sms/codes/" + mobile, null, null).status()).isEqualTo(200);
    String code = app.sms().lastCode(mobile).orElseThrow();
    String wrong = code.equals("999999") ? "888888" : "999999";
    for (int i = 0; i < 5; i++) {
      assertThat(
              api.post("/v1_0/authorizations", Map.of("mobile", mobile, "code", wrong), null)
                  .status())
          .isEqualTo(400);
    }
    assertThat(
            api.post("/v1_0/authorizations", Map.of("mobile", mobile, "code", code), null)
                .message())
        .as("the code is gone after five wrong tries")
        .isEqualTo("Mobile or code does not exist.");

    app.redis.del("app:sms:lock:" + mobile);
    assertThat(api.post("/v1_0/sms/codes/" + mobile, null, null).status()).isEqualTo(200);
    String second = app.sms().lastCode(mobile).orElseThrow();
    HttpApi.Response login =
        api.post("/v1_0/authorizations", Map.of("mobile", mobile, "code", second), null);
    assertThat(login.status()).isEqualTo(201);
    HttpApi.Response me = api.get("/v1_0/user/profile", login.data().path("token").asText());
    assertThat(me.data().path("name").asText()).isEqualTo("用户5678");
    assertThat(Long.parseLong(me.data().path("id").asText()))
        .as("a Snowflake id")
        .isGreaterThan(1L << 40);
    assertThat(
            api.post("/v1_0/authorizations", Map.of("mobile", mobile, "code", second), null)
                .status())
        .as("a code works once")
        .isEqualTo(400);
  }

  @Test
  @Order(7)
  void tokensFailClosed() {
    TokenService past =
        new TokenService(
            TokenConfig.custom(
                    KeyRing.of(SigningKey.hmacBase64("k1", TokenAlgorithm.HS256, SECRET)))
                .issuer("toutiao")
                .clock(Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC))
                .build());
    String expired = past.issue(1).accessToken();
    HttpApi.Response response = api.get("/v1_0/user/profile", expired);
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.message()).isEqualTo("User must be authorized.");

    HttpApi.Response refreshAsAccess = api.get("/v1_0/user/profile", tour.refreshToken());
    assertThat(refreshAsAccess.status()).isEqualTo(403);
    assertThat(refreshAsAccess.message()).isEqualTo("Do not use refresh token.");

    String token = tour.accessToken();
    String tampered = token.substring(0, token.length() - 4) + "AAAA";
    assertThat(api.get("/v1_0/user/profile", tampered).status()).isEqualTo(401);
    assertThat(api.put("/v1_0/authorizations", null, token).status())
        .as("an access token cannot refresh")
        .isEqualTo(403);

    app.setUserEnabled(1, false);
    try {
      HttpApi.Response denied = api.get("/v1_0/user/profile", token);
      assertThat(denied.status()).isEqualTo(403);
      assertThat(denied.message()).isEqualTo("User denied.");
    } finally {
      app.setUserEnabled(1, true);
    }
    assertThat(api.get("/v1_0/user/profile", token).status()).isEqualTo(200);
    assertThat(api.get("/v1_0/admin/stats", null).status()).isEqualTo(401);
  }

  @Test
  @Order(8)
  void invalidImagesAre400AndAStorageFailureIs507() throws Exception {
    String token = tour.accessToken();
    byte[] png = Tour.png(64, 48);
    byte[] bomb = png.clone();
    ByteBuffer.wrap(bomb).putInt(16, 20_000).putInt(20, 20_000);
    HttpApi.Response refused =
        api.patchFiles("/v1_0/user/photo", Map.of("photo", Map.entry("big.png", bomb)), token);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.message()).startsWith("Invalid image.").contains("photo");

    HttpApi.Response secondBad =
        api.patchFiles(
            "/v1_0/user/photo",
            Map.of(
                "photo", Map.entry("a.png", png),
                "id_card_back",
                    Map.entry("b.png", "GIF89a not really".getBytes(StandardCharsets.UTF_8))),
            token);
    assertThat(secondBad.status()).isEqualTo(400);
    assertThat(secondBad.message()).contains("id_card_back");

    // a real fault: the storage folder is replaced by a file, so every write fails
    Path folder = app.filesDir;
    Path aside = folder.resolveSibling("files-aside");
    Files.move(folder, aside);
    Files.writeString(folder, "not a folder");
    try {
      HttpApi.Response failed =
          api.patchFiles("/v1_0/user/photo", Map.of("photo", Map.entry("a.png", png)), token);
      assertThat(failed.status()).isEqualTo(507);
      assertThat(failed.message()).isEqualTo("Uploading profile photo image failed.");
    } finally {
      Files.delete(folder);
      Files.move(aside, folder);
    }
    HttpApi.Response ok =
        api.patchFiles(
            "/v1_0/user/photo",
            Map.of("photo", Map.entry("a.png", png), "id_card_front", Map.entry("c.png", png)),
            token);
    assertThat(ok.status()).isEqualTo(201);
    assertThat(ok.data().path("id_card_front").asText()).startsWith(app.baseUrl() + "/files/");
    assertThat(api.get("/files/..%2F..%2Fetc%2Fpasswd", null).status()).isIn(400, 404);
    assertThat(api.get("/files/.meta", null).status()).isEqualTo(404);
  }

  /**
   * The same backend configured for Qiniu, against the local server that speaks Qiniu's protocol
   * (token signature and put policy checked) through the real SDK.
   */
  @Test
  @Order(9)
  void withQiniuConfiguredPhotosGoToQiniuAndItsFailuresAre507(
      RedisServer redis, ElasticsearchServer es) throws Exception {
    try (io.toutiao.storage.qiniu.FakeQiniu qiniu = new io.toutiao.storage.qiniu.FakeQiniu()) {
      Map<String, String> env = new java.util.HashMap<>();
      env.put("TOUTIAO_HTTP_PORT", "0");
      env.put("TOUTIAO_REDIS_URL", redis.uri().toString());
      env.put("TOUTIAO_ES_URL", es.httpUri().toString());
      env.put("TOUTIAO_JWT_SECRET", SECRET);
      env.put("QINIU_ACCESS_KEY", io.toutiao.storage.qiniu.FakeQiniu.ACCESS_KEY);
      env.put("QINIU_SECRET_KEY", io.toutiao.storage.qiniu.FakeQiniu.SECRET_KEY);
      env.put("QINIU_BUCKET", "avatars");
      env.put("QINIU_DOMAIN", "https://img.example.com");
      env.put("QINIU_UP_HOST", qiniu.host());
      env.put("QINIU_RS_HOST", qiniu.host());
      env.put("QINIU_API_HOST", qiniu.host());
      env.put("QINIU_HTTPS", "false");
      try (MiniToutiao second = MiniToutiao.start(BackendConfig.from(env))) {
        assertThat(second.choices()).anyMatch(c -> c.startsWith("Storage: Qiniu bucket avatars"));
        HttpApi client = new HttpApi(second.baseUrl());
        String token = second.tokens.issue(3).accessToken();

        HttpApi.Response uploaded =
            client.patchFiles(
                "/v1_0/user/photo", Map.of("photo", Map.entry("a.png", Tour.png(32, 32))), token);
        assertThat(uploaded.status()).isEqualTo(201);
        String url = uploaded.data().path("photo").asText();
        assertThat(url).startsWith("https://img.example.com/");
        assertThat(qiniu.objects)
            .containsKey("avatars:" + url.substring("https://img.example.com/".length()));
        assertThat(client.get("/v1_0/users/3", null).data().path("photo").asText()).isEqualTo(url);

        qiniu.failNext.set(1000);
        HttpApi.Response failed =
            client.patchFiles(
                "/v1_0/user/photo", Map.of("photo", Map.entry("b.png", Tour.png(33, 33))), token);
        qiniu.failNext.set(0);
        assertThat(failed.status()).isEqualTo(507);
        assertThat(failed.message()).isEqualTo("Uploading profile photo image failed.");
      }
    }
  }

  @Test
  @Order(10)
  void stoppedServicesGiveTypedAnswersNotHangs(RedisServer redis, ElasticsearchServer es) {
    org.junit.jupiter.api.Assumptions.assumeTrue(redis.isManaged() && es.isManaged());
    String token = tour.accessToken();
    assertThat(api.get("/v1_0/articles/102", null).status()).isEqualTo(200); // warm L1

    es.stop();
    try {
      HttpApi.Response search = api.get("/v1_0/search?q=" + q("新闻"), null);
      assertThat(search.status()).isEqualTo(503);
      assertThat(search.message()).isEqualTo("Service unavailable, try again later.");
    } finally {
      es.restart();
    }
    assertThat(api.get("/v1_0/search?q=" + q("女排"), null).status()).isEqualTo(200);

    redis.stop();
    try {
      HttpApi.Response article = api.get("/v1_0/articles/102", null);
      assertThat(article.status()).as("served from the local cache, uncounted").isEqualTo(200);
      assertThat(article.data().path("title").asText()).isEqualTo("大模型进入手机");
      HttpApi.Response me = api.get("/v1_0/user/profile", token);
      assertThat(me.status()).as("revocations cannot be checked: fail closed").isEqualTo(503);
      assertThat(api.post("/v1_0/sms/codes/13700000000", null, null).status()).isEqualTo(503);
    } finally {
      redis.restart();
    }
  }

  @Test
  @Order(10)
  void aFrozenRedisDegradesTheFeedToTheDatabaseAndHostileFeedInputIsRefused(RedisServer redis) {
    org.junit.jupiter.api.Assumptions.assumeTrue(redis.isManaged());
    redis.pause(); // the recommender's Redis frozen: the service answers UNAVAILABLE, retried, then
    // the fallback
    try {
      HttpApi.Response page = api.get("/v1_1/articles?channel_id=1&timestamp=0&with_top=1", null);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.data().path("degraded").asText()).isIn("UNAVAILABLE", "DEADLINE_EXCEEDED");
      assertThat(page.data().path("results").size()).isPositive();
    } finally {
      redis.resume();
    }
    assertThat(
            api.get("/v1_1/articles?channel_id=1&timestamp=0&with_top=1", null)
                .data()
                .has("degraded"))
        .isFalse();
    assertThat(api.get("/v1_1/articles?channel_id=1&timestamp=9999999999999999999", null).status())
        .as("a cursor beyond a long")
        .isEqualTo(400);
    assertThat(api.get("/v1_1/articles?channel_id=99999999999&timestamp=0", null).status())
        .isEqualTo(400);
    assertThat(
            api.post("/v1_1/article/behaviour", java.util.Map.of("track", "x".repeat(10_000)), null)
                .status())
        .isEqualTo(400);
  }

  /** Logs a mobile in with its SMS code; returns {access token, refresh token}. */
  private static String[] login(String mobile) {
    app.redis.del("app:sms:lock:" + mobile);
    assertThat(api.post("/v1_0/sms/codes/" + mobile, null, null).status()).isEqualTo(200);
    String code = app.sms().lastCode(mobile).orElseThrow();
    HttpApi.Response login =
        api.post("/v1_0/authorizations", Map.of("mobile", mobile, "code", code), null);
    assertThat(login.status()).isEqualTo(201);
    return new String[] {
      login.data().path("token").asText(), login.data().path("refresh_token").asText()
    };
  }

  /** A Socket.IO client of the push node that records the events it gets and acknowledges them. */
  private static io.socket.client.Socket notifications(
      String token, java.util.concurrent.BlockingQueue<String> got) {
    io.socket.client.IO.Options options = new io.socket.client.IO.Options();
    options.query = "token=" + token;
    options.forceNew = true;
    options.reconnection = false;
    io.socket.client.Socket socket =
        io.socket.client.IO.socket(
            java.net.URI.create("http://127.0.0.1:" + app.pushPort()), options);
    socket.on(io.socket.client.Socket.EVENT_CONNECT_ERROR, args -> got.add("connect_error"));
    socket.on(
        "following notify",
        args -> {
          got.add("following " + args[0]);
          ((io.socket.client.Ack) args[args.length - 1]).call();
        });
    socket.connect();
    return socket;
  }

  @Test
  @Order(12)
  void followsNotifyTheFollowedUserAndTheNodeAndItsClientsSurviveAFrozenRedis(RedisServer redis)
      throws Exception {
    String follower = login("13900000077")[0];
    String[] followed = login("13800000002");
    java.util.concurrent.BlockingQueue<String> got =
        new java.util.concurrent.LinkedBlockingQueue<>();
    // a refresh token is not an access token: the push node refuses it too
    io.socket.client.Socket refused = notifications(followed[1], got);
    try {
      assertThat(got.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("connect_error");
    } finally {
      refused.close();
    }
    io.socket.client.Socket socket = notifications(followed[0], got);
    try {
      assertThat(api.post("/v1_0/user/followings", Map.of("target", "2"), follower).status())
          .isEqualTo(201);
      String event = got.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(event).startsWith("following ").contains("\"user_name\":\"用户0077\"");
      assertThat(api.delete("/v1_0/user/followings/2", follower).status()).isEqualTo(204);
      org.junit.jupiter.api.Assumptions.assumeTrue(redis.isManaged());
      redis.pause();
      long started = System.nanoTime();
      try {
        // the token check fails closed without Redis (its revocations live there): nothing is
        // followed, so nothing is notified, and the answer comes quickly
        assertThat(api.post("/v1_0/user/followings", Map.of("target", "2"), follower).status())
            .isEqualTo(503);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      } finally {
        redis.resume();
      }
      // the node and the client survived: the next notification arrives
      assertThat(api.post("/v1_0/user/followings", Map.of("target", "2"), follower).status())
          .isEqualTo(201);
      String after = got.poll(15, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(after).startsWith("following ");
    } finally {
      socket.close();
    }
  }

  /** Polls until the answer has the status, or fails with the last answer after {@code timeout}. */
  private static HttpApi.Response await(
      int status, Duration timeout, java.util.function.Supplier<HttpApi.Response> call)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpApi.Response last = call.get();
    while (last.status() != status && System.nanoTime() < deadline) {
      Thread.sleep(200);
      last = call.get();
    }
    assertThat(last.status()).as("last answer: %s", last.message()).isEqualTo(status);
    return last;
  }

  @Test
  @Order(11)
  void aRedisOutageLongerThanTheLeaseAnswers503AndIdsReturnWithoutARestart(RedisServer redis)
      throws InterruptedException {
    org.junit.jupiter.api.Assumptions.assumeTrue(redis.isManaged());
    String token = tour.accessToken();
    Map<String, String> article = Map.of("title", "断网之后", "content", "正文");

    redis.kill();
    Thread.sleep(2 * MiniToutiao.WORKER_LEASE_TTL.toMillis());
    HttpApi.Response duringOutage = api.post("/v1_0/articles", article, token);
    assertThat(duringOutage.status()).isEqualTo(503);
    redis.restart(); // empty: the next worker-id window opens about one TTL from now

    String mobile = "13900000011";
    await(200, Duration.ofSeconds(10), () -> api.post("/v1_0/sms/codes/" + mobile, null, null));
    String code = app.sms().lastCode(mobile).orElseThrow();
    Map<String, String> login = Map.of("mobile", mobile, "code", code);
    HttpApi.Response noId = api.post("/v1_0/authorizations", login, null);
    assertThat(noId.status()).as("no worker-id window yet").isEqualTo(503);
    assertThat(api.post("/v1_0/articles", article, token).status()).isEqualTo(503);

    Duration back = MiniToutiao.WORKER_LEASE_TTL.plusSeconds(10);
    await(201, back, () -> api.post("/v1_0/authorizations", login, null));
    await(201, back, () -> api.post("/v1_0/articles", article, token));
  }

  @Test
  @Order(12)
  void oversizedAndMalformedInputAndOverflowingIdsGetJsonErrorsWithTheRightStatus()
      throws Exception {
    String token = tour.accessToken();
    for (Object target :
        List.of(new java.math.BigInteger("18446744073709551717"), -5, 0, 1.5, true, "1.5", "+7")) {
      HttpApi.Response like = api.post("/v1_0/article/likings", Map.of("target", target), token);
      assertThat(like.status()).as("target " + target).isEqualTo(400);
      assertThat(like.message()).isEqualTo("target must be a positive id.");
    }
    assertThat(api.get("/v1_0/search?q=" + q("新闻") + "&page=1001&per_page=10", null).message())
        .contains("too deep");

    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<String> bigLogin =
        client.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(app.baseUrl() + "/v1_0/authorizations"))
                .header("Content-Type", "application/json")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"mobile\":\"" + "1".repeat(100_000) + "\"}"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(bigLogin.statusCode()).isEqualTo(413);
    assertThat(bigLogin.body()).startsWith("{\"message\":").contains("at most 4096 bytes");

    java.net.http.HttpResponse<String> longUri =
        client.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(app.baseUrl() + "/v1_0/search?q=" + "a".repeat(100_000)))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(longUri.statusCode()).isEqualTo(414);
    assertThat(longUri.body()).isEqualTo("{\"message\":\"URI too long.\"}");
    assertThat(longUri.headers().firstValue("Content-Type").orElse("")).contains("json");

    java.net.http.HttpResponse<String> bigHeaders =
        client.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(app.baseUrl() + "/v1_0/search?q=a"))
                .header("X-Padding", "p".repeat(40_000))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(bigHeaders.statusCode()).isEqualTo(431);
    assertThat(bigHeaders.body()).isEqualTo("{\"message\":\"Request headers too large.\"}");
  }

  @Test
  @Order(13)
  void refusedSmsRequestsDoNotUseUpTheSendersQuota(RedisServer redis) {
    String ipKey = "app:sms:ip:127.0.0.1";
    Object before = redis.command("GET", ipKey);
    long start = before == null ? 0 : Long.parseLong(before.toString());
    assertThat(api.post("/v1_0/sms/codes/13900000013", null, null).status()).isEqualTo(200);
    for (int i = 0; i < 5; i++) {
      assertThat(api.post("/v1_0/sms/codes/13900000013", null, null).status())
          .as("the same mobile within its minute")
          .isEqualTo(429);
    }
    assertThat(redis.command("GET", ipKey))
        .as("only the code sent counts")
        .isEqualTo(Long.toString(start + 1));
  }

  @Test
  @Order(14)
  void publishAnswersOnceCommittedAndTheOutboxIndexesExactlyOnceAfterElasticsearchThaws(
      ElasticsearchServer es) {
    org.junit.jupiter.api.Assumptions.assumeTrue(es.isManaged());
    String token = tour.accessToken();
    String title = "冻结期间发布" + System.nanoTime();
    Map<String, String> article = Map.of("title", title, "content", "搜索引擎暂停时写下的正文");
    String key = "publish-" + System.nanoTime();
    assertThat(app.awaitOutbox(Duration.ofSeconds(60))).as("earlier publications applied").isTrue();
    long countBefore = api.get("/v1_0/user/profile", token).data().path("art_count").asLong();
    HttpApi.Response first;
    HttpApi.Response retried;
    long tookMillis;
    es.pause();
    try {
      long started = System.nanoTime();
      first = api.post("/v1_0/articles", article, token, "Idempotency-Key", key);
      tookMillis = (System.nanoTime() - started) / 1_000_000;
      retried = api.post("/v1_0/articles", article, token, "Idempotency-Key", key);
      assertThat(app.awaitOutbox(Duration.ofSeconds(2)))
          .as("nothing indexed while frozen")
          .isFalse();
    } finally {
      es.resume();
    }
    assertThat(first.status()).as(first.message()).isEqualTo(201);
    assertThat(tookMillis).as("committed without waiting for Elasticsearch").isLessThan(2_000);
    String id = first.data().path("id").asText();
    assertThat(retried.status()).isEqualTo(201);
    assertThat(retried.data().path("id").asText()).as("the retry returns the first").isEqualTo(id);
    assertThat(api.post("/v1_0/articles", article, token, "Idempotency-Key", "bad key!").status())
        .isEqualTo(400);

    assertThat(app.awaitOutbox(Duration.ofSeconds(60))).as("applied after the thaw").isTrue();
    JsonNode results =
        api.get("/v1_0/search?q=" + q(title) + "&page=1&per_page=50", token).data().path("results");
    long hits = 0;
    for (JsonNode hit : results) {
      if (hit.path("art_id").asText().equals(id)) {
        hits++;
      }
    }
    assertThat(hits).as("indexed exactly once: %s", results).isEqualTo(1);
    assertThat(api.get("/v1_0/user/profile", token).data().path("art_count").asLong())
        .as("counted once for two requests")
        .isEqualTo(countBefore + 1);
  }

  @Test
  @Order(15)
  void withRedisFrozenReadsAnswerQuicklyWithoutCountsAndSearchWorks(RedisServer redis) {
    org.junit.jupiter.api.Assumptions.assumeTrue(redis.isManaged());
    HttpApi.Response before = api.get("/v1_0/articles/101", null);
    assertThat(before.status()).isEqualTo(200);
    assertThat(before.data().path("counts_unavailable").asBoolean()).isFalse();
    assertThat(before.data().path("read_count").isNumber()).isTrue();
    List<Long> millis = new java.util.ArrayList<>();
    redis.pause();
    try {
      for (int i = 0; i < 40; i++) {
        long started = System.nanoTime();
        HttpApi.Response read = api.get("/v1_0/articles/" + (101 + i % 5), null);
        millis.add((System.nanoTime() - started) / 1_000_000);
        assertThat(read.status()).as(read.message()).isEqualTo(200);
        assertThat(read.data().path("counts_unavailable").asBoolean()).isTrue();
        assertThat(read.data().path("read_count").isNull()).as("not a made-up 0").isTrue();
      }
      HttpApi.Response search = api.get("/v1_0/search?q=" + q("人工智能") + "&page=1", null);
      assertThat(search.status()).as(search.message()).isEqualTo(200);
      assertThat(search.data().path("total_count").asLong()).isPositive();
    } finally {
      redis.resume();
    }
    millis.sort(null);
    assertThat(millis.get(millis.size() - 1))
        .as("slowest of 40 reads with Redis frozen: %s ms", millis)
        .isLessThanOrEqualTo(600);
    assertThat(millis.get(millis.size() * 9 / 10)).as("p90 %s", millis).isLessThanOrEqualTo(300);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    boolean back = false;
    while (!back && System.nanoTime() < deadline) {
      HttpApi.Response after = api.get("/v1_0/articles/101", null);
      back = after.status() == 200 && !after.data().path("counts_unavailable").asBoolean();
    }
    assertThat(back).as("counts are back after the thaw").isTrue();
  }

  @Test
  @Order(16)
  void aChunkedBodyWithoutLengthIsRefusedBeforeItIsRead() throws Exception {
    java.net.URI base = java.net.URI.create(app.baseUrl());
    try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(5_000);
      String head =
          "POST /v1_0/authorizations HTTP/1.1\r\nHost: "
              + base.getHost()
              + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "10\r\n{\"mobile\":\"1380\r\n"; // one chunk; the body never ends
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      java.io.BufferedReader in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String status = in.readLine();
      assertThat(status).as("answered while the body is still open").contains(" 411");
      StringBuilder rest = new StringBuilder();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        rest.append(line).append('\n');
        if (line.contains("message")) {
          break;
        }
      }
      assertThat(rest.toString()).contains("Content-Length required");
    }
  }
}
