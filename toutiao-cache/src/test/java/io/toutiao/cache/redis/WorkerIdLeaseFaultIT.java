package io.toutiao.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.core.id.IdGenerationException;
import io.toutiao.core.id.SnowflakeConfig;
import io.toutiao.core.id.SnowflakeIdGenerator;
import io.toutiao.core.id.WorkerIdUnavailableException;
import io.toutiao.testing.FaultProxy;
import io.toutiao.testing.JavaProcess;
import io.toutiao.testing.RedisSentinel;
import io.toutiao.testing.RedisSentinelTest;
import io.toutiao.testing.RedisServer;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Attacks "never a duplicate id" with real child JVMs leasing from one real Redis: pauses past the
 * TTL, renewal replies held by a fault proxy while the holder is paused, lease keys deleted under a
 * running holder, Sentinel failovers during renewals, and a Redis outage of twice the TTL. Every id
 * of every process is collected and checked for duplicates. Takeover scenarios use a layout with no
 * worker bits, so every process competes for the same worker id 0.
 */
@RedisSentinelTest
class WorkerIdLeaseFaultIT {

  private static final long TTL_MILLIS = 3000;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static RedisServer redis;
  private final List<JavaProcess> children = new ArrayList<>();
  @TempDir Path dir;

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
    redis.flushAll();
  }

  @org.junit.jupiter.api.AfterEach
  void killChildren() {
    children.forEach(JavaProcess::close);
  }

  private JavaProcess holder(
      String redisSpec,
      long datacenter,
      int workerBits,
      int replicas,
      long maxIds,
      int perMilli,
      String name,
      boolean waitForGo) {
    JavaProcess child =
        JavaProcess.builder(LeaseHolderMain.class)
            .name(name)
            .jvmOptions("-Xmx128m", "-XX:TieredStopAtLevel=1")
            .args(
                redisSpec,
                Long.toString(datacenter),
                Integer.toString(workerBits),
                Long.toString(TTL_MILLIS),
                Integer.toString(replicas),
                Long.toString(maxIds),
                Integer.toString(perMilli),
                dir.resolve(name + ".ids").toString(),
                Boolean.toString(waitForGo))
            .start();
    children.add(child);
    child.awaitLine(line -> line.equals("started"), WAIT);
    return child;
  }

  private JavaProcess contender(String redisSpec, long datacenter, String name) {
    return holder(redisSpec, datacenter, 0, 0, 0, 50, name, true);
  }

  private static void awaitLeased(JavaProcess child) {
    child.awaitLine(line -> line.startsWith("leased"), WAIT);
  }

  private static long stop(JavaProcess child) {
    child.writeLine("stop");
    String done = child.awaitLine(line -> line.startsWith("done"), WAIT);
    child.waitFor(WAIT);
    return Long.parseLong(done.split(" ")[1]);
  }

  /** Reads every id the named children wrote and counts ids that occur more than once. */
  private long duplicates(String... names) throws IOException {
    long total = 0;
    List<String> written = new ArrayList<>();
    for (String name : names) {
      // A contender that never got the worker id wrote no file.
      if (Files.exists(dir.resolve(name + ".ids"))) {
        written.add(name);
        total += Files.size(dir.resolve(name + ".ids")) / Long.BYTES;
      }
    }
    long[] all = new long[Math.toIntExact(total)];
    int n = 0;
    for (String name : written) {
      try (DataInputStream in =
          new DataInputStream(
              new BufferedInputStream(Files.newInputStream(dir.resolve(name + ".ids")), 1 << 16))) {
        while (true) {
          all[n++] = in.readLong();
        }
      } catch (EOFException end) {
        n--;
      }
    }
    Arrays.sort(all, 0, n);
    long duplicates = 0;
    for (int i = 1; i < n; i++) {
      if (all[i] == all[i - 1]) {
        duplicates++;
      }
    }
    return duplicates;
  }

  private String direct() {
    return redis.hostAndPort();
  }

  @Test
  void threeJvmsIssueTenMillionIdsWithoutADuplicate() throws IOException {
    List<JavaProcess> jvms = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      jvms.add(holder(direct(), 1, 10, 0, 3_333_334, 0, "bulk-" + i, false));
    }
    long issued = 0;
    for (JavaProcess jvm : jvms) {
      String done = jvm.awaitLine(line -> line.startsWith("done"), Duration.ofMinutes(3));
      issued += Long.parseLong(done.split(" ")[1]);
    }

    assertThat(issued).isEqualTo(10_000_002L);
    assertThat(duplicates("bulk-0", "bulk-1", "bulk-2")).isZero();
  }

  @Test
  void aHolderPausedPastItsTtlIssuesNothingThatItsSuccessorIssued() throws IOException {
    for (int round = 0; round < 3; round++) {
      String first = "paused-" + round;
      String second = "successor-" + round;
      JavaProcess holder = holder(direct(), 2, 0, 0, 0, 50, first, false);
      awaitLeased(holder);
      JavaProcess successor = contender(direct(), 2, second);
      successor.writeLine("go");

      holder.pause();
      successor.awaitLine(line -> line.startsWith("leased"), WAIT);
      RedisServerSleep.millis(300); // the successor issues while the holder is frozen
      holder.resume();
      holder.awaitLine(line -> line.startsWith("unavailable"), WAIT);

      long firstIssued = stop(holder);
      long secondIssued = stop(successor);
      assertThat(firstIssued).isPositive();
      assertThat(secondIssued).isPositive();
      assertThat(duplicates(first, second)).as("round %d", round).isZero();
      redis.flushAll();
    }
  }

  @Test
  void aRenewalReplyHeldWhileTheHolderIsPausedDoesNotStretchItsWindow() throws IOException {
    for (int round = 0; round < 3; round++) {
      try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port())) {
        String first = "held-" + round;
        String second = "taker-" + round;
        JavaProcess holder = holder(proxy.hostAndPort(), 3, 0, 0, 0, 50, first, false);
        awaitLeased(holder);
        JavaProcess successor = contender(direct(), 3, second);

        // The next thing Redis sends through the proxy is the holder's renewal reply.
        FaultProxy.Hold hold = proxy.holdNextReply(Duration.ofMillis(2 * TTL_MILLIS));
        assertThat(hold.awaitHeld(WAIT)).isTrue();
        holder.pause();
        successor.writeLine("go");
        successor.awaitLine(line -> line.startsWith("leased"), WAIT);
        RedisServerSleep.millis(300);
        holder.resume();
        RedisServerSleep.millis(2 * TTL_MILLIS);

        stop(holder);
        long secondIssued = stop(successor);
        assertThat(secondIssued).isPositive();
        assertThat(duplicates(first, second)).as("round %d", round).isZero();
      }
      redis.flushAll();
    }
  }

  @Test
  void aLeaseKeyDeletedUnderARunningHolderLetsNoSuccessorOverlapIt() throws IOException {
    for (int round = 0; round < 3; round++) {
      String first = "running-" + round;
      String second = "early-" + round;
      JavaProcess holder = holder(direct(), 4, 0, 0, 0, 50, first, false);
      awaitLeased(holder);
      JavaProcess successor = contender(direct(), 4, second);

      redis.command("DEL", "snowflake:worker:4:0"); // expiry, eviction, a clock jump, an operator
      successor.writeLine("go");
      successor.awaitLine(line -> line.startsWith("leased"), WAIT);
      RedisServerSleep.millis(TTL_MILLIS);

      stop(holder);
      stop(successor);
      assertThat(duplicates(first, second)).as("round %d", round).isZero();
      redis.flushAll();
    }
  }

  @Test
  void sentinelFailoversDuringRenewalsProduceNoDuplicate(RedisSentinel sentinel)
      throws IOException {
    String spec =
        "sentinel:"
            + sentinel.masterName()
            + ":"
            + String.join(",", sentinel.sentinelHostAndPorts());
    for (int round = 0; round < 2; round++) {
      String first = "sentinel-a-" + round;
      String second = "sentinel-b-" + round;
      JavaProcess holder = holder(spec, 5, 0, 1, 0, 50, first, false);
      awaitLeased(holder);
      JavaProcess contender = holder(spec, 5, 0, 1, 0, 50, second, true);
      contender.writeLine("go"); // keeps trying to lease worker id 0

      if (round == 0) {
        sentinel.failover();
      } else {
        RedisServer master = sentinel.master();
        master.kill();
        sentinel.awaitNewMaster(master, WAIT);
      }
      RedisServerSleep.millis(2 * TTL_MILLIS);

      stop(holder);
      stop(contender);
      assertThat(duplicates(first, second)).as("round %d", round).isZero();
      sentinel.ensureRunning();
      sentinel.flushAll();
    }
  }

  @Test
  void idsFailRetryablyDuringARedisOutageAndFlowAgainWithinSecondsOfItsReturn() throws Exception {
    try (RedisClient jedis = RedisClient.create(redis.host(), redis.port());
        RedisWorkerIdAssigner assigner =
            RedisWorkerIdAssigner.builder(jedis)
                .datacenterId(6)
                .ttl(Duration.ofMillis(TTL_MILLIS))
                .build()) {
      SnowflakeIdGenerator ids =
          new SnowflakeIdGenerator(
              SnowflakeConfig.custom().datacenterId(6).workerIdAssigner(assigner).build());
      long before = ids.nextId();

      redis.kill();
      RedisServerSleep.millis(2 * TTL_MILLIS);
      assertThatThrownBy(ids::nextId)
          .isInstanceOf(WorkerIdUnavailableException.class)
          .matches(e -> ((IdGenerationException) e).isRetryable());

      redis.restart();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      long after = 0;
      while (after == 0) {
        try {
          after = ids.nextId();
        } catch (WorkerIdUnavailableException stillWaiting) {
          assertThat(System.nanoTime()).as("ids flow again").isLessThan(deadline);
          Thread.sleep(50);
        }
      }
      assertThat(after).isGreaterThan(before);
    }
  }

  @Test
  void anAssignerForOneDatacenterRefusesAConfigForAnother() {
    try (RedisClient jedis = RedisClient.create(redis.host(), redis.port());
        RedisWorkerIdAssigner assigner =
            RedisWorkerIdAssigner.builder(jedis)
                .datacenterId(1)
                .ttl(Duration.ofSeconds(3))
                .build()) {
      assertThatThrownBy(
              () -> SnowflakeConfig.custom().datacenterId(2).workerIdAssigner(assigner).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("datacenter 1")
          .hasMessageContaining("datacenter 2");
      assertThat((java.util.List<?>) redis.command("KEYS", "snowflake:worker:*")).isEmpty();
    }
  }

  /** Sleeps in tests without a checked exception. */
  static final class RedisServerSleep {
    private RedisServerSleep() {}

    static void millis(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
