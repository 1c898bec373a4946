package io.toutiao.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.testing.FaultProxy;
import io.toutiao.testing.JavaProcess;
import io.toutiao.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * Attacks the cache's promises at their worst moments, on a real Redis of its own: bounded
 * staleness across JVMs while the subscription is killed ten times or frozen open, an invalidation
 * racing a read in flight, Redis frozen for 20 s under 16 readers, 16 caches on one default client,
 * the round trips of a cold miss, the L1 key map under distinct misses, and the first invalidation
 * after a restart.
 */
class CacheFaultIT {

  private static final Logger LOG = LoggerFactory.getLogger(CacheFaultIT.class);
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** The default bound plus what two JVMs' clocks and println add on a loaded 2-core machine. */
  private static final long BOUND_MILLIS = 2000;

  private static final long MARGIN_MILLIS = 300;

  private static RedisServer redis;
  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void clean() {
    redis.ensureRunning();
    if (redis.isPaused()) {
      redis.resume();
    }
    redis.flushAll();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T closeable) {
    toClose.add(closeable);
    return closeable;
  }

  private RedisClient client() {
    return closing(RedisClient.create(redis.host(), redis.port()));
  }

  private TwoLevelCache<Long, String> stringCache(RedisClient client, RedisClient database) {
    return closing(
        new TwoLevelCache<>(
            CacheConfig.<Long, String>builder("fault")
                .codec(Codecs.string())
                .loader(key -> database.get("db:" + key))
                .build(),
            client));
  }

  private JavaProcess reader(int busPort) {
    JavaProcess child =
        closing(
            JavaProcess.builder(CacheReaderMain.class)
                .args(
                    redis.host(),
                    Integer.toString(redis.port()),
                    "127.0.0.1",
                    Integer.toString(busPort),
                    "1")
                .name("reader")
                .start());
    child.awaitLine(line -> line.equals("started"), WAIT);
    return child;
  }

  /**
   * Writes version {@code v} to the database, invalidates, and returns how long after {@code
   * invalidate} returned the reader first saw it.
   */
  private static long staleWindow(
      JavaProcess reader, TwoLevelCache<Long, String> cache, RedisClient database, long v) {
    database.set("db:1", Long.toString(v));
    cache.invalidate(1L);
    long returned = System.currentTimeMillis();
    String seen = reader.awaitLine(line -> line.startsWith("seen " + v + " "), WAIT);
    return Long.parseLong(seen.split(" ")[2]) - returned;
  }

  private static void assertNoRegression(JavaProcess reader) {
    assertThat(reader.lines()).noneMatch(line -> line.startsWith("regression"));
  }

  @Test
  void killedSubscriptionsTenTimesInARowKeepStalenessWithinTheBound() {
    RedisClient database = client();
    database.set("db:1", "0");
    TwoLevelCache<Long, String> writer = stringCache(client(), database);
    JavaProcess reader = reader(0);
    reader.awaitLine(line -> line.startsWith("seen 0 "), WAIT);

    List<Long> windows = new ArrayList<>();
    for (int v = 1; v <= 10; v++) {
      redis.command("CLIENT", "KILL", "TYPE", "pubsub");
      windows.add(staleWindow(reader, writer, database, v));
    }
    LOG.info("stale windows after CLIENT KILL TYPE pubsub (ms): {}", windows);
    assertThat(windows).allSatisfy(w -> assertThat(w).isLessThan(BOUND_MILLIS + MARGIN_MILLIS));
    assertNoRegression(reader);
  }

