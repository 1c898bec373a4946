package io.toutiao.examples.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import io.javalin.json.JavalinJackson;
import io.toutiao.auth.AuthException;
import io.toutiao.auth.BearerTokens;
import io.toutiao.auth.TokenPair;
import io.toutiao.auth.VerifiedToken;
import io.toutiao.cache.CacheException;
import io.toutiao.cache.redis.CounterStore;
import io.toutiao.cache.redis.RedisStoreException;
import io.toutiao.core.id.IdGenerationException;
import io.toutiao.core.id.WorkerIdUnavailableException;
import io.toutiao.feed.BehaviourEvent;
import io.toutiao.feed.FeedArticle;
import io.toutiao.feed.FeedException;
import io.toutiao.feed.FeedPage;
import io.toutiao.feed.FeedRequest;
import io.toutiao.feed.TrackException;
import io.toutiao.push.Notification;
import io.toutiao.search.ArticleSearch;
import io.toutiao.search.SearchException;
import io.toutiao.storage.ImageCheckBusyException;
import io.toutiao.storage.ImageUploadService;
import io.toutiao.storage.InvalidImageException;
import io.toutiao.storage.ObjectStorage;
import io.toutiao.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.params.SetParams;

/**
 * The reference's HTTP API on Javalin. Every answer is the reference's envelope {@code {"message":
 * ..., "data": ...}}; ids are strings (Snowflake ids exceed JavaScript's safe integers).
 */
final class Api {

  private static final Logger log = LoggerFactory.getLogger(Api.class);
  private static final Pattern MOBILE = Pattern.compile("^1[3-9]\\d{9}$");
  private static final Pattern CODE = Pattern.compile("^\\d{6}$");
  private static final List<String> IMAGE_FIELDS =
      List.of("photo", "id_card_front", "id_card_back", "id_card_handheld");
  private static final int MAX_IMAGE_BYTES = 5 * 1024 * 1024;
  private static final int SMS_PER_IP_PER_HOUR = 100;

  /**
   * Checks a login code and deletes it when it matches; five wrong tries delete it too. The value
   * is {@code code|tries}, in one key so it works on Redis Cluster. Returns 1 (match), 0 (wrong),
   * -1 (no code).
   */
  private static final String CHECK_CODE =
      "local v = redis.call('GET', KEYS[1])\n"
          + "if not v then return -1 end\n"
          + "local sep = string.find(v, '|', 1, true)\n"
          + "local code = string.sub(v, 1, sep - 1)\n"
          + "local tries = tonumber(string.sub(v, sep + 1)) + 1\n"
          + "if code == ARGV[1] then\n"
          + "  local left = redis.call('PTTL', KEYS[1])\n"
          + "  redis.call('DEL', KEYS[1])\n"
          + "  return {1, left}\n"
          + "end\n"
          + "if tries >= 5 then redis.call('DEL', KEYS[1]) else\n"
          + "  local ttl = redis.call('PTTL', KEYS[1])\n"
          + "  if ttl > 0 then redis.call('SET', KEYS[1], code .. '|' .. tries, 'PX', ttl) end\n"
          + "end\n"
          + "return 0";

