package io.toutiao.benchmarks;

import io.toutiao.cache.redis.CounterStore;
import io.toutiao.testing.RedisServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Iterator;
import java.util.NoSuchElementException;
import redis.clients.jedis.RedisClient;

/**
 * Rebuilds a counter of 1,000,000 ids from a streaming source and reports the time and the peak
 * heap. Run: {@code java -Xmx128m -cp benchmarks/target/benchmarks.jar
 * io.toutiao.benchmarks.RebuildMeasurement [ids]}; a small {@code -Xmx} shows the memory bound.
 */
public final class RebuildMeasurement {

  private RebuildMeasurement() {}

  /**
   * Runs the measurement.
   *
   * @param args optional number of ids (default 1,000,000)
   */
  public static void main(String[] args) {
    long count = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    try (RedisServer redis = RedisServer.start();
        RedisClient jedis = RedisClient.create(redis.host(), redis.port())) {
      CounterStore reads = new CounterStore(jedis, CounterStore.ARTICLE_READING);
      reads.rebuild(source(count, 1));
      System.gc();
      ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
      long before = usedHeap();
      CounterStore.RebuildResult result = reads.rebuild(source(count, 2));
      long peak = peakHeap();
      System.out.printf(
          "rebuild of %,d ids (all changed): %,d ms, %,d changed; heap before %,d KiB, peak %,d KiB, max %,d MiB%n",
          result.ids(),
          result.took().toMillis(),
          result.changed(),
          before / 1024,
          peak / 1024,
          Runtime.getRuntime().maxMemory() / 1024 / 1024);
    }
  }

  /**
   * Ids 0..count-1 with count {@code id % 1000 * factor}, produced lazily like a database cursor.
   */
  private static Iterator<CounterStore.Counter> source(long count, int factor) {
    return new Iterator<>() {
      private long next;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public CounterStore.Counter next() {
        if (next >= count) {
          throw new NoSuchElementException();
        }
        long id = next++;
        return new CounterStore.Counter(id, id % 1000 * factor + 1);
      }
    };
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP)
        .mapToLong(pool -> pool.getUsage().getUsed())
        .sum();
  }

  private static long peakHeap() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP)
        .mapToLong(pool -> pool.getPeakUsage().getUsed())
        .sum();
  }
}
