package io.toutiao.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** The two-level cache's behaviour, run against standalone Redis and Redis Cluster. */
abstract class TwoLevelCacheContract {

  record Profile(long id, String name) {}

  /** A new client: each cache instance gets its own, as separate nodes would. */
  abstract UnifiedJedis newClient();

  /** Runs a command on whichever node holds the key. */
  abstract Object command(String key, String... args);

  /** Runs a command on every node. */
  abstract void commandOnAllNodes(String... args);

  final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
  final Map<Long, Profile> database = new ConcurrentHashMap<>();
  final AtomicInteger loads = new AtomicInteger();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  CacheConfig.Builder<Long, Profile> config(String name) {
    return CacheConfig.<Long, Profile>builder(name)
        .keyPattern(name + ":{}:profile")
        .codec(Codecs.json(Profile.class))
        .loader(
            id -> {
              loads.incrementAndGet();
              return database.getOrDefault(id, id >= 5000 ? new Profile(id, "db") : null);
            });
  }

  TwoLevelCache<Long, Profile> node(CacheConfig<Long, Profile> config) {
    UnifiedJedis client = newClient();
    TwoLevelCache<Long, Profile> cache = new TwoLevelCache<>(config, client);
    toClose.add(client);
    toClose.add(cache);
    // A new node clears its L1 once subscribed (invalidations may have been missed before); wait
    // for
    // that, so tests count hits deterministically. Redis may be down on purpose: then go on.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (cache.stats().l1Resyncs() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    return cache;
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void readsThroughAndFillsBothLevels() {
    database.put(1L, new Profile(1, "头条"));
    CacheConfig<Long, Profile> config = config("rt").build();
    TwoLevelCache<Long, Profile> a = node(config);
    TwoLevelCache<Long, Profile> b = node(config);

    assertThat(a.get(1L)).contains(new Profile(1, "头条"));
    assertThat(a.get(1L)).contains(new Profile(1, "头条"));
    assertThat(b.get(1L)).contains(new Profile(1, "头条"));

    assertThat(loads.get()).isEqualTo(1);
    assertThat(a.stats().l1Hits()).isEqualTo(1);
    assertThat(b.stats().l2Hits()).isEqualTo(1);
    assertThat((String) command("rt:1:profile", "GET", "rt:1:profile")).contains("头条");
  }

  @Test
  void absentRecordsAreCachedInBothLevelsWithTheNullTtl() {
    TwoLevelCache<Long, Profile> a = node(config("absent").build());
    TwoLevelCache<Long, Profile> b = node(config("absent").build());
    for (int i = 0; i < 1000; i++) {
      assertThat(a.get(404L)).isEmpty();
      assertThat(b.get(404L)).isEmpty();
    }
    assertThat(loads.get()).isEqualTo(1);
    assertThat(command("absent:404:profile", "GET", "absent:404:profile")).isEqualTo("-1");
    assertThat((Long) command("absent:404:profile", "PTTL", "absent:404:profile"))
        .isBetween(290_000L, 360_000L);
  }

  @Test
  void aHerdOnOneColdKeyAcrossNodesLoadsOnce() throws Exception {
    database.put(7L, new Profile(7, "hot"));
    CacheConfig<Long, Profile> config =
        CacheConfig.<Long, Profile>builder("herd")
            .codec(Codecs.json(Profile.class))
            .loader(
                id -> {
                  loads.incrementAndGet();
                  Thread.sleep(100);
                  return database.get(id);
                })
            .build();
    List<TwoLevelCache<Long, Profile>> nodes = List.of(node(config), node(config), node(config));
    int threadsPerNode = 8;
    CyclicBarrier start = new CyclicBarrier(nodes.size() * threadsPerNode);
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size() * threadsPerNode);
    List<Future<Optional<Profile>>> results = new ArrayList<>();
    for (TwoLevelCache<Long, Profile> node : nodes) {
      for (int t = 0; t < threadsPerNode; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return node.get(7L);
                }));
      }
    }
    for (Future<Optional<Profile>> result : results) {
      assertThat(result.get(30, TimeUnit.SECONDS)).contains(new Profile(7, "hot"));
    }
    pool.shutdown();
    assertThat(loads.get()).as("loader calls across 3 nodes x 8 threads").isEqualTo(1);
  }

  @Test
  void getIfPresentLooksWithoutLoadingAndAPerCallLoaderLoadsOnceAcrossNodes() throws Exception {
    CacheConfig<Long, Profile> config = config("percall").build();
    List<TwoLevelCache<Long, Profile>> nodes = List.of(node(config), node(config), node(config));
    TwoLevelCache<Long, Profile> a = nodes.get(0);
    assertThat(a.getIfPresent(11L)).as("held nowhere").isNull();
    assertThat(loads.get()).as("the configured loader is not called").isZero();

    AtomicInteger perCall = new AtomicInteger();
    int threadsPerNode = 6;
    CyclicBarrier start = new CyclicBarrier(nodes.size() * threadsPerNode);
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size() * threadsPerNode);
    List<Future<Optional<Profile>>> results = new ArrayList<>();
    for (TwoLevelCache<Long, Profile> node : nodes) {
      for (int t = 0; t < threadsPerNode; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return node.get(
                      11L,
                      id -> {
                        perCall.incrementAndGet();
                        Thread.sleep(100);
                        return new Profile(id, "given");
                      });
                }));
      }
    }
    for (Future<Optional<Profile>> result : results) {
      assertThat(result.get(30, TimeUnit.SECONDS)).contains(new Profile(11, "given"));
    }
    pool.shutdown();
    // one load for 18 callers; a second is right when a node's L1 was resynced during the first
    // (its result is then not written back, as a load overtaken by an invalidation), which a
    // loaded machine can cause by delaying a heartbeat
    assertThat(perCall.get()).as("per-call loads across 3 nodes x 6 threads").isBetween(1, 2);
    assertThat(loads.get()).isZero();

    TwoLevelCache<Long, Profile> fresh = node(config);
    long l2Hits = fresh.stats().l2Hits();
    assertThat(fresh.getIfPresent(11L)).as("from Redis").contains(new Profile(11, "given"));
    assertThat(fresh.stats().l2Hits()).isEqualTo(l2Hits + 1);
    assertThat(fresh.getIfPresent(11L)).as("now from L1").contains(new Profile(11, "given"));
    assertThat(fresh.stats().l2Hits()).isEqualTo(l2Hits + 1);

    assertThat(a.get(12L, id -> null)).as("absent").isEmpty();
    assertThat(nodes.get(1).getIfPresent(12L)).as("cached as absent").isEmpty();
    a.invalidate(12L);
    assertThat(fresh.getIfPresent(12L)).isNull();
  }

  @Test
  void loaderFailuresAreNotCached() {
    AtomicInteger calls = new AtomicInteger();
    TwoLevelCache<Long, Profile> cache =
        node(
            CacheConfig.<Long, Profile>builder("fail")
                .codec(Codecs.json(Profile.class))
                .loader(
                    id -> {
                      if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("database down");
                      }
                      return new Profile(id, "ok");
                    })
                .build());

    assertThatThrownBy(() -> cache.get(3L))
        .isInstanceOf(CacheLoadException.class)
        .hasMessageContaining("fail:3")
        .hasRootCauseMessage("database down");
    assertThat(cache.get(3L)).contains(new Profile(3, "ok"));
    assertThat(cache.stats().loadFailures()).isEqualTo(1);
  }

  @Test
  void ttlsAreSpreadAcrossTheJitterWindow() {
    TwoLevelCache<Long, Profile> cache = node(config("jitter").build());
    List<Long> ids = new ArrayList<>();
    for (long id = 0; id < 1000; id++) {
      database.put(id, new Profile(id, "p" + id));
      ids.add(id);
    }
    cache.getAll(ids);

    long min = Long.MAX_VALUE;
    long max = 0;
    for (long id : ids) {
      String key = "jitter:" + id + ":profile";
      long pttl = (Long) command(key, "PTTL", key);
      min = Math.min(min, pttl);
      max = Math.max(max, pttl);
    }
    assertThat(min).isGreaterThan(1_790_000L);
    assertThat(max).isLessThan(2_400_000L);
    assertThat(max - min).as("spread of 1000 TTLs over a 600 s window").isGreaterThan(500_000L);
  }

  @Test
  void invalidationReachesTheOtherNodesL1() throws Exception {
    database.put(5L, new Profile(5, "old"));
    CacheConfig<Long, Profile> config = config("inv").build();
    TwoLevelCache<Long, Profile> a = node(config);
    TwoLevelCache<Long, Profile> b = node(config);
    await(() -> a.stats().l1Resyncs() > 0 && b.stats().l1Resyncs() > 0, "both nodes subscribed");
    assertThat(a.get(5L)).contains(new Profile(5, "old"));
    assertThat(b.get(5L)).contains(new Profile(5, "old"));

    database.put(5L, new Profile(5, "new"));
    a.invalidate(5L);

    await(() -> b.get(5L).equals(Optional.of(new Profile(5, "new"))), "node b sees the new value");
    assertThat(a.get(5L)).contains(new Profile(5, "new"));
  }

  @Test
  void aBrokenSubscriptionClearsL1WhenItReconnects() throws Exception {
    database.put(6L, new Profile(6, "x"));
    TwoLevelCache<Long, Profile> cache = node(config("resync").build());
    await(() -> cache.stats().l1Resyncs() == 1, "subscribed");
    cache.get(6L);
    assertThat(cache.l1Keys()).contains("resync:6:profile");

    commandOnAllNodes("CLIENT", "KILL", "TYPE", "pubsub");

    await(() -> cache.stats().l1Resyncs() >= 2, "resubscribed");
    assertThat(cache.l1Keys()).doesNotContain("resync:6:profile");
  }

  @Test
  void corruptBytesInRedisAreAMissAndGetOverwritten() {
    database.put(8L, new Profile(8, "fixed"));
    command("corrupt:8:profile", "SET", "corrupt:8:profile", "{not json");
    TwoLevelCache<Long, Profile> cache = node(config("corrupt").build());

    assertThat(cache.get(8L)).contains(new Profile(8, "fixed"));
    assertThat((String) command("corrupt:8:profile", "GET", "corrupt:8:profile")).contains("fixed");
  }

  @Test
  void putRefusesAValueTheCodecCannotWrite() {
    Codec<Profile> picky =
        new Codec<>() {
          @Override
          public byte[] encode(Profile value) {
            throw new IllegalArgumentException("cannot encode " + value.name());
          }

          @Override
          public Profile decode(byte[] bytes) {
            return null;
          }
        };
    TwoLevelCache<Long, Profile> cache =
        node(CacheConfig.<Long, Profile>builder("picky").codec(picky).loader(id -> null).build());

    assertThatThrownBy(() -> cache.put(1L, new Profile(1, "bad")))
        .isInstanceOf(CacheCodecException.class)
        .hasMessageContaining("picky:1");
    assertThatThrownBy(() -> cache.get(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key must not be null");
  }

  @Test
  void theBloomFilterTurnsAwayUnknownKeysWithoutRedisOrLoader() {
    BloomFilter known = BloomFilter.create(1000, 0.01);
    for (long id = 0; id < 100; id++) {
      database.put(id, new Profile(id, "p"));
      known.put("bloom:" + id + ":profile");
    }
    TwoLevelCache<Long, Profile> cache = node(config("bloom").bloomFilter(known).build());

    for (long id = 10_000; id < 12_000; id++) {
      assertThat(cache.get(id)).isEmpty();
    }
    assertThat(cache.get(5L)).isPresent();
    assertThat(loads.get()).isEqualTo(1);
    assertThat(cache.stats().bloomRejections()).isGreaterThan(1900);
    assertThat(command("bloom:10000:profile", "EXISTS", "bloom:10000:profile")).isEqualTo(0L);
  }

  @Test
  void getAllUsesEachLevelOnceAndTheBatchLoaderForTheRest() {
    for (long id = 1; id <= 6; id++) {
      database.put(id, new Profile(id, "p" + id));
    }
    List<Collection<Long>> batches = new CopyOnWriteArrayList<>();
    CacheConfig<Long, Profile> config =
        config("batch")
            .batchLoader(
                ids -> {
                  batches.add(List.copyOf(ids));
                  Map<Long, Profile> found = new HashMap<>();
                  ids.forEach(
                      id -> Optional.ofNullable(database.get(id)).ifPresent(p -> found.put(id, p)));
                  return found;
                })
            .build();
    TwoLevelCache<Long, Profile> warm = node(config);
    warm.get(1L);
    warm.get(2L);
    TwoLevelCache<Long, Profile> cache = node(config);
    cache.get(1L);

    Map<Long, Profile> all = cache.getAll(List.of(1L, 2L, 3L, 4L, 99L));

    assertThat(all.keySet()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(batches).containsExactly(List.of(3L, 4L, 99L));
    assertThat(cache.getAll(List.of(3L, 99L)).keySet()).containsExactly(3L);
    assertThat(batches).hasSize(1);
  }

  @Test
  void rejectsInvalidConfiguration() {
    assertThatThrownBy(() -> CacheConfig.<Long, Profile>builder("bad name!"))
        .hasMessageContaining("cache name");
    assertThatThrownBy(() -> config("x").keyPattern("user:profile"))
        .hasMessageContaining("exactly once");
    assertThatThrownBy(
            () ->
                config("x")
                    .l1(10, Duration.ofHours(1))
                    .ttl(Duration.ofMinutes(1), Duration.ZERO)
                    .build())
        .hasMessageContaining("must not exceed the Redis ttl");
    assertThatThrownBy(() -> CacheConfig.<Long, Profile>builder("x").build())
        .hasMessageContaining("needs a codec and a loader");
    assertThatThrownBy(
            () -> config("x").ttl(Duration.ofSeconds(60), Duration.ofNanos(500_000)).build())
        .hasMessageContaining("ttl jitter must be at least");
    assertThatThrownBy(
            () -> config("x").ttl(Duration.ofSeconds(60), Duration.ofSeconds(61)).build())
        .hasMessageContaining("must not exceed its ttl");
    assertThatThrownBy(
            () -> config("x").nullTtl(Duration.ofSeconds(5), Duration.ofNanos(1)).build())
        .hasMessageContaining("null ttl jitter");
    assertThatThrownBy(() -> config("x").maxStaleness(Duration.ofMillis(10)).build())
        .hasMessageContaining("max staleness");
    assertThatThrownBy(() -> config("x").redisTimeout(Duration.ofMinutes(2)).build())
        .hasMessageContaining("redis timeout");
    assertThat(config("x").ttl(Duration.ofSeconds(60), Duration.ofMillis(1)).build().ttlJitter())
        .isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void refreshAheadReloadsAnAgingEntryInTheBackgroundWhileServingIt() throws Exception {
    database.put(11L, new Profile(11, "v1"));
    TwoLevelCache<Long, Profile> cache =
        node(
            config("ahead")
                .ttl(Duration.ofSeconds(4), Duration.ZERO)
                .l1(100, Duration.ofMillis(100))
                .refreshAhead(0.5)
                .build());
    assertThat(cache.get(11L)).contains(new Profile(11, "v1"));
    database.put(11L, new Profile(11, "v2"));

    Thread.sleep(2500);
    assertThat(cache.get(11L))
        .as("the current value is served at once")
        .contains(new Profile(11, "v1"));

    await(() -> cache.refreshAheadCount() == 1, "the background reload ran");
    assertThat(loads.get()).isEqualTo(2);
    assertThat((Long) command("ahead:11:profile", "PTTL", "ahead:11:profile")).isGreaterThan(3000L);
    Thread.sleep(150);
    assertThat(cache.get(11L)).contains(new Profile(11, "v2"));
  }
}
