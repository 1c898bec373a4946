package io.toutiao.examples.backend;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.toutiao.cache.redis.CounterStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * The scripted tour of the mini backend: a user logs in with an SMS code, reads their profile
 * (twice: the second read is a cache hit), uploads a photo, publishes, reads and likes an article,
 * follows an author, searches, gets suggestions, and an administrator runs the counter correction;
 * plus the refusals a client meets (rate limit, bad code, bad image, over-long query, refresh token
 * as access token, no token). Every request goes over HTTP and prints one line; a status other than
 * the expected one stops the tour with an exception.
 */
public final class Tour {

  /**
   * What the tour produced, for callers that check more.
   *
   * @param accessToken the logged-in user's access token
   * @param refreshToken the refresh token issued with it (used once by the tour)
   * @param articleId the published article
   */
  public record Result(String accessToken, String refreshToken, String articleId) {}

  /** The seeded administrator (user 1, 头条小编). */
  public static final String MOBILE = "13800000001";

  private final MiniToutiao app;
  private final HttpApi api;
  private final PrintStream out;

  private Tour(MiniToutiao app, PrintStream out) {
    this.app = app;
    this.api = new HttpApi(app.baseUrl());
    this.out = out;
  }

  /**
   * Runs the tour against a running backend.
   *
   * @param app the backend
   * @param out where the lines go
   * @return tokens and ids it produced
   * @throws IllegalStateException when an answer is not the expected one
   */
  public static Result run(MiniToutiao app, PrintStream out) {
    return new Tour(app, out).run();
  }

