package io.toutiao.benchmarks;

import com.alicp.jetcache.embedded.CaffeineCacheBuilder;
import io.toutiao.cache.CacheConfig;
import io.toutiao.cache.CacheStats;
import io.toutiao.cache.Codecs;
import io.toutiao.cache.TwoLevelCache;
import io.toutiao.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import redis.clients.jedis.RedisClient;

/**
 * Two reported cache workloads, on a real redis-server on loopback:
 *
 * <ul>
 *   <li>Herd: 4 instances x 8 threads read one cold key at once; the loader (a simulated database,
 *       100 ms) is counted. Ours (each instance its own Caffeine and Redis connections) beside
 *       JetCache 2.7's local cache with {@code cachePenetrationProtect}, which protects inside one
 *       JVM only, so each instance loads.
 *   <li>Zipfian: keys drawn from 1,000,000 with theta 0.99, L1 of 10,000 entries, a loader with a
 *       fixed 1 ms latency, 4 threads for 15 s: throughput and where reads were answered.
 * </ul>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.toutiao.benchmarks.CacheWorkloadMeasurement}.
 */
public final class CacheWorkloadMeasurement {

  private CacheWorkloadMeasurement() {}

  /**
   * Runs both workloads.
   *
   * @param args ignored
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      herd(redis);
      zipfian(redis);
    }
  }

  private static void herd(RedisServer redis) throws Exception {
    int instances = 4;
    int threads = 8;
    int keys = 5;
    AtomicInteger ourLoads = new AtomicInteger();
    AtomicInteger jetLoads = new AtomicInteger();
    List<RedisClient> clients = new ArrayList<>();
    List<Function<Long, Object>> ours = new ArrayList<>();
    List<Function<Long, Object>> jet = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      RedisClient client = RedisClient.create(redis.host(), redis.port());
      clients.add(client);
      TwoLevelCache<Long, String> cache =
          new TwoLevelCache<>(
              CacheConfig.<Long, String>builder("herd")
                  .codec(Codecs.string())
                  .loader(id -> slowLoad(ourLoads, id, 100))
                  .build(),
              client);
      ours.add(cache::get);
      var builder = CaffeineCacheBuilder.createCaffeineCacheBuilder().limit(1000);
      builder.getConfig().setCachePenetrationProtect(true);
      com.alicp.jetcache.Cache<Long, String> local = builder.buildCache();
      jet.add(id -> local.computeIfAbsent(id, k -> slowLoad(jetLoads, k, 100)));
    }
    for (long key = 0; key < keys; key++) {
      stampede(ours, threads, key);
      stampede(jet, threads, key);
    }
    System.out.printf(
        "herd: %d instances x %d threads on a cold key, loader 100 ms: toutiao %.2f loads/key, jetcache (local, penetration protect) %.2f loads/key%n",
        instances, threads, ourLoads.get() / (double) keys, jetLoads.get() / (double) keys);
    clients.forEach(RedisClient::close);
  }

  private static void stampede(List<Function<Long, Object>> instances, int threads, long key)
      throws Exception {
    int total = instances.size() * threads;
    CyclicBarrier start = new CyclicBarrier(total);
    ExecutorService pool = Executors.newFixedThreadPool(total);
    List<Future<Object>> results = new ArrayList<>();
    for (Function<Long, Object> instance : instances) {
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return instance.apply(key);
                }));
      }
    }
    for (Future<Object> result : results) {
      result.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
  }

  private static String slowLoad(AtomicInteger counter, long id, long millis) {
    counter.incrementAndGet();
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "value-" + id;
  }

  private static void zipfian(RedisServer redis) throws Exception {
    int keys = 1_000_000;
    long[] samples = zipfSamples(keys, 0.99, 4_000_000, 42);
    AtomicInteger loads = new AtomicInteger();
    try (RedisClient client = RedisClient.create(redis.host(), redis.port());
        TwoLevelCache<Long, String> cache =
            new TwoLevelCache<>(
                CacheConfig.<Long, String>builder("zipf")
                    .codec(Codecs.string())
                    .l1(10_000, Duration.ofSeconds(30))
                    .loader(id -> slowLoad(loads, id, 1))
                    .build(),
                client)) {
      int threads = 4;
      long durationNanos = TimeUnit.SECONDS.toNanos(15);
      LongAdder reads = new LongAdder();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> runs = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        int offset = t * (samples.length / threads);
        runs.add(
            pool.submit(
                () -> {
                  int i = offset;
                  while (System.nanoTime() - start < durationNanos) {
                    cache.get(samples[i]);
                    reads.increment();
                    i = i + 1 == samples.length ? 0 : i + 1;
                  }
                }));
      }
      for (Future<?> run : runs) {
        run.get();
      }
      pool.shutdown();
      double seconds = (System.nanoTime() - start) / 1e9;
      CacheStats stats = cache.stats();
      long total = stats.l1Hits() + stats.l1Misses();
      System.out.printf(
          "zipfian(theta 0.99, 1M keys, L1 10k, loader 1 ms, %d threads, %.0f s): %,.0f reads/s; L1 hits %.1f%%, Redis hits %.1f%%, loads %.1f%% (%,d)%n",
          threads,
          seconds,
          reads.sum() / seconds,
          100.0 * stats.l1Hits() / total,
          100.0 * stats.l2Hits() / total,
          100.0 * stats.loads() / total,
          stats.loads());
    }
  }

  /** Zipfian samples over [0, n) (Gray et al., as in YCSB), hottest keys first. */
  private static long[] zipfSamples(int n, double theta, int count, long seed) {
    double zetan = 0;
    for (int i = 1; i <= n; i++) {
      zetan += 1 / Math.pow(i, theta);
    }
    double zeta2 = 1 + 1 / Math.pow(2, theta);
    double alpha = 1 / (1 - theta);
    double eta = (1 - Math.pow(2.0 / n, 1 - theta)) / (1 - zeta2 / zetan);
    SplittableRandom random = new SplittableRandom(seed);
    long[] samples = new long[count];
    for (int i = 0; i < count; i++) {
      double u = random.nextDouble();
      double uz = u * zetan;
      long value;
      if (uz < 1) {
        value = 0;
      } else if (uz < zeta2) {
        value = 1;
      } else {
        value = (long) (n * Math.pow(eta * u - eta + 1, alpha));
      }
      samples[i] = Math.min(n - 1, value);
    }
    return samples;
  }
}
