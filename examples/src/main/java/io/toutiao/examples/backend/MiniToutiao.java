package io.toutiao.examples.backend;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.javalin.Javalin;
import io.toutiao.auth.KeyRing;
import io.toutiao.auth.SigningKey;
import io.toutiao.auth.TokenAlgorithm;
import io.toutiao.auth.TokenConfig;
import io.toutiao.auth.TokenService;
import io.toutiao.auth.redis.RedisRevocationStore;
import io.toutiao.cache.CacheConfig;
import io.toutiao.cache.CacheStats;
import io.toutiao.cache.Codecs;
import io.toutiao.cache.TwoLevelCache;
import io.toutiao.cache.redis.CounterStore;
import io.toutiao.cache.redis.JobScheduler;
import io.toutiao.cache.redis.RecentList;
import io.toutiao.cache.redis.RedisWorkerIdAssigner;
import io.toutiao.core.id.SnowflakeConfig;
import io.toutiao.core.id.SnowflakeIdGenerator;
import io.toutiao.feed.BehaviourSink;
import io.toutiao.feed.FeedArticle;
import io.toutiao.feed.FeedClient;
import io.toutiao.feed.FeedClientConfig;
import io.toutiao.feed.FeedPage;
import io.toutiao.feed.FeedRequest;
import io.toutiao.feed.FeedServer;
import io.toutiao.feed.FeedServiceBase;
import io.toutiao.feed.Track;
import io.toutiao.feed.TrackSigner;
import io.toutiao.feed.redis.RedisFeedRecommender;
import io.toutiao.feed.redis.RedisStreamBehaviourSink;
import io.toutiao.push.Notification;
import io.toutiao.push.PushConfig;
import io.toutiao.push.PushException;
import io.toutiao.push.PushPublisher;
import io.toutiao.push.PushServer;
import io.toutiao.push.PushUser;
import io.toutiao.search.ArticleSearch;
import io.toutiao.search.ChangeSync;
import io.toutiao.search.DocumentStore;
import io.toutiao.search.IndexManager;
import io.toutiao.search.IndexSpec;
import io.toutiao.search.SearchClientFactory;
import io.toutiao.search.Suggester;
import io.toutiao.storage.ImageUploadService;
import io.toutiao.storage.ImageValidator;
import io.toutiao.storage.ObjectStorage;
import io.toutiao.storage.local.LocalObjectStorage;
import io.toutiao.storage.qiniu.QiniuConfig;
import io.toutiao.storage.qiniu.QiniuObjectStorage;
import io.toutiao.testing.ElasticsearchServer;
import io.toutiao.testing.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The mini Toutiao backend: every toutiao-kit module wired the way a host application wires them,
 * behind the reference's HTTP API (see {@link Api}). Start it with {@link #start(BackendConfig)};
 * close it to stop the server and whatever embedded services it started.
 */
