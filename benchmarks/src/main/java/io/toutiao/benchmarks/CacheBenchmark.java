package io.toutiao.benchmarks;

import com.alicp.jetcache.embedded.CaffeineCacheBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.toutiao.cache.CacheConfig;
import io.toutiao.cache.Codecs;
import io.toutiao.cache.TwoLevelCache;
import io.toutiao.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * The two-level cache beside its peers. {@code l1Hit}: a value in this JVM's memory, ours ({@link
 * TwoLevelCache#get}) beside raw Caffeine {@code getIfPresent} and JetCache 2.7's Caffeine-backed
 * local cache. {@code l2Hit}: a value only in Redis (a real redis-server on loopback, started by
 * toutiao-testing), ours with a 1 ms L1 TTL over 1000 rotating keys beside a raw Jedis GET plus the
 * same Jackson decode. {@code coldMiss}: a key in neither level, ours (GET, lease SET NX, then one
 * pipeline that stores the value and releases the lease) beside a hand-written GET / SET NX / load
 * / SET sequence on the same client.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class CacheBenchmark {

  /** The cached value. */
  public record Profile(long id, String name, String photo) {}

  private static final int KEYS = 1000;

  private RedisServer redis;
  private RedisClient jedis;
  private TwoLevelCache<Long, Profile> l1Cache;
  private TwoLevelCache<Long, Profile> l2Cache;
  private TwoLevelCache<Long, Profile> coldCache;
  private long nextCold;
  private long nextHandCold;
  private com.github.benmanes.caffeine.cache.Cache<Long, Profile> caffeine;
  private com.alicp.jetcache.Cache<Long, Profile> jetcache;
  private final ObjectMapper mapper = new ObjectMapper();
  private byte[][] redisKeys;
  private long next;

  /** Starts Redis, fills it and the caches. */
  @Setup(Level.Trial)
  public void setUp() {
    redis = RedisServer.start();
    jedis = RedisClient.create(redis.host(), redis.port());
    l1Cache = new TwoLevelCache<>(config("l1", Duration.ofSeconds(30)), jedis);
    l2Cache = new TwoLevelCache<>(config("l2", Duration.ofMillis(1)), jedis);
    coldCache = new TwoLevelCache<>(config("cold", Duration.ofSeconds(30)), jedis);
    caffeine =
        Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofSeconds(30)).build();
    jetcache =
        CaffeineCacheBuilder.createCaffeineCacheBuilder()
            .limit(10_000)
            .expireAfterWrite(30, TimeUnit.SECONDS)
            .<Long, Profile>buildCache();
    redisKeys = new byte[KEYS][];
    for (long id = 0; id < KEYS; id++) {
      Profile profile = profile(id);
      l1Cache.get(id);
      l2Cache.get(id);
      caffeine.put(id, profile);
      jetcache.put(id, profile);
      redisKeys[(int) id] = ("l2:" + id).getBytes(StandardCharsets.UTF_8);
    }
  }

  private static Profile profile(long id) {
    return new Profile(id, "用户" + id, "https://cdn.example.com/avatar/" + id + ".png");
  }

  private static CacheConfig<Long, Profile> config(String name, Duration l1Ttl) {
    return CacheConfig.<Long, Profile>builder(name)
        .codec(Codecs.json(Profile.class))
        .l1(10_000, l1Ttl)
        .loader(CacheBenchmark::profile)
        .build();
  }

  /** Stops Redis. */
  @TearDown(Level.Trial)
  public void tearDown() {
    l1Cache.close();
    l2Cache.close();
    coldCache.close();
    jedis.close();
    redis.close();
  }

  private long nextId() {
    long id = next++;
    if (next == KEYS) {
      next = 0;
    }
    return id;
  }

  /**
   * @return a value from L1
   */
  @Benchmark
  public Object toutiao_l1Hit() {
    return l1Cache.get(nextId());
  }

  /**
   * @return a value from raw Caffeine
   */
  @Benchmark
  public Object caffeine_l1Hit() {
    return caffeine.getIfPresent(nextId());
  }

  /**
   * @return a value from JetCache's local cache
   */
  @Benchmark
  public Object jetcache_l1Hit() {
    return jetcache.get(nextId());
  }

  /**
   * @return a value from Redis through the cache
   */
  @Benchmark
  public Object toutiao_l2Hit() {
    return l2Cache.get(nextId());
  }

  /**
   * @return a value from Redis by a raw GET and the same decode
   * @throws Exception on decode failure
   */
  @Benchmark
  public Object jedis_l2Hit() throws Exception {
    return mapper.readValue(jedis.get(redisKeys[(int) nextId()]), Profile.class);
  }

  /**
   * @return a never-seen key loaded through both levels
   */
  @Benchmark
  public Object toutiao_coldMiss() {
    return coldCache.get(nextCold++);
  }

  /**
   * @return a never-seen key by the usual hand-written cache-aside with a lease
   * @throws Exception on encode failure
   */
  @Benchmark
  public Object handwritten_coldMiss() throws Exception {
    long id = nextHandCold++;
    String key = "hand:" + id;
    byte[] cached = jedis.get(key.getBytes(StandardCharsets.UTF_8));
    if (cached != null) {
      return mapper.readValue(cached, Profile.class);
    }
    jedis.set("lock:" + key, Long.toString(id), SetParams.setParams().nx().px(5000));
    Profile loaded = profile(id);
    jedis.set(
        key.getBytes(StandardCharsets.UTF_8),
        mapper.writeValueAsBytes(loaded),
        SetParams.setParams().px(1_800_000));
    return loaded;
  }
}