  private Result run() {
    section("Login with an SMS code");
    step(
        "POST",
        "/v1_0/sms/codes/" + MOBILE,
        200,
        () -> api.post("/v1_0/sms/codes/" + MOBILE, null, null),
        r -> "code sent (the console shows it; valid 300 s)");
    step(
        "POST",
        "/v1_0/sms/codes/" + MOBILE,
        429,
        () -> api.post("/v1_0/sms/codes/" + MOBILE, null, null),
        r -> "\"" + r.message() + "\" (one code per mobile per minute)");
    String code = app.sms().lastCode(MOBILE).orElseThrow();
    String wrong = code.equals("000000") ? "111111" : "000000";
    step(
        "POST",
        "/v1_0/authorizations {mobile, wrong code}",
        400,
        () -> api.post("/v1_0/authorizations", Map.of("mobile", MOBILE, "code", wrong), null),
        r -> "\"" + r.message() + "\"");
    HttpApi.Response login =
        step(
            "POST",
            "/v1_0/authorizations {mobile, code}",
            201,
            () -> api.post("/v1_0/authorizations", Map.of("mobile", MOBILE, "code", code), null),
            r ->
                "access token ("
                    + r.data().path("token").asText().length()
                    + " chars) + refresh token");
    String token = login.data().path("token").asText();
    String refresh = login.data().path("refresh_token").asText();

    section("Profile: two-level cache, counts merged from counters");
    get(
        "/v1_0/user/profile",
        token,
        200,
        r ->
            r.data().path("name").asText()
                + ", follows "
                + r.data().path("follow_count").asLong()
                + ", fans "
                + r.data().path("fans_count").asLong()
                + ", articles "
                + r.data().path("art_count").asLong());
    long hitsBefore = app.cacheStats().get("user-profile").l1Hits();
    get(
        "/v1_0/user/profile",
        token,
        200,
        r ->
            "served from the local cache (L1 hits "
                + hitsBefore
                + " -> "
                + app.cacheStats().get("user-profile").l1Hits()
                + ")");

    section("Photo upload: validated by content, stored, profile cache invalidated");
    HttpApi.Response photo =
        step(
            "PATCH",
            "/v1_0/user/photo (photo=avatar.png)",
            201,
            () ->
                api.patchFiles(
                    "/v1_0/user/photo",
                    Map.of("photo", Map.entry("avatar.png", png(320, 240))),
                    token),
            r -> r.data().path("photo").asText());
    String photoUrl = photo.data().path("photo").asText();
    step(
        "GET",
        photoUrl.replace(app.baseUrl(), ""),
        200,
        () -> api.get(photoUrl, null),
        r -> r.contentType() + ", " + r.bytes().length + " bytes");
    get(
        "/v1_0/user/profile",
        token,
        200,
        r -> "photo " + (r.data().path("photo").asText().equals(photoUrl) ? "updated" : "STALE"));
    step(
        "PATCH",
        "/v1_0/user/photo (an SVG named avatar.png)",
        400,
        () ->
            api.patchFiles(
                "/v1_0/user/photo",
                Map.of(
                    "photo",
                    Map.entry(
                        "avatar.png", "<svg onload=alert(1)>".getBytes(StandardCharsets.UTF_8))),
                token),
        r -> "\"" + r.message() + "\"");

    section("Articles: Snowflake id, database, search index, counters, reading history");
    HttpApi.Response published =
        step(
            "POST",
            "/v1_0/articles",
            201,
            () ->
                api.post(
                    "/v1_0/articles",
                    Map.of("title", "人工智能写新闻的一天", "content", "编辑部用人工智能整理了今天的头条。"),
                    token),
            r -> "id " + r.data().path("id").asText());
    String articleId = published.data().path("id").asText();
    if (!app.awaitOutbox(java.time.Duration.ofSeconds(30))) {
      out.println("  UNEXPECTED: the outbox relay did not index the article within 30 s");
    }
    get(
        "/v1_0/articles/" + articleId,
        token,
        200,
        r ->
            "\""
                + r.data().path("title").asText()
                + "\" by "
                + r.data().path("aut_name").asText()
                + ", read "
                + r.data().path("read_count").asLong());
    step(
        "POST",
        "/v1_0/article/likings {target}",
        201,
        () -> api.post("/v1_0/article/likings", Map.of("target", articleId), token),
        r -> "liked");
    get(
        "/v1_0/articles/" + articleId,
        token,
        200,
        r ->
            "read "
                + r.data().path("read_count").asLong()
                + ", liked "
                + r.data().path("like_count").asLong());
    step(
        "POST",
        "/v1_0/user/followings {target: 3}",
        201,
        () -> api.post("/v1_0/user/followings", Map.of("target", "3"), token),
        r -> "following user 3");
    get(
        "/v1_0/users/3",
        null,
        200,
        r -> r.data().path("name").asText() + ", fans " + r.data().path("fans_count").asLong());
    get("/v1_0/user/histories", token, 200, r -> "reading history " + r.data().path("reading"));

    section("Search and suggestions (Elasticsearch)");
    String q = URLEncoder.encode("人工智能", StandardCharsets.UTF_8);
    step(
        "GET",
        "/v1_0/search?q=人工智能&page=1&per_page=10",
        200,
        () -> api.get("/v1_0/search?q=" + q + "&page=1&per_page=10", token),
        r ->
            r.data().path("total_count").asLong()
                + " approved matches, first: "
                + r.data()
                    .path("results")
                    .path(0)
                    .path("highlight")
                    .path("title")
                    .path(0)
                    .asText(r.data().path("results").path(0).path("title").asText()));
    step(
        "GET",
        "/v1_0/suggestion?q=人工",
        200,
        () ->
            api.get("/v1_0/suggestion?q=" + URLEncoder.encode("人工", StandardCharsets.UTF_8), null),
        r -> "options " + r.data().path("options"));
    String longQuery = "头".repeat(51);
    step(
        "GET",
        "/v1_0/search?q=(51 characters)",
        400,
        () ->
            api.get(
                "/v1_0/search?q=" + URLEncoder.encode(longQuery, StandardCharsets.UTF_8), token),
        r -> "\"" + r.message() + "\"");

    section("Home feed over gRPC (the recommendation service)");
    HttpApi.Response feedFirst =
        get(
            "/v1_1/articles?channel_id=1&timestamp=0&with_top=1&article_num=4",
            token,
            200,
            Tour::feedSummary);
    long older = feedFirst.data().path("pre_timestamp").asLong();
    get(
        "/v1_1/articles?channel_id=1&timestamp=" + older + "&with_top=1&article_num=4",
        token,
        200,
        Tour::feedSummary);
    String click = feedFirst.data().path("results").path(0).path("trace").path("click").asText();
    step(
        "POST",
        "/v1_1/article/behaviour {track: click of the first}",
        201,
        () -> api.post("/v1_1/article/behaviour", Map.of("track", click), token),
        r -> "recorded " + r.data().path("action").asText() + " in the behaviour stream");
    String forged = click.replaceFirst("\"articleId\":\"[0-9]+\"", "\"articleId\":\"1\"");
    step(
        "POST",
        "/v1_1/article/behaviour {track: articleId edited}",
        400,
        () -> api.post("/v1_1/article/behaviour", Map.of("track", forged), token),
        r -> "\"" + r.message() + "\"");

    notifications(token);

    section("Tokens");
    step(
        "GET",
        "/v1_0/user/profile (refresh token)",
        403,
        () -> api.get("/v1_0/user/profile", refresh),
        r -> "\"" + r.message() + "\"");
    HttpApi.Response renewed =
        step(
            "PUT",
            "/v1_0/authorizations (refresh token)",
            201,
            () -> api.put("/v1_0/authorizations", null, refresh),
            r -> "new access token (" + r.data().path("token").asText().length() + " chars)");
    String newToken = renewed.data().path("token").asText();
    step(
        "GET",
        "/v1_0/user/profile (no token)",
        401,
        () -> api.get("/v1_0/user/profile", null),
        r -> "\"" + r.message() + "\"");

    section("Nightly counter correction, on demand");
    long drifted =
        app.counters.get(CounterStore.ARTICLE_LIKING).increment(Long.parseLong(articleId), 41);
    out.println(
        "   (a lost unlike and a replayed event later: count:art:liking of the article is now "
            + drifted
            + ")");
    step(
        "POST",
        "/v1_0/admin/counters/correction",
        200,
        () -> api.post("/v1_0/admin/counters/correction", null, newToken),
        r ->
            "count:art:liking rebuilt from the database, "
                + r.data().path(CounterStore.ARTICLE_LIKING).path("changed").asLong()
                + " changed");
    get(
        "/v1_0/articles/" + articleId,
        newToken,
        200,
        r -> "liked " + r.data().path("like_count").asLong() + " again");
    return new Result(newToken, refresh, articleId);
  }