public final class MiniToutiao implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MiniToutiao.class);

  /**
   * Lifetime of the worker-id lease: ids keep flowing this long without Redis, and the first start
   * on an empty Redis waits about this long before the first id.
   */
  static final Duration WORKER_LEASE_TTL = Duration.ofSeconds(10);

  /** The search index's view of an article (the reference's fields). */
  public record SearchDocument(
      long article_id, long user_id, String title, String content, int status, String create_time) {

    static SearchDocument of(Database.Article a) {
      return new SearchDocument(
          a.id(), a.userId(), a.title(), a.content(), a.status(), a.createTime());
    }
  }

  final BackendConfig config;
  final List<String> choices = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  RedisClient redis;
  final RedisGuard redisGuard = new RedisGuard();
  ElasticsearchClient es;
  Database db;
  SnowflakeIdGenerator ids;
  TokenService tokens;
  private URI redisUri;
  private PushServer pushServer;
  PushPublisher push;
  TwoLevelCache<Long, Database.User> users;
  TwoLevelCache<Long, Database.Article> articles;
  final Map<String, CounterStore> counters = new LinkedHashMap<>();
  RecentList readingHistory;
  RecentList searchHistory;
  ObjectStorage storage;
  Path filesDir;
  ImageUploadService uploads;
  DocumentStore<SearchDocument> articleIndex;
  ChangeSync<SearchDocument> articleSync;
  OutboxRelay outbox;
  ArticleSearch search;
  Suggester suggester;
  JobScheduler jobs;
  TrackSigner trackSigner;
  RedisFeedRecommender recommender;
  FeedClient feed;
  BehaviourSink behaviour;
  final SmsOutbox sms = new SmsOutbox();
  private Javalin http;
  private int port;

  private MiniToutiao(BackendConfig config) {
    this.config = config;
  }

  /**
   * Starts the services (given or embedded), seeds the database, indexes the articles, corrects the
   * counters and starts serving HTTP.
   *
   * @param config where the services are
   * @return the running backend
   */
  public static MiniToutiao start(BackendConfig config) {
    MiniToutiao app = new MiniToutiao(config);
    try {
      app.port = config.port() == 0 ? freePort() : config.port();
      app.startServices();
      app.http = Api.create(app).start("127.0.0.1", app.port);
      app.choices.add("HTTP: Javalin (Jetty) on http://127.0.0.1:" + app.port());
      return app;
    } catch (RuntimeException | IOException e) {
      app.close();
      throw new IllegalStateException("could not start the mini backend: " + e.getMessage(), e);
    }
  }

  /** Redis timeout of every command and of waiting for a pooled connection. */
  static final Duration REDIS_TIMEOUT = Duration.ofMillis(250);

  /**
   * A Redis client whose commands and pool waits are bounded by {@link #REDIS_TIMEOUT}, so a frozen
   * Redis slows a request by at most that (the cache has its own, shorter bound).
   */
  private static RedisClient boundedRedis(URI uri) {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(32);
    pool.setMaxIdle(32);
    pool.setMaxWait(REDIS_TIMEOUT);
    return RedisClient.builder()
        .hostAndPort(JedisURIHelper.getHostAndPort(uri))
        .clientConfig(clientConfig(uri))
        .poolConfig(pool)
        .build();
  }

  /** The connection settings of a Redis URL, with {@link #REDIS_TIMEOUT}. */
  private static JedisClientConfig clientConfig(URI uri) {
    int millis = (int) REDIS_TIMEOUT.toMillis();
    DefaultJedisClientConfig.Builder client =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(millis)
            .socketTimeoutMillis(millis)
            .database(JedisURIHelper.getDBIndex(uri))
            .ssl(JedisURIHelper.isRedisSSLScheme(uri));
    if (JedisURIHelper.getPassword(uri) != null) {
      client.user(JedisURIHelper.getUser(uri)).password(JedisURIHelper.getPassword(uri));
    }
    return client.build();
  }

  private void startServices() throws IOException {
    // Redis: cache, counters, histories, leases, revocations
    if (config.redisUrl() == null) {
      RedisServer server = RedisServer.start();
      closeables.add(server);
      redisUri = server.uri();
      redis = boundedRedis(server.uri());
      choices.add("Redis: embedded redis-server at " + server.uri());
    } else {
      redisUri = config.redisUrl();
      redis = boundedRedis(config.redisUrl());
      redis.ping();
      choices.add(
          "Redis: "
              + config.redisUrl().getHost()
              + ":"
              + config.redisUrl().getPort()
              + " (TOUTIAO_REDIS_URL)");
    }
    closeables.add(0, redis);

    // Elasticsearch: articles and completions
    boolean embeddedEs = config.elasticsearchUrl() == null;
    if (embeddedEs) {
      ElasticsearchServer server = ElasticsearchServer.start();
      closeables.add(server);
      es = SearchClientFactory.create(server.httpUri());
      choices.add("Elasticsearch: embedded node at " + server.httpUri());
    } else {
      es = SearchClientFactory.create(config.elasticsearchUrl());
      choices.add("Elasticsearch: " + config.elasticsearchUrl() + " (TOUTIAO_ES_URL)");
    }
    closeables.add(0, () -> es._transport().close());
    IndexManager indexes = new IndexManager(es);
    // one node: no replicas; a real cluster gets the reference's 3 shards and 1 replica
    indexes.ensure(
        embeddedEs
            ? IndexSpec.articles().shards(1).replicas(0).build()
            : IndexSpec.articles().build());
    indexes.ensure(
        embeddedEs ? IndexSpec.completions().replicas(0).build() : IndexSpec.completions().build());
    choices.add("Chinese analyzer: " + indexes.chineseAnalyzer());
    articleIndex =
        new DocumentStore<>(
            es, "articles", SearchDocument.class, d -> Long.toString(d.article_id()));
    articleSync = new ChangeSync<>(es, "articles");
    search = new ArticleSearch(es, "articles");
    suggester = new Suggester(es, "completions", "articles");

    // the database
    db = new Database();
    closeables.add(0, db);
    choices.add("Database: H2 in memory (3 users, 7 articles seeded)");

    // ids: a worker id leased in Redis, kept alive and re-acquired in the background. On an empty
    // Redis the first window opens one TTL (plus the clock-skew bound) after the lease is taken.
    RedisWorkerIdAssigner assigner =
        RedisWorkerIdAssigner.builder(redis).datacenterId(0).ttl(WORKER_LEASE_TTL).build();
    closeables.add(0, assigner);
    ids =
        new SnowflakeIdGenerator(
            SnowflakeConfig.custom().datacenterId(0).workerIdAssigner(assigner).build());

    // tokens
    SigningKey key =
        config.jwtSecret() == null
            ? SigningKey.generate("k1", TokenAlgorithm.HS256)
            : SigningKey.hmacBase64("k1", TokenAlgorithm.HS256, config.jwtSecret());
    choices.add(
        "JWT: HS256, "
            + (config.jwtSecret() == null
                ? "random key for this run"
                : "key from TOUTIAO_JWT_SECRET")
            + ", revocations in Redis");
    // users and articles caches first: the token check asks the user cache for the status
    users =
        cache(
            CacheConfig.<Long, Database.User>builder("user-profile")
                .keyPattern("user:{}:profile")
                .codec(Codecs.json(Database.User.class))
                .ttl(Duration.ofSeconds(1800), Duration.ofSeconds(600))
                .loader(id -> db.user(id).orElse(null)));
    articles =
        cache(
            CacheConfig.<Long, Database.Article>builder("article-detail")
                .keyPattern("art:{}:detail")
                .codec(Codecs.json(Database.Article.class))
                .ttl(Duration.ofSeconds(3600), Duration.ofSeconds(600))
                .loader(id -> db.article(id).orElse(null)));
    tokens =
        new TokenService(
            TokenConfig.custom(KeyRing.of(key))
                .issuer("toutiao")
                .revocationStore(new RedisRevocationStore(redis))
                .userStatusChecker(
                    userId -> users.get(userId).map(u -> u.status() == 1).orElse(false))
                .build());

    for (String metric :
        List.of(
            CounterStore.USER_ARTICLES,
            CounterStore.USER_FOLLOWINGS,
            CounterStore.USER_FOLLOWERS,
            CounterStore.USER_LIKED,
            CounterStore.ARTICLE_LIKING,
            CounterStore.ARTICLE_READING,
            CounterStore.USER_ARTICLE_READING)) {
      counters.put(metric, new CounterStore(redis, metric));
    }
    readingHistory = RecentList.readingHistory(redis);
    searchHistory = RecentList.searchHistory(redis);

    // files
    if (config.qiniu() == null) {
      if (config.filesDir() != null) {
        filesDir = Files.createDirectories(config.filesDir());
      } else {
        filesDir = Files.createTempDirectory("toutiao-files");
        Path temporary = filesDir;
        // closed last: the temporary folder goes with the backend
        closeables.add(() -> deleteTree(temporary));
      }
      storage = new LocalObjectStorage(filesDir, "http://127.0.0.1:" + port + "/files");
      choices.add("Storage: local folder " + filesDir + " served at /files/");
    } else {
      BackendConfig.Qiniu q = config.qiniu();
      storage =
          new QiniuObjectStorage(
              QiniuConfig.builder(q.accessKey(), q.secretKey(), q.bucket(), q.domain())
                  .hosts(List.of(q.upHost()), q.rsHost(), q.apiHost())
                  .https(q.https())
                  .build());
      choices.add("Storage: Qiniu bucket " + q.bucket() + " via " + q.upHost());
    }
    uploads = new ImageUploadService(ImageValidator.builder().deepCheck(true).build(), storage);

    // the search index follows the database; the counters are corrected from it
    syncSearchIndex();
    startFeed();
    startPush();
    outbox = new OutboxRelay(this);
    closeables.add(0, outbox);
    jobs = new JobScheduler(redis, "mini-toutiao-" + ProcessHandle.current().pid());
    closeables.add(0, jobs);
    jobs.scheduleDaily(
        "counter-correction",
        LocalTime.of(3, 0),
        ZoneId.of("Asia/Shanghai"),
        this::correctCounters);
    correctCounters();
    choices.add(
        "Counter correction: daily at 03:00 Asia/Shanghai, and POST /v1_0/admin/counters/correction");
  }

  /** The one channel of the demo's articles (the schema has no channel column). */
  static final int FEED_CHANNEL = 1;

  /**
   * The home feed: a recommendation server over gRPC (embedded on a free loopback port, or the one
   * at TOUTIAO_FEED_ADDRESS), the client with the database's newest approved articles as fallback,
   * and the behaviour sink.
   */
  private void startFeed() {
    byte[] secret;
    if (config.trackSecret() == null) {
      secret = new byte[32];
      new SecureRandom().nextBytes(secret);
    } else {
      secret = Base64.getDecoder().decode(config.trackSecret());
    }
    trackSigner = TrackSigner.builder().key("t1", secret).build();
    recommender = RedisFeedRecommender.builder(redis, trackSigner).build();
    for (Map.Entry<Database.Article, Long> row : db.articlesWithVersions()) {
      addToFeed(row.getKey());
    }
    FeedClientConfig feedConfig =
        FeedClientConfig.custom()
            .deadline(Duration.ofSeconds(2))
            .fallback(this::newestFromDatabase)
            .build();
    if (config.feedAddress() == null) {
      FeedServer server =
          FeedServer.builder(FeedServiceBase.of(recommender))
              .host("127.0.0.1")
              .port(0)
              .build()
              .start();
      closeables.add(0, server);
      feed = FeedClient.forAddress("127.0.0.1", server.port(), feedConfig);
      choices.add("Feed: embedded recommendation server (gRPC) on 127.0.0.1:" + server.port());
    } else {
      String[] hostPort = config.feedAddress().split(":");
      feed = FeedClient.forAddress(hostPort[0], Integer.parseInt(hostPort[1]), feedConfig);
      choices.add(
          "Feed: recommendation service at " + config.feedAddress() + " (TOUTIAO_FEED_ADDRESS)");
    }
    closeables.add(0, feed);
    behaviour = new RedisStreamBehaviourSink(redis);
  }

  /**
   * Notifications: a Socket.IO push node on loopback (TOUTIAO_PUSH_PORT, 9092 by default) that
   * checks the app's access tokens, and the publisher the API sends follow and like notifications
   * with. The chat echo of the reference's demo is on.
   */
  private void startPush() {
    PushConfig pushConfig =
        PushConfig.builder().host("127.0.0.1").port(config.pushPort()).echoMessages(true).build();
    pushServer =
        PushServer.builder(
                redis,
                JedisURIHelper.getHostAndPort(redisUri),
                clientConfig(redisUri),
                token -> new PushUser(Long.toString(tokens.verifyAccess(token).userId())))
            .config(pushConfig)
            .build()
            .start();
    closeables.add(0, pushServer);
    push = new PushPublisher(redis, pushConfig);
    choices.add(
        "Push: Socket.IO node on 127.0.0.1:"
            + pushServer.port()
            + " (token as ?token= or in the auth payload), fanned out through Redis");
  }

  /**
   * Sends a notification, best effort: the action it reports has happened already; when Redis
   * refuses, the notification is logged as lost instead of failing the request.
   */
  void notifyUser(long userId, Notification notification) {
    try {
      push.notify(Long.toString(userId), notification);
    } catch (PushException e) {
      log.warn("notification {} to user {} not sent: {}", notification, userId, e.getMessage());
    }
  }

  /**
   * Returns the port of the push node.
   *
   * @return the Socket.IO port
   */
  public int pushPort() {
    return pushServer.port();
  }

  /**
   * Returns the push node's counters.
   *
   * @return a snapshot
   */
  public PushServer.Stats pushStats() {
    return pushServer.stats();
  }

  /** Puts an approved article into its channel's feed (idempotent). */
  void addToFeed(Database.Article article) {
    if (article.status() == Database.APPROVED) {
      recommender.publish(
          FEED_CHANNEL, article.id(), Instant.parse(article.createTime()).toEpochMilli());
    }
  }

  private FeedPage newestFromDatabase(FeedRequest request) {
    if (request.channelId() != FEED_CHANNEL) {
      return FeedPage.of(List.of(), 0, "");
    }
    List<Database.Article> rows = db.approvedOlderThan(request.olderThan(), request.articleNum());
    List<FeedArticle> page = new ArrayList<>();
    rows.forEach(a -> page.add(new FeedArticle(a.id(), Track.NONE)));
    long next =
        rows.size() < request.articleNum()
            ? 0
            : Instant.parse(rows.get(rows.size() - 1).createTime()).toEpochMilli();
    return FeedPage.of(page, next, "");
  }

  private <K, V> TwoLevelCache<K, V> cache(CacheConfig.Builder<K, V> builder) {
    TwoLevelCache<K, V> cache =
        new TwoLevelCache<>(builder.redisTimeout(Duration.ofMillis(150)).build(), redis);
    closeables.add(0, cache);
    return cache;
  }

  /** Applies every database row to the search index with its update time as version. */
  ChangeSync.Result syncSearchIndex() {
    List<ChangeSync.Change<SearchDocument>> changes = new ArrayList<>();
    List<Map.Entry<Database.Article, Long>> rows = db.articlesWithVersions();
    for (Map.Entry<Database.Article, Long> row : rows) {
      changes.add(
          new ChangeSync.Change<>(
              Long.toString(row.getKey().id()), row.getValue(), SearchDocument.of(row.getKey())));
    }
    ChangeSync.Result result = articleSync.apply(changes);
    List<Database.Article> approved =
        rows.stream().map(Map.Entry::getKey).filter(a -> a.status() == Database.APPROVED).toList();
    Map<Long, String> failed = addCompletions(approved);
    if (!failed.isEmpty()) {
      throw new IllegalStateException("could not index the completions: " + failed);
    }
    refreshSearch();
    return result;
  }

  /**
   * Waits until every published article has been applied to search, suggestions and counters, then
   * refreshes the indexes so searches see them (the relay needs milliseconds; tests and the tour
   * wait so that what they print is deterministic).
   *
   * @param timeout how long at most
   * @return true when the outbox was emptied in time
   */
  public boolean awaitOutbox(Duration timeout) {
    try {
      boolean empty = outbox.awaitEmpty(timeout);
      if (empty) {
        refreshSearch();
      }
      return empty;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Adds the titles of several articles to the suggestions in one bulk request.
   *
   * @param articles the articles
   * @return the ids that failed, with the reason
   * @throws IllegalStateException when the whole request fails
   */
  Map<Long, String> addCompletions(List<Database.Article> articles) {
    Map<Long, String> failed = new LinkedHashMap<>();
    if (articles.isEmpty()) {
      return failed;
    }
    try {
      var response =
          es.bulk(
              b -> {
                for (Database.Article article : articles) {
                  b.operations(
                      o ->
                          o.index(
                              i ->
                                  i.index("completions")
                                      .id(Long.toString(article.id()))
                                      .document(Map.of("suggest", List.of(article.title())))));
                }
                return b;
              });
      for (var item : response.items()) {
        if (item.error() != null) {
          failed.put(Long.parseLong(item.id()), item.error().type() + ": " + item.error().reason());
        }
      }
      return failed;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("could not index the completions: " + e, e);
    }
  }

  void refreshSearch() {
    try {
      es.indices().refresh(r -> r.index("articles", "completions"));
    } catch (IOException e) {
      throw new IllegalStateException("could not refresh the indexes: " + e.getMessage(), e);
    }
  }

  /**
   * The nightly correction: recomputes every counter from the database and replaces it.
   *
   * @return counter key to what the rebuild did
   */
  public Map<String, CounterStore.RebuildResult> correctCounters() {
    Map<String, CounterStore.RebuildResult> results = new LinkedHashMap<>();
    db.trueCounts()
        .forEach((key, rows) -> results.put(key, counters.get(key).rebuild(rows.iterator())));
    log.info("counters corrected: {}", results);
    return results;
  }

  /**
   * @return the HTTP port
   */
  public int port() {
    return port;
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * @return the base URL, e.g. {@code http://127.0.0.1:8080}
   */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /**
   * @return what the backend chose at start-up (embedded or configured services)
   */
  public List<String> choices() {
    return List.copyOf(choices);
  }

  /**
   * @return the SMS messages "sent" (the demo prints codes instead of sending them)
   */
  public SmsOutbox sms() {
    return sms;
  }

  /**
   * @return statistics of the user and article caches
   */
  public Map<String, CacheStats> cacheStats() {
    return Map.of("user-profile", users.stats(), "article-detail", articles.stats());
  }

  /**
   * Disables or enables a user (status 0 or 1) and drops the cached profile.
   *
   * @param userId the user
   * @param enabled false to refuse the user's tokens
   */
  public void setUserEnabled(long userId, boolean enabled) {
    db.setStatus(userId, enabled ? 1 : 0);
    users.invalidate(userId);
  }

  Optional<Database.User> user(long id) {
    return users.get(id);
  }

  /**
   * Deletes a folder and everything in it.
   *
   * @param root the folder
   * @throws IOException when something cannot be deleted
   */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /**
   * Stops the HTTP server and every service the backend started, and removes its temporary folder.
   */
  @Override
  public void close() {
    if (http != null) {
      http.stop();
    }
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", c, e.toString());
      }
    }
    closeables.clear();
  }
}
