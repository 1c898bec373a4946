package io.toutiao.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.cache.redis.CounterStore.Counter;
import io.toutiao.cache.redis.CounterStore.RebuildResult;
import io.toutiao.core.id.SnowflakeConfig;
import io.toutiao.core.id.SnowflakeIdGenerator;
import io.toutiao.core.id.SnowflakeLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * Counters, histories, leases, worker-id leases and jobs, on standalone Redis and on Redis Cluster.
 */
abstract class RedisBlocksContract {

  abstract UnifiedJedis newClient();

  final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

  UnifiedJedis client() {
    UnifiedJedis client = newClient();
    toClose.add(client);
    return client;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void countersIncrementReadInBatchesAndRank() {
    CounterStore likes = new CounterStore(client(), CounterStore.ARTICLE_LIKING);
    assertThat(likes.increment(1, 5)).isEqualTo(5);
    assertThat(likes.increment(1, 2)).isEqualTo(7);
    assertThat(likes.decrement(1, 3)).isEqualTo(4);
    likes.increment(2, 10);
    likes.increment(3, 1);

    assertThat(likes.get(1)).isEqualTo(4);
    assertThat(likes.get(999)).isZero();
    assertThat(likes.getAll(List.of(3L, 999L, 1L)))
        .containsExactly(Map.entry(3L, 1L), Map.entry(999L, 0L), Map.entry(1L, 4L));
    assertThat(likes.top(2)).containsExactly(new Counter(2, 10), new Counter(1, 4));
    assertThat(likes.remove(2)).isTrue();
    assertThat(likes.get(2)).isZero();
  }

  @Test
  void countersRejectBadInput() {
    CounterStore likes = new CounterStore(client(), "count:bad");
    assertThatThrownBy(() -> likes.increment(-1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> likes.increment(1, 0)).hasMessageContaining("non-zero");
    assertThatThrownBy(() -> likes.decrement(1, -2)).hasMessageContaining("positive");
    assertThatThrownBy(() -> likes.top(0)).hasMessageContaining("between 1 and 10000");
  }

  @Test
  void rebuildReplacesTheSetAndCountsChanges() {
    CounterStore reads = new CounterStore(client(), CounterStore.ARTICLE_READING);
    for (long id = 0; id < 3000; id++) {
      reads.increment(id, 10);
    }
    List<Counter> truth = new ArrayList<>();
    for (long id = 500; id < 4000; id++) {
      truth.add(new Counter(id, id < 1000 ? 10 : 20));
    }

    RebuildResult result = reads.rebuild(truth.iterator());

    // changed: 0..499 removed (500) + 1000..2999 different (2000) + 3000..3999 new (1000)
    assertThat(result.ids()).isEqualTo(3500);
    assertThat(result.changed()).isEqualTo(3500);
    assertThat(reads.get(0)).isZero();
    assertThat(reads.get(700)).isEqualTo(10);
    assertThat(reads.get(3500)).isEqualTo(20);
    assertThat(reads.top(1)).hasSize(1);
  }

  @Test
  void anEmptySourceRemovesTheMetric() {
    CounterStore counts = new CounterStore(client(), "count:empty");
    counts.increment(1, 1);
    RebuildResult result = counts.rebuild(java.util.stream.Stream.empty());
    assertThat(result.ids()).isZero();
    assertThat(result.changed()).isEqualTo(1);
    assertThat(counts.get(1)).isZero();
  }

  @Test
  void aRebuildThatFailsMidwayLeavesTheOldSetIntact() {
    CounterStore counts = new CounterStore(client(), "count:broken");
    counts.increment(7, 70);
    Iterator<Counter> failing =
        LongStream.range(0, 5000)
            .mapToObj(
                id -> {
                  if (id == 2500) {
                    throw new IllegalStateException("database went away");
                  }
                  return new Counter(id, 1);
                })
            .iterator();

    assertThatThrownBy(() -> counts.rebuild(failing)).hasMessage("database went away");
    assertThat(counts.get(7)).isEqualTo(70);
    assertThat(counts.get(100)).isZero();
  }

  @Test
  void historiesKeepTheNewestItemsFirst() {
    RecentList reading = RecentList.readingHistory(client());
    for (int i = 0; i < 105; i++) {
      reading.add(42, "art-" + i);
    }
    assertThat(reading.list(42, 1, 200))
        .hasSize(100)
        .startsWith("art-104", "art-103")
        .endsWith("art-5");

    reading.add(42, "art-50");
    assertThat(reading.list(42, 1, 3)).containsExactly("art-50", "art-104", "art-103");
    assertThat(reading.list(42, 2, 3)).containsExactly("art-102", "art-101", "art-100");

    RecentList searches = RecentList.searchHistory(client());
    for (String q : List.of("头条", "新闻", "体育", "财经", "科技")) {
      searches.add(42, q);
    }
    assertThat(searches.list(42, 1, 10)).containsExactly("科技", "财经", "体育", "新闻");
    assertThatThrownBy(() -> searches.add(42, "")).hasMessageContaining("1 to 512");
  }

  @Test
  void leasesAreExclusiveReleasedOnlyByTheHolderAndFenced() throws Exception {
    RedisLease leases = new RedisLease(client());
    RedisLease.Lease first =
        leases.tryAcquireFenced("lease:report", Duration.ofSeconds(5)).orElseThrow();
    assertThat(leases.tryAcquireFenced("lease:report", Duration.ofSeconds(5))).isEmpty();
    assertThat(leases.release(new RedisLease.Lease("lease:report", "not-the-token", 0))).isFalse();
    assertThat(leases.renew(first, Duration.ofSeconds(5))).isTrue();
    assertThat(leases.release(first)).isTrue();

    RedisLease.Lease second =
        leases.tryAcquireFenced("lease:report", Duration.ofMillis(200)).orElseThrow();
    assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    Thread.sleep(400);
    RedisLease.Lease third =
        leases.tryAcquireFenced("lease:report", Duration.ofSeconds(5)).orElseThrow();
    assertThat(third.fencingToken()).isGreaterThan(second.fencingToken());
    assertThat(leases.renew(second, Duration.ofSeconds(5)))
        .as("an expired holder cannot renew")
        .isFalse();
  }

  @Test
  void workerIdLeasesAreDistinctAndTheSurplusFailsClearly() throws Exception {
    SnowflakeLayout fourWorkers = SnowflakeLayout.builder().bits(41, 5, 2, 15).build();
    int claimers = 6;
    CyclicBarrier start = new CyclicBarrier(claimers);
    ExecutorService pool = Executors.newFixedThreadPool(claimers);
    List<Future<Long>> results = new ArrayList<>();
    for (int i = 0; i < claimers; i++) {
      RedisWorkerIdAssigner assigner =
          new RedisWorkerIdAssigner(client(), 3, Duration.ofSeconds(3));
      toClose.add(assigner);
      results.add(
          pool.submit(
              () -> {
                start.await();
                return assigner.assignWorkerId(fourWorkers);
              }));
    }
    Set<Long> granted = ConcurrentHashMap.newKeySet();
    int failed = 0;
    for (Future<Long> result : results) {
      try {
        granted.add(result.get(30, TimeUnit.SECONDS));
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause())
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("all 4 worker ids of datacenter 3");
        failed++;
      }
    }
    pool.shutdown();
    assertThat(granted).containsExactlyInAnyOrder(0L, 1L, 2L, 3L);
    assertThat(failed).isEqualTo(2);
  }

  @Test
  void anAbandonedWorkerIdIsFreedOnlyAfterItsTtlAndItsGeneratorStops() throws Exception {
    RedisWorkerIdAssigner crashed = new RedisWorkerIdAssigner(client(), 9, Duration.ofSeconds(3));
    SnowflakeIdGenerator ids =
        new SnowflakeIdGenerator(
            SnowflakeConfig.custom().datacenterId(9).workerIdAssigner(crashed).build());
    ids.nextId();
    assertThat(crashed.workerId()).isZero();
    crashed.abandon();

    RedisWorkerIdAssigner next = new RedisWorkerIdAssigner(client(), 9, Duration.ofSeconds(3));
    toClose.add(next);
    assertThat(next.assignWorkerId(SnowflakeLayout.DEFAULT))
        .as("id 0 is still leased")
        .isEqualTo(1);

    Thread.sleep(3300);
    assertThat(crashed.isHeld()).isFalse();
    assertThatThrownBy(ids::nextId)
        .isInstanceOf(io.toutiao.core.id.WorkerIdUnavailableException.class)
        .hasMessageContaining("was not renewed in time");
    RedisWorkerIdAssigner later = new RedisWorkerIdAssigner(client(), 9, Duration.ofSeconds(3));
    toClose.add(later);
    assertThat(later.assignWorkerId(SnowflakeLayout.DEFAULT))
        .as("id 0 is free after its TTL")
        .isZero();
  }

  @Test
  void onlyOneInstanceRunsAJobAndItsHistoryIsShared() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Runnable job =
        () -> {
          runs.incrementAndGet();
          try {
            Thread.sleep(300);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    JobScheduler a = new JobScheduler(client(), "node-a");
    JobScheduler b = new JobScheduler(client(), "node-b");
    toClose.add(a);
    toClose.add(b);
    a.scheduleEvery("correction", Duration.ofHours(1), job);
    b.scheduleEvery("correction", Duration.ofHours(1), job);

    ExecutorService pool = Executors.newFixedThreadPool(2);
    CyclicBarrier start = new CyclicBarrier(2);
    Future<Boolean> ranOnA =
        pool.submit(
            () -> {
              start.await();
              return a.runNow("correction");
            });
    Future<Boolean> ranOnB =
        pool.submit(
            () -> {
              start.await();
              return b.runNow("correction");
            });
    boolean onA = ranOnA.get(10, TimeUnit.SECONDS);
    boolean onB = ranOnB.get(10, TimeUnit.SECONDS);
    pool.shutdown();

    assertThat(onA ^ onB).as("exactly one instance ran it").isTrue();
    assertThat(runs.get()).isEqualTo(1);
    JobScheduler.JobRun last = b.lastRun("correction").orElseThrow();
    assertThat(last.node()).isEqualTo(onA ? "node-a" : "node-b");
    assertThat(last.outcome()).isEqualTo("succeeded");
    assertThat(last.endedAt()).isAfterOrEqualTo(last.startedAt());
  }

  @Test
  void scheduledOccurrencesRunOnOneInstanceEachAndFailuresAreRecorded() throws Exception {
    List<String> ranOn = new CopyOnWriteArrayList<>();
    JobScheduler a = new JobScheduler(client(), "node-a");
    JobScheduler b = new JobScheduler(client(), "node-b");
    toClose.add(a);
    toClose.add(b);
    a.scheduleEvery("tick", Duration.ofSeconds(1), () -> ranOn.add("a"));
    b.scheduleEvery("tick", Duration.ofSeconds(1), () -> ranOn.add("b"));
    a.scheduleEvery(
        "boom",
        Duration.ofHours(1),
        () -> {
          throw new IllegalStateException("no database");
        });

    Thread.sleep(3500);
    assertThat(ranOn.size()).as("about 3 one-second occurrences, each run once").isBetween(2, 4);
    assertThat(a.runNow("boom")).isTrue();
    JobScheduler.JobRun failed = b.lastRun("boom").orElseThrow();
    assertThat(failed.outcome()).isEqualTo("failed");
    assertThat(failed.error()).contains("no database");
    assertThat(b.lastRun("never")).isEqualTo(Optional.empty());
  }

  @Test
  void optimisticUpdatesLoseNoConcurrentChange() throws Exception {
    UnifiedJedis shared = client();
    OptimisticUpdate updates = new OptimisticUpdate(shared, 1000);
    int threads = 6;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < 50; i++) {
                  updates.apply(
                      "settings:views", v -> Long.toString(v == null ? 1 : Long.parseLong(v) + 1));
                }
                return null;
              }));
    }
    for (Future<?> future : done) {
      future.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(shared.get("settings:views")).isEqualTo("300");
    assertThat(updates.apply("settings:views", v -> null)).isEmpty();
    assertThat(shared.exists("settings:views")).isFalse();
  }

  @Test
  void anOptimisticUpdateGivesUpWhenOthersAlwaysWin() {
    UnifiedJedis other = client();
    OptimisticUpdate updates = new OptimisticUpdate(client(), 2);
    assertThatThrownBy(
            () ->
                updates.apply(
                    "settings:contended",
                    v -> {
                      other.set("settings:contended", "theirs-" + System.nanoTime());
                      return "mine";
                    }))
        .isInstanceOf(RedisStoreException.class)
        .hasMessageContaining("gave up after 2 attempts");
    assertThat(other.get("settings:contended")).startsWith("theirs-");
  }
}