  /** The followed author (user 3). */
  static final String FOLLOWED_MOBILE = "13800000003";

  /**
   * User 3 was followed earlier in the tour while offline: they log in, connect a Socket.IO client
   * with their token and get the waiting {@code following notify}; a like of their article is
   * notified live; the chat echoes.
   *
   * @param adminToken the access token of user 1, who likes user 3's article
   */
  private void notifications(String adminToken) {
    section("Notifications over Socket.IO (the push node, through Redis)");
    step(
        "POST",
        "/v1_0/sms/codes/" + FOLLOWED_MOBILE,
        200,
        () -> api.post("/v1_0/sms/codes/" + FOLLOWED_MOBILE, null, null),
        r -> "code sent to user 3");
    String code = app.sms().lastCode(FOLLOWED_MOBILE).orElseThrow();
    String token =
        step(
                "POST",
                "/v1_0/authorizations {user 3}",
                201,
                () ->
                    api.post(
                        "/v1_0/authorizations",
                        Map.of("mobile", FOLLOWED_MOBILE, "code", code),
                        null),
                r -> "user 3 logged in")
            .data()
            .path("token")
            .asText();
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    IO.Options options = new IO.Options();
    options.query = "token=" + token; // as the reference's clients do
    options.forceNew = true;
    options.reconnection = false;
    Socket socket = IO.socket(URI.create("http://127.0.0.1:" + app.pushPort()), options);
    for (String event : List.of("following notify", "liking notify", "message")) {
      socket.on(
          event,
          args -> {
            received.add(event + " " + args[0] + (args.length > 2 ? " id " + args[1] : ""));
            if (args.length > 0 && args[args.length - 1] instanceof Ack ack) {
              ack.call();
            }
          });
    }
    CompletableFuture<Void> connected = new CompletableFuture<>();
    socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
    socket.connect();
    try {
      connected.get(10, TimeUnit.SECONDS);
      out.println(
          "socket.io connect ws://127.0.0.1:" + app.pushPort() + " (user 3's token) -> connected");
      out.println("  got (sent while offline): " + await(received));
      step(
          "POST",
          "/v1_0/article/likings {104, user 3's}",
          201,
          () -> api.post("/v1_0/article/likings", Map.of("target", "104"), adminToken),
          r -> "liked by user 1 while user 3 is connected");
      out.println("  got (live): " + await(received));
      socket.emit("message", "你好");
      out.println("socket.io emit message \"你好\"");
      out.println("  got (the demo chat's echo): " + await(received));
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the Socket.IO client could not connect to the push node", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting", e);
    } finally {
      socket.close();
    }
  }

  private String await(BlockingQueue<String> received) {
    try {
      String event = received.poll(10, TimeUnit.SECONDS);
      if (event == null) {
        throw new IllegalStateException(
            "no notification arrived within 10 s; push node: " + app.pushStats());
      }
      return event;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a notification", e);
    }
  }

  private static String feedSummary(HttpApi.Response r) {
    List<String> titles = new java.util.ArrayList<>();
    r.data().path("results").forEach(a -> titles.add(a.path("title").asText()));
    return titles.size()
        + " articles "
        + titles
        + ", pre_timestamp "
        + r.data().path("pre_timestamp").asLong();
  }

  private interface Call {
    HttpApi.Response send();
  }

  /** A GET whose line shows its path. */
  private HttpApi.Response get(
      String path, String token, int expected, Function<HttpApi.Response, String> summary) {
    return step("GET", path, expected, () -> api.get(path, token), summary);
  }

  private HttpApi.Response step(
      String method,
      String what,
      int expected,
      Call call,
      Function<HttpApi.Response, String> summary) {
    HttpApi.Response response = call.send();
    String line = String.format("%-6s %-48s -> %d", method, what, response.status());
    if (response.status() != expected) {
      out.println(line + "  UNEXPECTED (wanted " + expected + "): " + response.body());
      throw new IllegalStateException(
          method
              + " "
              + what
              + " answered "
              + response.status()
              + ", expected "
              + expected
              + ": "
              + response.body());
    }
    out.println(line + "  " + summary.apply(response));
    return response;
  }

  private void section(String title) {
    out.println();
    out.println("== " + title);
  }

  /**
   * Makes a real PNG image.
   *
   * @param width width in pixels
   * @param height height in pixels
   * @return the PNG bytes
   */
  public static byte[] png(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        image.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | 0x80);
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
