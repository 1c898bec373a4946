package io.toutiao.core.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnowflakeIdGeneratorTest {

  private static final long T0 = SnowflakeLayout.DEFAULT_EPOCH.toEpochMilli() + 1_000_000_000L;

  private static SnowflakeIdGenerator generator(
      FakeClock clock, ClockRollbackPolicy policy, long toleranceMillis) {
    return new SnowflakeIdGenerator(
        SnowflakeConfig.custom()
            .clock(clock)
            .clockRollback(policy, Duration.ofMillis(toleranceMillis))
            .build());
  }

  @Test
  void composesIdsWithTheReferenceShifts() {
    FakeClock clock = new FakeClock(T0);
    SnowflakeIdGenerator ids =
        new SnowflakeIdGenerator(
            SnowflakeConfig.custom().clock(clock).datacenterId(1).workerId(2).build());

    long id = ids.nextId();

    assertThat(id).isEqualTo((1_000_000_000L << 22) | (1L << 17) | (2L << 12));
    assertThat(ids.nextId()).isEqualTo(id + 1);
  }

  @Test
  void threadsReleasedTogetherGetUniqueStrictlyIncreasingIds() throws Exception {
    int threads = 4;
    int perThread = 500_000;
    SnowflakeIdGenerator ids = SnowflakeIdGenerator.withDefaults();
    CyclicBarrier start = new CyclicBarrier(threads);
    List<CompletableFuture<long[]>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      boolean batches = t % 2 == 1;
      results.add(
          CompletableFuture.supplyAsync(
              () -> {
                long[] mine = new long[perThread];
                await(start);
                for (int i = 0; i < perThread; ) {
                  if (batches) {
                    int n = Math.min(100, perThread - i);
                    ids.nextIds(mine, i, n);
                    i += n;
                  } else {
                    mine[i++] = ids.nextId();
                  }
                }
                return mine;
              },
              runnable -> new Thread(runnable).start()));
    }
    long[] all = new long[threads * perThread];
    int k = 0;
    for (CompletableFuture<long[]> result : results) {
      long[] mine = result.get(60, TimeUnit.SECONDS);
      for (int i = 1; i < mine.length; i++) {
        assertThat(mine[i]).as("ids of one thread increase").isGreaterThan(mine[i - 1]);
      }
      System.arraycopy(mine, 0, all, k, mine.length);
      k += mine.length;
    }
    Arrays.sort(all);
    for (int i = 1; i < all.length; i++) {
      assertThat(all[i]).as("no duplicates").isNotEqualTo(all[i - 1]);
    }
    assertThat(all[0]).isPositive();
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void exhaustedSequenceWaitsForTheNextTick() throws Exception {
    FakeClock clock = new FakeClock(T0);
    List<Duration> waits = new CopyOnWriteArrayList<>();
    SnowflakeIdGenerator ids =
        new SnowflakeIdGenerator(
            SnowflakeConfig.custom()
                .clock(clock)
                .listener(
                    new SnowflakeListener() {
                      @Override
                      public void onSequenceExhausted(Duration waited) {
                        waits.add(waited);
                      }
                    })
                .build());
    long[] firstTick = ids.nextIds(4096);
    assertThat(ids.parse(firstTick[4095]).sequence()).isEqualTo(4095);

    CompletableFuture<Long> next = CompletableFuture.supplyAsync(ids::nextId);
    Thread.sleep(50);
    assertThat(next).as("no id while the tick's sequence is used up").isNotDone();
    clock.advance(1);

    SnowflakeId parsed = ids.parse(next.get(5, TimeUnit.SECONDS));
    assertThat(parsed.timestamp()).isEqualTo(Instant.ofEpochMilli(T0 + 1));
    assertThat(parsed.sequence()).isZero();
    assertThat(waits).hasSize(1);
  }

  @Test
  void failPolicyRefusesAnyStepBackAndStatesTheOffset() {
    FakeClock clock = new FakeClock(T0);
    SnowflakeIdGenerator ids = generator(clock, ClockRollbackPolicy.FAIL, 0);
    ids.nextId();
    clock.advance(-3);

    assertThatThrownBy(ids::nextId)
        .isInstanceOf(ClockMovedBackwardsException.class)
        .hasMessageContaining("moved backwards by 3 ms")
        .satisfies(
            e ->
                assertThat(((ClockMovedBackwardsException) e).offset())
                    .isEqualTo(Duration.ofMillis(3)));
  }

  @Test
  void waitPolicyWaitsOutAStepBackWithinTheTolerance() throws Exception {
    FakeClock clock = new FakeClock(T0);
    AtomicInteger backwards = new AtomicInteger();
    SnowflakeIdGenerator ids =
        new SnowflakeIdGenerator(
            SnowflakeConfig.custom()
                .clock(clock)
                .clockRollback(ClockRollbackPolicy.WAIT, Duration.ofMillis(1000))
                .listener(
                    new SnowflakeListener() {
                      @Override
                      public void onClockBackwards(Duration offset, boolean waiting) {
                        assertThat(waiting).isTrue();
                        backwards.incrementAndGet();
                      }
                    })
                .build());
    long before = ids.nextId();
    clock.advance(-500);

    CompletableFuture<Long> next = CompletableFuture.supplyAsync(ids::nextId);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (backwards.get() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(next).as("waiting for the clock").isNotDone();
    clock.set(T0);

    assertThat(next.get(5, TimeUnit.SECONDS)).isGreaterThan(before);
    assertThat(backwards.get()).isPositive();
  }

  @Test
  void waitPolicyFailsBeyondTheTolerance() {
    FakeClock clock = new FakeClock(T0);
    SnowflakeIdGenerator ids = generator(clock, ClockRollbackPolicy.WAIT, 5);
    ids.nextId();
    clock.advance(-10);

    assertThatThrownBy(ids::nextId)
        .isInstanceOf(ClockMovedBackwardsException.class)
        .hasMessageContaining("10 ms")
        .hasMessageContaining("tolerates 5 ms");
  }

  @Test
  void waitPolicyFailsWhenTheClockDoesNotRecover() {
    FakeClock clock = new FakeClock(T0);
    SnowflakeIdGenerator ids = generator(clock, ClockRollbackPolicy.WAIT, 5);
    ids.nextId();
    clock.advance(-2);

    assertThatThrownBy(ids::nextId)
        .isInstanceOf(ClockMovedBackwardsException.class)
        .hasMessageContaining("did not catch up");
  }

  @Test
  void neverIssuesASmallerIdAfterAFailedCall() {
    FakeClock clock = new FakeClock(T0);
    SnowflakeIdGenerator ids = generator(clock, ClockRollbackPolicy.FAIL, 0);
    long last = ids.nextId();
    clock.advance(-100);
    assertThatThrownBy(ids::nextId).isInstanceOf(ClockMovedBackwardsException.class);
    clock.set(T0);

    assertThat(ids.nextId()).isGreaterThan(last);
  }

  @Test
  void batchesAreIncreasingAndContinueTheSequence() {
    FakeClock clock = new FakeClock(T0);
    SnowflakeIdGenerator ids = generator(clock, ClockRollbackPolicy.FAIL, 0);
    long first = ids.nextId();
    long[] batch = ids.nextIds(1000);

    assertThat(batch[0]).isEqualTo(first + 1);
    for (int i = 1; i < batch.length; i++) {
      assertThat(batch[i]).isEqualTo(batch[i - 1] + 1);
    }
  }

  @Test
  void rejectsBadBatchSizes() {
    SnowflakeIdGenerator ids = SnowflakeIdGenerator.withDefaults();
    assertThatThrownBy(() -> ids.nextIds(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> ids.nextIds(SnowflakeIdGenerator.MAX_BATCH + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 1 and 1000000");
    assertThatThrownBy(() -> ids.nextIds(new long[5], 3, 4))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void randomSequenceStartMakesLowTrafficIdsNotAllEven() {
    FakeClock clock = new FakeClock(T0);
    SnowflakeIdGenerator ids =
        new SnowflakeIdGenerator(
            SnowflakeConfig.custom().clock(clock).randomSequenceStart(64).build());
    int odd = 0;
    for (int i = 0; i < 200; i++) {
      clock.advance(1);
      long sequence = ids.parse(ids.nextId()).sequence();
      assertThat(sequence).isLessThan(64);
      odd += (int) (sequence & 1);
    }
    assertThat(odd).isBetween(1, 199);
  }

  @Test
  void issuesNoIdsOnceTheLayoutRunsOut() {
    SnowflakeLayout shortLived = SnowflakeLayout.builder().bits(20, 6, 6, 31).build();
    Instant end = shortLived.lifetimeEnd();
    FakeClock clock = FakeClock.at(end.minusMillis(1));
    SnowflakeIdGenerator ids =
        new SnowflakeIdGenerator(SnowflakeConfig.custom().layout(shortLived).clock(clock).build());
    ids.nextId();
    clock.advance(5);

    assertThatThrownBy(ids::nextId)
        .isInstanceOf(IdGenerationException.class)
        .hasMessageContaining("ran out at " + end);
  }

  @Test
  void listenerCountsIssuedIds() {
    AtomicInteger issued = new AtomicInteger();
    SnowflakeIdGenerator ids =
        new SnowflakeIdGenerator(
            SnowflakeConfig.custom()
                .listener(
                    new SnowflakeListener() {
                      @Override
                      public void onIdsIssued(int count) {
                        issued.addAndGet(count);
                      }
                    })
                .build());
    ids.nextId();
    ids.nextIds(10);
    assertThat(issued.get()).isEqualTo(11);
  }
}