  @Test
  void aSubscriptionFrozenOpenKeepsStalenessWithinTheBoundAndIsReplaced() throws Exception {
    RedisClient database = client();
    database.set("db:1", "0");
    TwoLevelCache<Long, String> writer = stringCache(client(), database);
    FaultProxy proxy = closing(FaultProxy.start(redis.host(), redis.port()));
    JavaProcess reader = reader(proxy.port());
    reader.awaitLine(line -> line.startsWith("seen 0 "), WAIT);
    Thread.sleep(1000);

    List<Long> windows = new ArrayList<>();
    for (int v = 1; v <= 3; v++) {
      proxy.freeze();
      // the worst moment: right after the last heartbeat got through
      windows.add(staleWindow(reader, writer, database, v));
      Thread.sleep(500);
      proxy.thaw();
      Thread.sleep(1500);
    }
    LOG.info("stale windows with the subscriber connection frozen open (ms): {}", windows);
    assertThat(windows).allSatisfy(w -> assertThat(w).isLessThan(BOUND_MILLIS + MARGIN_MILLIS));
    assertNoRegression(reader);
    reader.writeLine("stop");
    String done = reader.awaitLine(line -> line.startsWith("done "), WAIT);
    LOG.info("reader: {}", done);
    assertThat(Long.parseLong(done.split(" ")[2])).as("silent subscriptions replaced").isPositive();
  }

  @Test
  void aReadThatStartedBeforeAnInvalidationNeverInstallsItsValueInL1() throws Exception {
    RedisClient database = client();
    database.set("db:1", "old");
    CountDownLatch decoding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean blockNextDecode = new AtomicBoolean();
    Codec<String> slow =
        new Codec<>() {
          @Override
          public byte[] encode(String value) {
            return value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
          }

          @Override
          public String decode(byte[] bytes) throws Exception {
            if (blockNextDecode.compareAndSet(true, false)) {
              decoding.countDown();
              release.await();
            }
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
          }
        };
    CacheConfig<Long, String> config =
        CacheConfig.<Long, String>builder("race")
            .codec(slow)
            .loader(key -> database.get("db:" + key))
            .build();
    TwoLevelCache<Long, String> a = closing(new TwoLevelCache<>(config, client()));
    TwoLevelCache<Long, String> b = closing(new TwoLevelCache<>(config, client()));
    awaitProven(a);
    awaitProven(b);
    b.get(1L); // "old" is now in Redis
    assertThat(redis.command("GET", "race:1")).isEqualTo("old");

    blockNextDecode.set(true);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<Optional<String>> read = pool.submit(() -> a.get(1L));
    assertThat(decoding.await(10, TimeUnit.SECONDS)).isTrue();
    database.set("db:1", "new");
    b.invalidate(1L);
    awaitDelivered(a);
    release.countDown();
    assertThat(read.get(10, TimeUnit.SECONDS)).contains("old");
    pool.shutdown();

    assertThat(a.l1Keys()).as("the old value was refused at install").doesNotContain("race:1");
    assertThat(a.get(1L)).contains("new");

    // the same race with the loader in flight
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    CacheConfig<Long, String> slowLoad =
        CacheConfig.<Long, String>builder("race2")
            .codec(Codecs.string())
            .loader(
                key -> {
                  String value = database.get("db:" + key);
                  loading.countDown();
                  finish.await();
                  return value;
                })
            .build();
    TwoLevelCache<Long, String> c = closing(new TwoLevelCache<>(slowLoad, client()));
    TwoLevelCache<Long, String> d = closing(new TwoLevelCache<>(slowLoad, client()));
    awaitProven(c);
    database.set("db:2", "old");
    ExecutorService second = Executors.newSingleThreadExecutor();
    Future<Optional<String>> load = second.submit(() -> c.get(2L));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
    database.set("db:2", "new");
    d.invalidate(2L);
    awaitDelivered(c);
    finish.countDown();
    assertThat(load.get(10, TimeUnit.SECONDS)).contains("old");
    second.shutdown();
    assertThat(c.l1Keys()).doesNotContain("race2:2");
    assertThat(redis.command("EXISTS", "race2:2"))
        .as("the stale load is not stored in Redis either")
        .isEqualTo(0L);
  }