  /** An error answer: the status and the reference's message. */
  static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiError(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private final MiniToutiao app;
  private final ObjectMapper json = new ObjectMapper();
  private final SecureRandom random = new SecureRandom();

  private Api(MiniToutiao app) {
    this.app = app;
  }

  static Javalin create(MiniToutiao app) {
    Api api = new Api(app);
    Javalin http =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.http.maxRequestSize = 24L * 1024 * 1024;
              config.jetty.multipartConfig.maxFileSize(MAX_IMAGE_BYTES + 1024L, SizeUnit.BYTES);
              config.jetty.multipartConfig.maxTotalRequestSize(24, SizeUnit.MB);
              config.jsonMapper(new JavalinJackson(api.json, false));
              // Errors Jetty answers before any handler (414, 431, bad requests) in the envelope
              // too.
              config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrors()));
            });
    http.before(Api::checkBodySize);
    http.post("/v1_0/sms/codes/{mobile}", api::sendCode);
    http.post("/v1_0/authorizations", api::login);
    http.put("/v1_0/authorizations", api::refresh);
    http.get("/v1_0/user/profile", api::myProfile);
    http.get("/v1_0/users/{id}", api::userProfile);
    http.patch("/v1_0/user/photo", api::uploadPhotos);
    http.get("/v1_0/user/histories", api::histories);
    http.post("/v1_0/articles", api::publish);
    http.get("/v1_0/articles/{id}", api::article);
    http.post("/v1_0/article/likings", api::like);
    http.delete("/v1_0/article/likings/{target}", api::unlike);
    http.post("/v1_0/user/followings", api::follow);
    http.delete("/v1_0/user/followings/{target}", api::unfollow);
    http.get("/v1_0/search", api::search);
    http.get("/v1_1/articles", api::feed);
    http.post("/v1_1/article/behaviour", api::behaviour);
    http.get("/v1_0/suggestion", api::suggest);
    http.post("/v1_0/admin/counters/correction", api::correctCounters);
    http.get("/v1_0/admin/stats", api::stats);
    http.get("/files/<key>", api::file);
    http.exception(Exception.class, api::failure);
    http.exception(
        io.javalin.http.HttpResponseException.class,
        (e, ctx) -> ctx.status(e.getStatus()).json(envelope(statusMessage(e.getStatus()), null)));
    http.error(
        404,
        ctx -> {
          String result = ctx.result();
          if (result == null || !result.startsWith("{\"message\"")) {
            ctx.json(envelope("Not found.", null));
          }
        });
    http.error(405, ctx -> ctx.json(envelope("Method not allowed.", null)));
    return http;
  }

  // ---- answers and errors ----

  /** Body limits per endpoint, checked from Content-Length before anything is read. */
  private static final long SMALL_BODY = 4 * 1024;

  private static final long JSON_BODY = 64 * 1024;
  private static final long UPLOAD_BODY = 4L * MAX_IMAGE_BYTES + 64 * 1024;

  static long bodyLimit(String path) {
    if (path.startsWith("/v1_0/sms/") || path.equals("/v1_0/authorizations")) {
      return SMALL_BODY;
    }
    if (path.equals("/v1_0/user/photo")) {
      return UPLOAD_BODY;
    }
    return JSON_BODY;
  }

  private static void checkBodySize(Context ctx) {
    long limit = bodyLimit(ctx.path());
    long length = ctx.req().getContentLengthLong();
    if (length < 0 && ctx.header("Transfer-Encoding") != null) {
      // a chunked body has no length to check before reading: require one
      throw new ApiError(
          411,
          "Content-Length required: send the body with its length (at most "
              + limit
              + " bytes here).");
    }
    if (length > limit) {
      throw new ApiError(413, "Request body too large: at most " + limit + " bytes here.");
    }
  }

  static String statusMessage(int status) {
    return switch (status) {
      case 400 -> "Bad request.";
      case 404 -> "Not found.";
      case 405 -> "Method not allowed.";
      case 411 -> "Content-Length required.";
      case 413 -> "Request body too large.";
      case 414 -> "URI too long.";
      case 431 -> "Request headers too large.";
      default -> status >= 500 ? "Internal error." : "Bad request.";
    };
  }

  /** Jetty's own error answers as {@code {"message": ...}}. */
  static final class JsonErrors extends org.eclipse.jetty.server.handler.ErrorHandler {
    private static byte[] body(int status) {
      return ("{\"message\":\"" + statusMessage(status) + "\"}")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public java.nio.ByteBuffer badMessageError(
        int status, String reason, org.eclipse.jetty.http.HttpFields.Mutable fields) {
      fields.put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
      return java.nio.ByteBuffer.wrap(body(status));
    }

    @Override
    protected void generateAcceptableResponse(
        org.eclipse.jetty.server.Request baseRequest,
        jakarta.servlet.http.HttpServletRequest request,
        jakarta.servlet.http.HttpServletResponse response,
        int code,
        String message)
        throws IOException {
      baseRequest.setHandled(true);
      response.setContentType("application/json;charset=utf-8");
      response.getOutputStream().write(body(code));
    }
  }

  static Map<String, Object> envelope(String message, Object data) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", message);
    if (data != null) {
      body.put("data", data);
    }
    return body;
  }

  private static void ok(Context ctx, int status, Object data) {
    ctx.status(status).json(envelope("OK", data));
  }

  private void failure(Exception e, Context ctx) {
    int status;
    String message;
    if (e instanceof ApiError api) {
      status = api.status;
      message = api.getMessage();
    } else if (e instanceof AuthException auth) {
      status = auth.httpStatus();
      message =
          switch (auth.reason()) {
            case WRONG_TOKEN_TYPE -> "Do not use refresh token.";
            case USER_DISABLED -> "User denied.";
            case REVOCATION_UNAVAILABLE -> "Service unavailable, try again later.";
            default -> "User must be authorized.";
          };
    } else if (e instanceof InvalidImageException image) {
      status = 400;
      message =
          "Invalid image."
              + (image.field() == null ? "" : " (" + image.field() + ": " + image.reason() + ")");
    } else if (e instanceof TrackException track) {
      status = 400;
      message = "Invalid track: " + track.getMessage();
    } else if (e instanceof FeedException) {
      status = 503;
      message = "Service unavailable, try again later.";
      log.warn("feed failed: {}", e.getMessage());
    } else if (e instanceof ImageCheckBusyException busy) {
      status = 503;
      message = "Service unavailable, try again later.";
      ctx.header("Retry-After", Long.toString(Math.max(1, busy.retryAfter().toSeconds())));
      log.warn("image check busy: {}", e.getMessage());
    } else if (e instanceof StorageException) {
      status = 507;
      message = "Uploading image failed.";
      log.error("storage failed", e);
    } else if (e instanceof IllegalArgumentException) {
      status = 400;
      message = e.getMessage();
    } else if (e instanceof IdGenerationException ids && ids.isRetryable()) {
      status = 503;
      message = "Service unavailable, try again later.";
      long seconds =
          e instanceof WorkerIdUnavailableException lease
              ? lease.retryAfter().map(wait -> (wait.toMillis() + 999) / 1000).orElse(1L)
              : 1L;
      ctx.header("Retry-After", Long.toString(Math.max(1, seconds)));
      log.warn("no id could be issued: {}", e.getMessage());
    } else if (e instanceof SearchException.Unavailable
        || e instanceof RedisStoreException
        || e instanceof redis.clients.jedis.exceptions.JedisException
        || e instanceof CacheException) {
      status = 503;
      message = "Service unavailable, try again later.";
      log.error("a backing service failed", e);
    } else {
      status = 500;
      message = "Internal error.";
      log.error("request {} {} failed", ctx.method(), ctx.path(), e);
    }
    ctx.status(status).json(envelope(message, null));
  }

  // ---- authentication ----

  private Optional<VerifiedToken> token(Context ctx) {
    Optional<String> bearer = BearerTokens.extract(ctx.header("Authorization"));
    if (bearer.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(app.tokens.verifyAccess(bearer.get()));
  }

  /** The reference's login_required: no or bad token 401, refresh token 403, disabled user 403. */
  private long requireUser(Context ctx) {
    return token(ctx)
        .map(VerifiedToken::userId)
        .orElseThrow(() -> new ApiError(401, "User must be authorized."));
  }

  /** Optional login: any unusable token means anonymous, as the reference's request filter. */
  private Optional<Long> optionalUser(Context ctx) {
    try {
      return token(ctx).map(VerifiedToken::userId);
    } catch (AuthException e) {
      return Optional.empty();
    }
  }

  private void requireAdmin(Context ctx) {
    long userId = requireUser(ctx);
    if (!app.user(userId).map(Database.User::admin).orElse(false)) {
      throw new ApiError(403, "Admin only.");
    }
  }

  // ---- SMS codes and tokens ----

  private void sendCode(Context ctx) {
    String mobile = ctx.pathParam("mobile");
    if (!MOBILE.matcher(mobile).matches()) {
      throw new ApiError(400, "Invalid mobile.");
    }
    // The per-mobile lock first: a refused attempt must not use up the sender's hourly quota.
    String lockKey = "app:sms:lock:" + mobile;
    if (app.redis.set(lockKey, "1", SetParams.setParams().nx().ex(60)) == null) {
      throw new ApiError(429, "Too many requests.");
    }
    String ipKey = "app:sms:ip:" + ctx.ip();
    long sentFromIp = app.redis.incr(ipKey);
    if (sentFromIp == 1) {
      app.redis.expire(ipKey, 3600);
    }
    if (sentFromIp > SMS_PER_IP_PER_HOUR) {
      // refused: neither the quota nor the mobile's minute is spent
      app.redis.decr(ipKey);
      app.redis.del(lockKey);
      throw new ApiError(429, "Too many requests.");
    }
    String code = String.format(Locale.ROOT, "%06d", random.nextInt(1_000_000));
    app.redis.setex("app:code:" + mobile, 300, code + "|0");
    app.sms.send(mobile, code);
    ok(ctx, 200, Map.of("mobile", mobile));
  }

  private void login(Context ctx) {
    JsonNode body = body(ctx);
    String mobile = text(body, "mobile");
    String code = text(body, "code");
    if (!MOBILE.matcher(mobile).matches() || !CODE.matcher(code).matches()) {
      throw new ApiError(400, "Mobile or code does not exist.");
    }
    Optional<Long> existing = app.db.userIdByMobile(mobile);
    // A new user's id is taken before the code is used, so an id outage (503) leaves the code
    // valid.
    long newId = existing.isPresent() ? 0 : app.ids.nextId();
    String codeKey = "app:code:" + mobile;
    Object checked = app.redis.eval(CHECK_CODE, List.of(codeKey), List.of(code));
    if (!(checked instanceof List<?> used) || !Long.valueOf(1).equals(used.get(0))) {
      throw new ApiError(400, "Mobile or code does not exist.");
    }
    long userId;
    Database.User user;
    try {
      userId =
          existing.orElseGet(
              () ->
                  app.db.register(newId, mobile)
                      ? newId
                      : app.db.userIdByMobile(mobile).orElseThrow());
      user = app.user(userId).orElseThrow(() -> new ApiError(500, "Internal error."));
    } catch (RuntimeException e) {
      // The login did not happen: give the code back for the rest of its life.
      long left = used.get(1) instanceof Long millis ? millis : 0;
      if (left > 0) {
        try {
          app.redis.set(codeKey, code + "|0", SetParams.setParams().nx().px(left));
        } catch (RuntimeException restore) {
          e.addSuppressed(restore);
        }
      }
      throw e;
    }
    if (user.status() != 1) {
      throw new ApiError(403, "User denied.");
    }
    TokenPair pair = app.tokens.issue(userId);
    ok(ctx, 201, Map.of("token", pair.accessToken(), "refresh_token", pair.refreshToken()));
  }

  private void refresh(Context ctx) {
    String bearer =
        BearerTokens.extract(ctx.header("Authorization"))
            .orElseThrow(() -> new ApiError(403, "Invalid refresh token."));
    TokenPair pair;
    try {
      pair = app.tokens.refresh(bearer);
    } catch (AuthException e) {
      throw new ApiError(
          e.reason() == AuthException.Reason.REVOCATION_UNAVAILABLE ? 503 : 403,
          e.reason() == AuthException.Reason.USER_DISABLED
              ? "User denied."
              : "Invalid refresh token.");
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("token", pair.accessToken());
    if (pair.refreshToken() != null) {
      data.put("refresh_token", pair.refreshToken()); // when refresh tokens are rotated
    }
    ok(ctx, 201, data);
  }

  // ---- users ----

  private void myProfile(Context ctx) {
    long userId = requireUser(ctx);
    Database.User user =
        app.user(userId).orElseThrow(() -> new ApiError(401, "User must be authorized."));
    Map<String, Object> data = publicProfile(user);
    data.put("mobile", user.mobile().substring(0, 3) + "****" + user.mobile().substring(7));
    data.put("gender", user.gender());
    data.put("real_name", user.realName());
    data.put("certified", user.idCardFront() != null && user.idCardBack() != null);
    ok(ctx, 200, data);
  }

  private void userProfile(Context ctx) {
    long id = idParam(ctx, "id");
    Database.User user = app.user(id).orElseThrow(() -> new ApiError(404, "User does not exist."));
    ok(ctx, 200, publicProfile(user));
  }

  /** Cached user fields plus counts merged from the counters (never cached together). */
  private Map<String, Object> publicProfile(Database.User user) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", Long.toString(user.id()));
    data.put("name", user.name());
    data.put("photo", user.photo() == null ? null : app.storage.publicUrl(user.photo()));
    data.put("intro", user.intro());
    Long articles = count(CounterStore.USER_ARTICLES, user.id());
    Long follows = count(CounterStore.USER_FOLLOWINGS, user.id());
    Long fans = count(CounterStore.USER_FOLLOWERS, user.id());
    Long likes = count(CounterStore.USER_LIKED, user.id());
    data.put("art_count", articles);
    data.put("follow_count", follows);
    data.put("fans_count", fans);
    data.put("like_count", likes);
    data.put(
        "counts_unavailable", articles == null || follows == null || fans == null || likes == null);
    return data;
  }

  /** A count, or null when Redis cannot answer now (never a made-up 0). */
  private Long count(String metric, long id) {
    return app.redisGuard
        .call("reading " + metric, () -> app.counters.get(metric).get(id))
        .orElse(null);
  }

  private void uploadPhotos(Context ctx) {
    long userId = requireUser(ctx);
    if (!ctx.isMultipartFormData()) {
      throw new ApiError(
          400,
          "Expected multipart/form-data with photo, id_card_front, id_card_back or id_card_handheld.");
    }
    Map<String, byte[]> fields = new LinkedHashMap<>();
    for (String field : IMAGE_FIELDS) {
      UploadedFile file = ctx.uploadedFile(field);
      if (file != null) {
        if (file.size() > MAX_IMAGE_BYTES) {
          throw new ApiError(400, "Invalid image. (" + field + ": larger than 5 MiB)");
        }
        try (InputStream in = file.content()) {
          fields.put(field, in.readAllBytes());
        } catch (IOException e) {
          throw new ApiError(400, "Could not read " + field + ".");
        }
      }
    }
    if (fields.isEmpty()) {
      throw new ApiError(
          400, "Missing image: photo, id_card_front, id_card_back or id_card_handheld.");
    }
    Map<String, ImageUploadService.UploadedImage> stored;
    try {
      stored = app.uploads.uploadAll(fields);
    } catch (InvalidImageException | ImageCheckBusyException e) {
      throw e;
    } catch (StorageException e) {
      log.error("upload for user {} failed", userId, e);
      throw new ApiError(
          507,
          fields.size() == 1
              ? "Uploading " + label(fields.keySet().iterator().next()) + " image failed."
              : "Uploading images failed.");
    }
    Map<String, String> keys = new LinkedHashMap<>();
    Map<String, Object> urls = new LinkedHashMap<>();
    stored.forEach(
        (field, image) -> {
          keys.put(field, image.key());
          urls.put(field, image.url());
        });
    app.db.setImages(userId, keys);
    app.users.invalidate(userId);
    ok(ctx, 201, urls);
  }

  /** The reference's name of an image field in its 507 message. */
  private static String label(String field) {
    return field.equals("photo") ? "profile photo" : field;
  }

  private void histories(Context ctx) {
    long userId = requireUser(ctx);
    ok(
        ctx,
        200,
        Map.of(
            "reading", app.readingHistory.list(userId, 1, 100),
            "searching", app.searchHistory.list(userId, 1, 4)));
  }

  // ---- articles ----

  private void publish(Context ctx) {
    long userId = requireUser(ctx);
    JsonNode body = body(ctx);
    String title = text(body, "title").strip();
    String content = text(body, "content").strip();
    if (title.isEmpty() || title.length() > 100) {
      throw new ApiError(400, "title must have 1 to 100 characters.");
    }
    if (content.isEmpty() || content.length() > 20_000) {
      throw new ApiError(400, "content must have 1 to 20000 characters.");
    }
    String key = ctx.header("Idempotency-Key");
    if (key != null && !key.matches("[A-Za-z0-9._:-]{1,64}")) {
      throw new ApiError(400, "Idempotency-Key must have 1 to 64 characters of A-Za-z0-9._:-");
    }
    // the demo approves at once so the article is searchable; the reference reviews first.
    // One transaction stores the article and its outbox row; the relay indexes, suggests and
    // counts from the outbox, so a slow or frozen Elasticsearch or Redis never fails a publish.
    Database.Article article =
        new Database.Article(
            app.ids.nextId(), userId, title, content, Database.APPROVED, Instant.now().toString());
    Map.Entry<Long, Boolean> published = app.db.publish(article, key);
    if (published.getValue()) {
      app.outbox.wake();
    }
    ok(ctx, 201, Map.of("id", Long.toString(published.getKey())));
  }

  private void article(Context ctx) {
    long id = idParam(ctx, "id");
    Optional<Long> reader = optionalUser(ctx);
    Database.Article article =
        app.articles
            .get(id)
            .filter(a -> a.status() == Database.APPROVED || reader.orElse(-1L) == a.userId())
            .orElseThrow(() -> new ApiError(404, "Article does not exist."));
    // counting is not worth failing the read: with Redis down or frozen the read is not counted
    // (the nightly correction does not cover reads) and the counts say they are unavailable
    Long reads =
        app.redisGuard
            .call(
                "counting the reading of article " + id,
                () -> {
                  long n = app.counters.get(CounterStore.ARTICLE_READING).increment(id, 1);
                  app.counters
                      .get(CounterStore.USER_ARTICLE_READING)
                      .increment(article.userId(), 1);
                  reader.ifPresent(userId -> app.readingHistory.add(userId, Long.toString(id)));
                  return n;
                })
            .orElse(null);
    Optional<Database.User> author = app.user(article.userId());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("art_id", Long.toString(id));
    data.put("title", article.title());
    data.put("content", article.content());
    data.put("pubdate", article.createTime());
    data.put("aut_id", Long.toString(article.userId()));
    data.put("aut_name", author.map(Database.User::name).orElse(null));
    Long likes = reads == null ? null : count(CounterStore.ARTICLE_LIKING, id);
    data.put("read_count", reads);
    data.put("like_count", likes);
    data.put("counts_unavailable", reads == null || likes == null);
    ok(ctx, 200, data);
  }

  private void like(Context ctx) {
    long userId = requireUser(ctx);
    long target = idField(body(ctx), "target");
    Database.Article article =
        app.articles
            .get(target)
            .filter(a -> a.status() == Database.APPROVED)
            .orElseThrow(() -> new ApiError(400, "Article does not exist."));
    if (app.db.like(userId, target)) {
      app.counters.get(CounterStore.ARTICLE_LIKING).increment(target, 1);
      app.counters.get(CounterStore.USER_LIKED).increment(article.userId(), 1);
      if (article.userId() != userId) {
        app.user(userId)
            .ifPresent(
                u ->
                    app.notifyUser(
                        article.userId(),
                        Notification.liking(
                            Long.toString(userId), u.name(), u.photo(), Instant.now(), target)));
      }
    }
    ok(ctx, 201, Map.of("target", Long.toString(target)));
  }

  private void unlike(Context ctx) {
    long userId = requireUser(ctx);
    long target = idParam(ctx, "target");
    if (app.db.unlike(userId, target)) {
      app.counters.get(CounterStore.ARTICLE_LIKING).decrement(target, 1);
      app.articles
          .get(target)
          .ifPresent(a -> app.counters.get(CounterStore.USER_LIKED).decrement(a.userId(), 1));
    }
    ctx.status(204);
  }

  private void follow(Context ctx) {
    long userId = requireUser(ctx);
    long target = idField(body(ctx), "target");
    if (target == userId) {
      throw new ApiError(400, "User cannot follow self.");
    }
    if (app.user(target).isEmpty()) {
      throw new ApiError(400, "User does not exist.");
    }
    if (app.db.follow(userId, target)) {
      app.counters.get(CounterStore.USER_FOLLOWINGS).increment(userId, 1);
      app.counters.get(CounterStore.USER_FOLLOWERS).increment(target, 1);
      // the reference's following notify, to the followed user
      app.user(userId)
          .ifPresent(
              u ->
                  app.notifyUser(
                      target,
                      Notification.following(
                          Long.toString(userId), u.name(), u.photo(), Instant.now())));
    }
    ok(ctx, 201, Map.of("target", Long.toString(target)));
  }

  private void unfollow(Context ctx) {
    long userId = requireUser(ctx);
    long target = idParam(ctx, "target");
    if (app.db.unfollow(userId, target)) {
      app.counters.get(CounterStore.USER_FOLLOWINGS).decrement(userId, 1);
      app.counters.get(CounterStore.USER_FOLLOWERS).decrement(target, 1);
    }
    ctx.status(204);
  }

  // ---- search ----

  /** Feed page size: 10 as the reference; {@code article_num} (1..50) is this demo's addition. */
  private static final int FEED_PAGE = 10;

  /**
   * {@code GET /v1_1/articles?channel_id=&timestamp=&with_top=}: a page of the channel through the
   * recommendation service (or its database fallback), each result the cached article plus its
   * {@code trace}; {@code {pre_timestamp, results}} as the reference. The exposure is recorded.
   */
  private void feed(Context ctx) {
    int channel = intParam(ctx, "channel_id", -1);
    if (channel < 0) {
      throw new ApiError(400, "channel_id must be a channel id >= 0.");
    }
    String ts = ctx.queryParam("timestamp");
    if (ts == null || !DIGITS.matcher(ts.strip()).matches()) {
      throw new ApiError(400, "timestamp must be epoch milliseconds.");
    }
    long timestamp = Long.parseLong(ts.strip());
    int withTop = intParam(ctx, "with_top", 0);
    int size = intParam(ctx, "article_num", FEED_PAGE);
    if (size < 1 || size > 50 || (withTop != 0 && withTop != 1)) {
      throw new ApiError(400, "article_num must be 1..50 and with_top 0 or 1.");
    }
    Optional<Long> reader = optionalUser(ctx);
    String userId = reader.map(String::valueOf).orElse(FeedRequest.ANONYMOUS);
    FeedPage page = app.feed.fetch(new FeedRequest(userId, channel, size, timestamp));
    Set<Long> pinned =
        withTop == 1
            ? Set.of()
            : app.redisGuard
                .call("reading pinned articles", () -> Set.copyOf(app.recommender.pinned(channel)))
                .orElse(Set.of());
    List<FeedArticle> shown =
        page.articles().stream().filter(a -> !pinned.contains(a.articleId())).toList();
    Map<Long, Database.Article> found =
        app.articles.getAll(shown.stream().map(FeedArticle::articleId).toList());
    List<Map<String, Object>> results = new ArrayList<>();
    for (FeedArticle a : shown) {
      Database.Article article = found.get(a.articleId());
      if (article == null || article.status() != Database.APPROVED) {
        continue; // withdrawn since the recommender saw it
      }
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("art_id", Long.toString(article.id()));
      item.put("title", article.title());
      item.put("aut_id", Long.toString(article.userId()));
      item.put("pubdate", article.createTime());
      item.put(
          "trace",
          Map.of(
              "click", a.track().click(),
              "collect", a.track().collect(),
              "share", a.track().share(),
              "read", a.track().read()));
      results.add(item);
    }
    if (!page.exposure().isEmpty()) {
      app.redisGuard.call(
          "recording the exposure",
          () -> {
            app.behaviour.record(app.trackSigner.verify(page.exposure()));
            return null;
          });
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("pre_timestamp", page.nextTimestamp());
    data.put("results", results);
    if (page.isFallback()) {
      data.put("degraded", page.fallbackReason().orElseThrow().name());
    }
    ok(ctx, 200, data);
  }

  /**
   * {@code POST /v1_1/article/behaviour {track}}: a track from a feed result, verified and
   * recorded.
   */
  private void behaviour(Context ctx) {
    String track = text(body(ctx), "track");
    BehaviourEvent event = app.trackSigner.verify(track);
    app.behaviour.record(event);
    ok(ctx, 201, Map.of("action", event.action().wireName()));
  }

  private void search(Context ctx) {
    String q = Optional.ofNullable(ctx.queryParam("q")).orElse("");
    int page = intParam(ctx, "page", 1);
    int perPage = intParam(ctx, "per_page", 10);
    if (page >= 1 && perPage >= 1 && (long) page * perPage > 10_000) {
      throw new ApiError(400, "page is too deep: results stop at 10000; refine the query instead.");
    }
    ArticleSearch.Page result = app.search.search(q, page, perPage);
    List<Long> ids = result.results().stream().map(h -> Long.parseLong(h.articleId())).toList();
    Map<Long, Database.Article> found = app.articles.getAll(ids);
    Map<Long, Long> likes =
        app.redisGuard
            .call(
                "reading like counts",
                () -> app.counters.get(CounterStore.ARTICLE_LIKING).getAll(ids))
            .orElse(null);
    List<Map<String, Object>> results = new ArrayList<>();
    for (ArticleSearch.ArticleHit hit : result.results()) {
      Database.Article a = found.get(Long.parseLong(hit.articleId()));
      if (a == null) {
        continue; // deleted since it was indexed
      }
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("art_id", hit.articleId());
      item.put("title", a.title());
      item.put("aut_id", Long.toString(a.userId()));
      item.put("pubdate", a.createTime());
      item.put("like_count", likes == null ? null : likes.getOrDefault(a.id(), 0L));
      item.put("highlight", hit.highlights());
      results.add(item);
    }
    optionalUser(ctx)
        .ifPresent(
            userId ->
                app.redisGuard.run(
                    "recording a search", () -> app.searchHistory.add(userId, q.strip())));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("page", result.page());
    data.put("per_page", result.perPage());
    data.put("total_count", result.total());
    data.put("counts_unavailable", likes == null);
    data.put("partial", result.partial());
    data.put("results", results);
    ok(ctx, 200, data);
  }

  private void suggest(Context ctx) {
    String q = Optional.ofNullable(ctx.queryParam("q")).orElse("");
    ok(ctx, 200, Map.of("options", app.suggester.suggest(q)));
  }

  // ---- operations ----

  private void correctCounters(Context ctx) {
    requireAdmin(ctx);
    Map<String, Object> data = new LinkedHashMap<>();
    app.correctCounters()
        .forEach(
            (key, r) ->
                data.put(
                    key,
                    Map.of(
                        "ids", r.ids(), "changed", r.changed(), "took_ms", r.took().toMillis())));
    ok(ctx, 200, data);
  }

  private void stats(Context ctx) {
    requireAdmin(ctx);
    ok(ctx, 200, Map.of("caches", app.cacheStats(), "services", app.choices()));
  }

  private void file(Context ctx) {
    if (app.filesDir == null) {
      throw new ApiError(404, "Not found.");
    }
    String key = ctx.pathParam("key");
    if (!ObjectStorage.KEY.matcher(key).matches() || key.startsWith(".")) {
      throw new ApiError(404, "Not found.");
    }
    Path path = app.filesDir.resolve(key).normalize();
    if (!path.startsWith(app.filesDir) || !Files.isRegularFile(path)) {
      throw new ApiError(404, "Not found.");
    }
    String lower = key.toLowerCase(Locale.ROOT);
    String type =
        lower.endsWith(".png")
            ? "image/png"
            : lower.endsWith(".gif")
                ? "image/gif"
                : lower.endsWith(".webp")
                    ? "image/webp"
                    : lower.endsWith(".jpg") || lower.endsWith(".jpeg")
                        ? "image/jpeg"
                        : "application/octet-stream";
    try {
      ctx.header("X-Content-Type-Options", "nosniff")
          .contentType(type)
          .result(Files.readAllBytes(path));
    } catch (IOException e) {
      throw new ApiError(404, "Not found.");
    }
  }

  // ---- input ----

  private JsonNode body(Context ctx) {
    try {
      JsonNode node = json.readTree(ctx.body());
      if (node == null || !node.isObject()) {
        throw new ApiError(400, "Expected a JSON object.");
      }
      return node;
    } catch (IOException e) {
      throw new ApiError(400, "Invalid JSON body.");
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual()) {
      throw new ApiError(400, "Missing " + field + ".");
    }
    return value.asText();
  }

  /** A positive integer that fits a long, as a JSON number or a string of digits; nothing else. */
  private static long idField(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      throw new ApiError(400, "Missing " + field + ".");
    }
    if (value.isIntegralNumber() && value.canConvertToLong() && value.longValue() > 0) {
      return value.longValue();
    }
    if (value.isTextual()) {
      return parseId(field, value.asText());
    }
    throw new ApiError(400, field + " must be a positive id.");
  }

  private static long idParam(Context ctx, String name) {
    return parseId(name, ctx.pathParam(name));
  }

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

  private static long parseId(String name, String value) {
    try {
      if (!DIGITS.matcher(value).matches()) {
        throw new NumberFormatException();
      }
      long id = Long.parseLong(value);
      if (id <= 0) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw new ApiError(400, name + " must be a positive id.");
    }
  }

  private static int intParam(Context ctx, String name, int fallback) {
    String value = ctx.queryParam(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new ApiError(400, name + " must be a number.");
    }
  }
}
