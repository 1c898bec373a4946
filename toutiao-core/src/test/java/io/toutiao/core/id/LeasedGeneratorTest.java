package io.toutiao.core.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LeasedGeneratorTest {

  private static final long T0 = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();

  /** A lease the test sets by hand. */
  static final class HandLease implements LeasedWorkerIdAssigner {
    final AtomicReference<WorkerLease> lease = new AtomicReference<>();
    final AtomicBoolean released = new AtomicBoolean();

    HandLease(WorkerLease first) {
      lease.set(first);
    }

    @Override
    public long assignWorkerId(SnowflakeLayout layout) {
      return lease.get().workerId();
    }

    @Override
    public WorkerLease currentLease() {
      return lease.get();
    }

    @Override
    public void release() {
      released.set(true);
    }
  }

  private static SnowflakeIdGenerator generator(HandLease lease, FakeClock clock) {
    return new SnowflakeIdGenerator(
        SnowflakeConfig.custom().clock(clock).workerIdAssigner(lease).build());
  }

  @Test
  void issuesOnlyIdsWhoseTimestampLiesInTheWindow() {
    FakeClock clock = new FakeClock(T0);
    HandLease lease = new HandLease(new WorkerLease(3, T0 + 10, T0 + 20));
    SnowflakeIdGenerator ids = generator(lease, clock);

    assertThatThrownBy(ids::nextId)
        .isInstanceOf(WorkerIdUnavailableException.class)
        .hasMessageContaining("admits ids from")
        .satisfies(
            e ->
                assertThat(((WorkerIdUnavailableException) e).retryAfter())
                    .hasValue(java.time.Duration.ofMillis(10)));
    clock.set(T0 + 10);
    assertThat(ids.parse(ids.nextId()).workerId()).isEqualTo(3);
    clock.set(T0 + 19);
    assertThat(ids.nextIds(100)).hasSize(100);
    clock.set(T0 + 20);
    assertThatThrownBy(ids::nextId)
        .isInstanceOf(WorkerIdUnavailableException.class)
        .hasMessageContaining("ended at")
        .matches(e -> ((IdGenerationException) e).isRetryable());
  }

  @Test
  void aBatchNeverSpillsPastTheWindow() {
    FakeClock clock = new FakeClock(T0 + 19);
    HandLease lease = new HandLease(new WorkerLease(1, T0, T0 + 20));
    SnowflakeIdGenerator ids = generator(lease, clock);
    ids.nextIds(4096); // the whole sequence of the last tick of the window
    clock.set(T0 + 20);

    assertThatThrownBy(() -> ids.nextIds(10)).isInstanceOf(WorkerIdUnavailableException.class);
  }

  @Test
  void noLeaseFailsRetryablyWithoutIssuing() {
    FakeClock clock = new FakeClock(T0);
    HandLease lease = new HandLease(new WorkerLease(1, Long.MIN_VALUE, T0 + 1000));
    SnowflakeIdGenerator ids = generator(lease, clock);
    lease.lease.set(null);

    assertThatThrownBy(ids::nextId)
        .isInstanceOf(WorkerIdUnavailableException.class)
        .hasMessageContaining("re-acquired");
  }

  @Test
  void aNewWorkerIdStartsAFreshTickSoIdsKeepIncreasing() {
    FakeClock clock = new FakeClock(T0);
    HandLease lease = new HandLease(new WorkerLease(7, Long.MIN_VALUE, T0 + 1000));
    SnowflakeIdGenerator ids = generator(lease, clock);
    long before = ids.nextId();

    lease.lease.set(new WorkerLease(2, Long.MIN_VALUE, T0 + 1000));
    clock.advance(1);
    long after = ids.nextId();

    assertThat(ids.parse(after).workerId()).isEqualTo(2);
    assertThat(ids.currentWorkerId()).isEqualTo(2);
    assertThat(after).isGreaterThan(before);
  }

  @Test
  void aConfigThatFailsAfterTheAssignmentReleasesTheLease() {
    HandLease outOfRange = new HandLease(new WorkerLease(99, Long.MIN_VALUE, Long.MAX_VALUE));

    assertThatThrownBy(() -> SnowflakeConfig.custom().workerIdAssigner(outOfRange).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workerId");
    assertThat(outOfRange.released).isTrue();
  }

  @Test
  void anInvalidSettingIsFoundBeforeAnyLeaseIsTaken() {
    HandLease lease = new HandLease(new WorkerLease(1, Long.MIN_VALUE, Long.MAX_VALUE));
    AtomicBoolean assigned = new AtomicBoolean();
    LeasedWorkerIdAssigner watching =
        new LeasedWorkerIdAssigner() {
          @Override
          public long assignWorkerId(SnowflakeLayout layout) {
            assigned.set(true);
            return lease.assignWorkerId(layout);
          }

          @Override
          public WorkerLease currentLease() {
            return lease.currentLease();
          }
        };

    assertThatThrownBy(
            () ->
                SnowflakeConfig.custom()
                    .workerIdAssigner(watching)
                    .reserveAhead(java.time.Duration.ofMillis(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(assigned).isFalse();
  }
}