  @Test
  void redisFrozenForTwentySecondsKeepsEveryReadWithinItsBudget() throws Exception {
    RedisClient client = client();
    Map<Long, String> rows = new HashMap<>();
    for (long id = 0; id < 200; id++) {
      rows.put(id, "row" + id);
    }
    TwoLevelCache<Long, String> cache =
        closing(
            new TwoLevelCache<>(
                CacheConfig.<Long, String>builder("frozen")
                    .codec(Codecs.string())
                    .loader(
                        id -> {
                          Thread.sleep(5);
                          return rows.get(id);
                        })
                    .build(),
                client));
    awaitProven(cache);
    for (long id = 0; id < 200; id++) {
      cache.get(id);
    }
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong slowest = new AtomicLong();
    AtomicLong reads = new AtomicLong();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    for (int t = 0; t < 16; t++) {
      long seed = t;
      pool.submit(
          () -> {
            long id = seed;
            while (running.get()) {
              long start = System.nanoTime();
              try {
                assertThat(cache.get(id % 200)).contains("row" + (id % 200));
              } catch (Throwable e) {
                errors.add(e);
              }
              slowest.accumulateAndGet(
                  TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
              reads.incrementAndGet();
              id += 7;
            }
          });
    }
    Thread.sleep(500);
    redis.pause();
    try {
      Thread.sleep(20_000);
    } finally {
      redis.resume();
    }
    Thread.sleep(1000);
    running.set(false);
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    LOG.info(
        "Redis frozen 20 s: {} reads, slowest {} ms, stats {}",
        reads.get(),
        slowest.get(),
        cache.stats());
    assertThat(errors).isEmpty();
    // budget: one Redis step (500 ms) + the loader (5 ms) + scheduling on 2 shared cores
    assertThat(slowest.get()).isLessThan(1000);
    assertThat(cache.stats().degradedLoads()).isPositive();
    await(() -> cacheUsesRedis(cache), "Redis is used again");
  }

  private final AtomicLong freshKeys = new AtomicLong(10_000);

  /** Reads a key not in L1, so the read asks Redis (and lets the breaker probe once it may). */
  private boolean cacheUsesRedis(TwoLevelCache<Long, String> cache) {
    cache.get(freshKeys.incrementAndGet());
    return !cache.stats().circuitOpen();
  }

  @Test
  void sixteenCachesOnOneDefaultClientServeColdReadsAndHoldNoPooledConnection() throws Exception {
    RedisClient client = client();
    List<TwoLevelCache<Long, String>> caches = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      caches.add(
          closing(
              new TwoLevelCache<>(
                  CacheConfig.<Long, String>builder("many" + i)
                      .codec(Codecs.string())
                      .loader(id -> "v" + id)
                      .build(),
                  client)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<Optional<String>>> reads = new ArrayList<>();
    for (TwoLevelCache<Long, String> cache : caches) {
      for (long id = 0; id < 4; id++) {
        long key = id;
        reads.add(pool.submit(() -> cache.get(key)));
      }
    }
    for (Future<Optional<String>> read : reads) {
      assertThat(read.get(10, TimeUnit.SECONDS)).isPresent();
    }
    pool.shutdown();
    InvalidationBus bus = caches.get(0).invalidationBus();
    assertThat(caches).allSatisfy(cache -> assertThat(cache.invalidationBus()).isSameAs(bus));
    assertThat(bus.stats().caches()).isEqualTo(16);
    await(bus::isProven, "the shared subscription is proven");
    assertThat(client.getPool().getNumActive()).as("pooled connections held").isZero();
    String subscribers = (String) redis.command("CLIENT", "LIST", "TYPE", "pubsub");
    assertThat(subscribers.lines().count()).as("subscriber connections").isEqualTo(1);
  }

  @Test
  void aColdMissCostsThreeRoundTripsAndPublishesNothing() throws Exception {
    RedisClient client = client();
    TwoLevelCache<Long, String> cache =
        closing(
            new TwoLevelCache<>(
                CacheConfig.<Long, String>builder("trips")
                    .codec(Codecs.string())
                    .loader(id -> "v" + id)
                    .build(),
                client));
    awaitProven(cache);
    cache.get(0L); // warm the pool
    long heartbeats = cache.invalidationBus().stats().heartbeatsSent();
    redis.command("CONFIG", "RESETSTAT");
    assertThat(cache.get(1L)).contains("v1");
    String stats = (String) redis.command("INFO", "commandstats");
    long published = cache.invalidationBus().stats().heartbeatsSent() - heartbeats;
    // Redis counts the commands a script runs too: the release script's GET and DEL.
    assertThat(calls(stats, "get")).as(stats).isEqualTo(2);
    assertThat(calls(stats, "set")).as("lease SET NX and the value's SET").isEqualTo(2);
    assertThat(calls(stats, "eval")).as("the lease release, pipelined with the SET").isEqualTo(1);
    assertThat(calls(stats, "del")).as("inside the release script").isEqualTo(1);
    assertThat(calls(stats, "publish")).as("no broadcast on a fill").isLessThanOrEqualTo(published);
  }

  @Test
  void aColdMissWaitsForThreeRoundTrips() {
    FaultProxy proxy = closing(FaultProxy.start(redis.host(), redis.port()));
    RedisClient client = closing(RedisClient.create(proxy.host(), proxy.port()));
    TwoLevelCache<Long, String> cache =
        closing(
            new TwoLevelCache<>(
                CacheConfig.<Long, String>builder("latency")
                    .codec(Codecs.string())
                    .redisTimeout(Duration.ofSeconds(2))
                    .loader(id -> "v" + id)
                    .build(),
                client));
    for (long id = 100; id < 110; id++) {
      cache.get(id); // connections made before the latency
    }
    proxy.latency(Duration.ofMillis(100)); // each way: 200 ms per round trip
    long start = System.nanoTime();
    assertThat(cache.get(1L)).contains("v1");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    LOG.info("cold miss with 200 ms round trips: {} ms", millis);
    assertThat(millis).as("three round trips, not four").isBetween(600L, 790L);
  }

  private static long calls(String commandStats, String command) {
    return commandStats
        .lines()
        .filter(line -> line.startsWith("cmdstat_" + command + ":"))
        .map(line -> line.replaceAll("^cmdstat_[a-z]+:calls=(\\d+),.*", "$1"))
        .mapToLong(Long::parseLong)
        .findFirst()
        .orElse(0);
  }

  @Test
  void theL1KeyMapStaysWithinTheL1SizeUnderDistinctMisses() {
    RedisClient client = client();
    TwoLevelCache<Long, String> cache =
        closing(
            new TwoLevelCache<>(
                CacheConfig.<Long, String>builder("bounded")
                    .codec(Codecs.string())
                    .l1(1000, Duration.ofSeconds(30))
                    .loader(id -> null)
                    .batchLoader(ids -> Map.of())
                    .build(),
                client));
    for (long chunk = 0; chunk < 100; chunk++) {
      List<Long> ids = new ArrayList<>();
      for (long i = 0; i < 1000; i++) {
        ids.add(chunk * 1000 + i);
      }
      cache.getAll(ids);
    }
    cache.l1().cleanUp();
    assertThat(cache.l1().mappedKeys()).isLessThanOrEqualTo(1000);
  }

  @Test
  void theFirstInvalidationAfterARedisRestartSucceeds() {
    RedisClient client = client();
    TwoLevelCache<Long, String> cache =
        closing(
            new TwoLevelCache<>(
                CacheConfig.<Long, String>builder("restart")
                    .codec(Codecs.string())
                    .loader(id -> "v" + id)
                    .build(),
                client));
    for (long id = 0; id < 20; id++) {
      cache.get(id); // several pooled connections, all to die with the restart
    }
    redis.restart();
    assertThatCode(() -> cache.invalidate(1L)).doesNotThrowAnyException();
    redis.stop();
    assertThatThrownBy(() -> cache.invalidate(1L))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("restart:1");
    redis.restart();
  }

  private static void awaitProven(TwoLevelCache<?, ?> cache) {
    await(() -> cache.invalidationBus().isProven(), "the subscription is proven");
  }

  /** Waits until two heartbeats sent after now came back: everything published before is in. */
  private static void awaitDelivered(TwoLevelCache<?, ?> cache) {
    long received = cache.invalidationBus().stats().heartbeatsReceived();
    await(
        () -> cache.invalidationBus().stats().heartbeatsReceived() >= received + 2,
        "later heartbeats came back");
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
