package io.toutiao.benchmarks;

import io.toutiao.cache.redis.CounterStore;
import io.toutiao.testing.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

/**
 * Counts of 100 ids (a page of articles): {@link CounterStore#getAll} (one {@code ZMSCORE}) beside
 * raw Jedis doing one {@code ZSCORE} per id, on a real redis-server on loopback.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class CounterBenchmark {

  private RedisServer redis;
  private RedisClient jedis;
  private CounterStore likes;
  private List<Long> ids;
  private String[] members;

  /** Starts Redis and fills 10,000 counters. */
  @Setup(Level.Trial)
  public void setUp() {
    redis = RedisServer.start();
    jedis = RedisClient.create(redis.host(), redis.port());
    likes = new CounterStore(jedis, CounterStore.ARTICLE_LIKING);
    List<CounterStore.Counter> all = new ArrayList<>();
    for (long id = 0; id < 10_000; id++) {
      all.add(new CounterStore.Counter(id, id % 97));
    }
    likes.rebuild(all.iterator());
    ids = new ArrayList<>();
    members = new String[100];
    for (int i = 0; i < 100; i++) {
      ids.add(i * 37L);
      members[i] = Long.toString(i * 37L);
    }
  }

  /** Stops Redis. */
  @TearDown(Level.Trial)
  public void tearDown() {
    jedis.close();
    redis.close();
  }

  /**
   * @return the counts of 100 ids in one round trip
   */
  @Benchmark
  public Map<Long, Long> toutiao_counterBatchGet() {
    return likes.getAll(ids);
  }

  /**
   * @return the counts of 100 ids, one ZSCORE each
   */
  @Benchmark
  public long jedis_counterBatchGet() {
    long sum = 0;
    for (String member : members) {
      Double score = jedis.zscore(CounterStore.ARTICLE_LIKING, member);
      sum += score == null ? 0 : score.longValue();
    }
    return sum;
  }
}
