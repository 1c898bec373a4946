package io.toutiao.benchmarks;

import cn.hutool.core.lang.Snowflake;
import io.toutiao.cache.redis.RedisWorkerIdAssigner;
import io.toutiao.core.id.CoarseClock;
import io.toutiao.core.id.SnowflakeConfig;
import io.toutiao.core.id.SnowflakeIdGenerator;
import io.toutiao.core.id.SnowflakeLayout;
import io.toutiao.testing.RedisServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import redis.clients.jedis.RedisClient;

/**
 * Snowflake ids: {@link SnowflakeIdGenerator} beside Hutool's {@code Snowflake} (5.8), both with
 * the reference layout (41/5/5/12, at most 4,096,000 ids/s per generator), one generator shared by
 * the benchmark threads. {@code nextIdWideSequence} measures our per-id cost with a 22-bit
 * sequence, where the per-millisecond limit does not bind. The {@code Leased} workloads use a
 * worker id leased from a real redis-server by {@code RedisWorkerIdAssigner} (every id checked
 * against the lease's timestamp window); Hutool has no leases, so its side is its fixed-id
 * generator.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SnowflakeBenchmark {

  private SnowflakeIdGenerator toutiao;
  private SnowflakeIdGenerator toutiaoWide;
  private SnowflakeIdGenerator toutiaoWideCoarse;
  private Snowflake hutool;
  private SnowflakeIdGenerator toutiaoLeased;
  private SnowflakeIdGenerator toutiaoWideLeased;
  private RedisServer redis;
  private RedisClient jedis;
  private RedisWorkerIdAssigner assigner;
  private RedisWorkerIdAssigner wideAssigner;

  /** Creates the generators, datacenter 1 and worker 1 for both libraries. */
  @Setup
  public void setUp() {
    toutiao =
        new SnowflakeIdGenerator(SnowflakeConfig.custom().datacenterId(1).workerId(1).build());
    toutiaoWide =
        new SnowflakeIdGenerator(
            SnowflakeConfig.custom()
                .layout(SnowflakeLayout.builder().bits(41, 0, 0, 22).build())
                .build());
    toutiaoWideCoarse =
        new SnowflakeIdGenerator(
            SnowflakeConfig.custom()
                .layout(SnowflakeLayout.builder().bits(41, 0, 0, 22).build())
                .clock(CoarseClock.shared())
                .build());
    hutool = new Snowflake(1, 1);
    redis = RedisServer.start();
    jedis = RedisClient.create(redis.host(), redis.port());
    // A 3 s lease: on this empty Redis the first window opens about 4 s after it is taken.
    assigner =
        RedisWorkerIdAssigner.builder(jedis).datacenterId(1).ttl(Duration.ofSeconds(3)).build();
    toutiaoLeased =
        new SnowflakeIdGenerator(
            SnowflakeConfig.custom().datacenterId(1).workerIdAssigner(assigner).build());
    wideAssigner =
        RedisWorkerIdAssigner.builder(jedis).datacenterId(0).ttl(Duration.ofSeconds(3)).build();
    toutiaoWideLeased =
        new SnowflakeIdGenerator(
            SnowflakeConfig.custom()
                .layout(SnowflakeLayout.builder().bits(41, 0, 0, 22).build())
                .workerIdAssigner(wideAssigner)
                .build());
  }

  /** Releases the leases and stops Redis. */
  @TearDown
  public void tearDown() {
    assigner.close();
    wideAssigner.close();
    jedis.close();
    redis.close();
  }

  /**
   * Ours with a Redis-leased worker id, one thread.
   *
   * @return an id
   */
  @Benchmark
  @Threads(1)
  public long toutiao_nextIdLeased() {
    return toutiaoLeased.nextId();
  }

  /**
   * Hutool (fixed worker id), one thread: the peer of the leased workload.
   *
   * @return an id
   */
  @Benchmark
  @Threads(1)
  public long hutool_nextIdLeased() {
    return hutool.nextId();
  }

  /**
   * Ours with a Redis-leased worker id, two threads.
   *
   * @return an id
   */
  @Benchmark
  @Threads(2)
  public long toutiao_nextIdLeased_2threads() {
    return toutiaoLeased.nextId();
  }

  /**
   * Hutool (fixed worker id), two threads.
   *
   * @return an id
   */
  @Benchmark
  @Threads(2)
  public long hutool_nextIdLeased_2threads() {
    return hutool.nextId();
  }

  /**
   * Ours with a 22-bit sequence and a leased worker id: the per-id cost with the window check.
   *
   * @return an id
   */
  @Benchmark
  @Threads(1)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public long toutiao_nextIdWideSequenceLeased() {
    return toutiaoWideLeased.nextId();
  }

  /**
   * Ours, one thread.
   *
   * @return an id
   */
  @Benchmark
  @Threads(1)
  public long toutiao_nextId() {
    return toutiao.nextId();
  }

  /**
   * Hutool, one thread.
   *
   * @return an id
   */
  @Benchmark
  @Threads(1)
  public long hutool_nextId() {
    return hutool.nextId();
  }

  /**
   * Ours, two threads on one generator.
   *
   * @return an id
   */
  @Benchmark
  @Threads(2)
  public long toutiao_nextId_2threads() {
    return toutiao.nextId();
  }

  /**
   * Hutool, two threads on one generator.
   *
   * @return an id
   */
  @Benchmark
  @Threads(2)
  public long hutool_nextId_2threads() {
    return hutool.nextId();
  }

  /**
   * Ours with a 22-bit sequence: the cost of one id when the layout's limit does not bind.
   *
   * @return an id
   */
  @Benchmark
  @Threads(1)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public long toutiao_nextIdWideSequence() {
    return toutiaoWide.nextId();
  }

  /**
   * Ours with a 22-bit sequence on {@link CoarseClock}: no system clock read per id.
   *
   * @return an id
   */
  @Benchmark
  @Threads(1)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public long toutiao_nextIdWideSequenceCoarseClock() {
    return toutiaoWideCoarse.nextId();
  }

  /**
   * The system clock read alone, for context: the floor of a generator that reads it per id.
   *
   * @return the time
   */
  @Benchmark
  @Threads(1)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public long jdk_currentTimeMillis() {
    return System.currentTimeMillis();
  }
}
