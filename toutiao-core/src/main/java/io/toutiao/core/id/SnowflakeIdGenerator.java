package io.toutiao.core.id;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues unique, increasing 63-bit ids: {@code timestamp | datacenter | worker | sequence}.
 *
 * <pre>{@code
 * SnowflakeIdGenerator ids = new SnowflakeIdGenerator(SnowflakeConfig.custom().workerId(3).build());
 * long id = ids.nextId();
 * SnowflakeId fields = ids.parse(id);   // timestamp, datacenter 0, worker 3, sequence
 * }</pre>
 *
 * <p><b>Guarantees.</b> One generator never returns the same id twice and every id it returns is
 * larger than every id it returned before, from any thread, whatever the clock does: when the clock
 * steps back the generator waits (within the configured tolerance) or throws {@link
 * ClockMovedBackwardsException}; it never issues. With a {@link HighWaterMarkStore} this also holds
 * across restarts. Two generators are distinct only if their datacenter/worker pairs differ. With a
 * {@link LeasedWorkerIdAssigner} every id's timestamp must also lie in the window of the lease it
 * is issued under, checked when the id is committed; outside one the generator throws the retryable
 * {@link WorkerIdUnavailableException} and issues nothing, so two holders of the same worker id
 * (whose windows never overlap) cannot issue the same id.
 *
 * <p><b>Throughput.</b> Lock-free (one compare-and-set per id or per batch). When the sequence of a
 * tick is used up (4096 ids per millisecond in the default layout) callers spin briefly, then park,
 * until the next tick.
 *
 * <p>Thread-safe. Close it when a high-water mark store is configured, to stop its background
 * reservation thread; otherwise closing does nothing.
 */
public final class SnowflakeIdGenerator implements AutoCloseable {

  /** The largest batch {@link #nextIds(int)} accepts: {@value}. */
  public static final int MAX_BATCH = 1_000_000;

  private static final Logger LOG = LoggerFactory.getLogger(SnowflakeIdGenerator.class);
  private static final long SPIN_NANOS = 20_000;
  private static final long PARK_NANOS = 50_000;
  private static final long RECOVERY_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final SnowflakeConfig config;
  private final SnowflakeLayout layout;
  private final InstantSource clock;
  private final int sequenceBits;
  private final long sequenceMask;
  private final int timeShift;
  private final long nodeBits;
  private final long maxTick;
  private final long tickMillis;
  private final boolean failOnRollback;
  private final long toleranceMillis;
  private final int randomStartBound;
  private final SnowflakeListener listener;
  private final boolean listening;
  private final WorkerIdAssigner assigner;
  private final LeasedWorkerIdAssigner leased;
  private final long datacenterBits;
  private final Object workerSwitch = new Object();
  private volatile long lastWorkerId;

  /** {@code tick << sequenceBits | sequence} of the last issued id. */
  private final AtomicLong state;

  private final HighWaterMarkStore store;
  private final long reserveAheadMillis;
  private final long floorTick;
  private volatile long reservedUntilTick;
  private final ScheduledExecutorService reserver;
  private final AtomicBoolean reserveFailureLogged = new AtomicBoolean();

  /**
   * Creates a generator. With a high-water mark store it reads the stored mark (ids will have later
   * timestamps), reserves time ahead and starts a daemon thread that keeps the reservation fresh.
   *
   * @param config the validated configuration
   * @throws IdGenerationException when the stored mark cannot be read or written
   */
  public SnowflakeIdGenerator(SnowflakeConfig config) {
    this.config = Objects.requireNonNull(config, "config must not be null");
    this.layout = config.layout();
    this.clock = config.clock();
    this.sequenceBits = layout.sequenceBits();
    this.sequenceMask = layout.maxSequence();
    this.timeShift = layout.datacenterBits() + layout.workerBits() + layout.sequenceBits();
    this.nodeBits = layout.compose(0, config.datacenterId(), config.workerId(), 0);
    this.maxTick = layout.maxTimestamp();
    this.tickMillis = layout.tick().toMillis();
    this.failOnRollback = config.rollbackPolicy() == ClockRollbackPolicy.FAIL;
    this.toleranceMillis = config.rollbackTolerance().toMillis();
    this.randomStartBound = config.randomSequenceStartBound();
    this.listener = config.listener();
    this.listening = listener != SnowflakeListener.NOOP;
    this.assigner = config.workerIdAssigner();
    this.leased = assigner instanceof LeasedWorkerIdAssigner leasedAssigner ? leasedAssigner : null;
    this.datacenterBits = layout.compose(0, config.datacenterId(), 0, 0);
    this.lastWorkerId = config.workerId();
    this.store = config.highWaterMarkStore();
    this.reserveAheadMillis = config.reserveAhead().toMillis();
    if (store == null) {
      this.floorTick = -1;
      this.reservedUntilTick = Long.MAX_VALUE;
      this.state = new AtomicLong(0);
      this.reserver = null;
    } else {
      Optional<Instant> mark = store.load();
      this.floorTick = mark.map(m -> layout.toTicks(m.toEpochMilli())).orElse(-1L);
      // The stored tick counts as used up: the next id has a later timestamp.
      this.state = new AtomicLong(floorTick < 0 ? 0 : (floorTick << sequenceBits) | sequenceMask);
      this.reservedUntilTick = -1;
      saveReservation(Math.max(currentTick(), floorTick));
      this.reserver = startReserver();
    }
  }

  /**
   * Creates a generator with the reference defaults (datacenter 0, worker 0). Give every process
   * its own worker id in production: {@code new
   * SnowflakeIdGenerator(SnowflakeConfig.custom()...build())}.
   *
   * @return a generator
   */
  public static SnowflakeIdGenerator withDefaults() {
    return new SnowflakeIdGenerator(SnowflakeConfig.ofDefaults());
  }

  /**
   * Returns the next id.
   *
   * @return a positive id larger than every id this generator returned before
   * @throws ClockMovedBackwardsException when the clock is behind by more than the policy allows
   * @throws IdGenerationException when the layout has run out or the high-water mark cannot be
   *     saved
   */
  public long nextId() {
    long id;
    if (leased == null) {
      id = toId(claim(1, null), nodeBits);
    } else {
      WorkerLease lease = currentLease();
      id = toId(claim(1, lease), leaseNodeBits(lease));
    }
    if (listening) {
      listener.onIdsIssued(1);
    }
    return id;
  }

  /**
   * Returns {@code count} new ids in increasing order, claiming whole runs of a tick's sequence at
   * once.
   *
   * @param count 1 to {@value #MAX_BATCH}
   * @return the ids
   * @throws IllegalArgumentException when {@code count} is out of range
   */
  public long[] nextIds(int count) {
    checkBatch(count);
    long[] ids = new long[count];
    fill(ids, 0, count);
    return ids;
  }

  /**
   * Fills part of an array with new ids in increasing order.
   *
   * @param target the array
   * @param offset first index to fill
   * @param length how many ids, 1 to {@value #MAX_BATCH}
   * @throws IllegalArgumentException when {@code length} is out of range
   * @throws IndexOutOfBoundsException when the range does not fit the array
   */
  public void nextIds(long[] target, int offset, int length) {
    Objects.requireNonNull(target, "target must not be null");
    checkBatch(length);
    Objects.checkFromIndexSize(offset, length, target.length);
    fill(target, offset, length);
  }

  private static void checkBatch(int count) {
    if (count < 1 || count > MAX_BATCH) {
      throw new IllegalArgumentException(
          "batch size must be between 1 and " + MAX_BATCH + ", got " + count);
    }
  }

  private void fill(long[] target, int offset, int length) {
    int done = 0;
    while (done < length) {
      int want = length - done;
      WorkerLease lease = leased == null ? null : currentLease();
      long node = lease == null ? nodeBits : leaseNodeBits(lease);
      long first = claim(want, lease);
      int claimed = (int) Math.min(want, sequenceMask - (first & sequenceMask) + 1);
      for (int i = 0; i < claimed; i++) {
        target[offset + done + i] = toId(first + i, node);
      }
      done += claimed;
    }
    if (listening) {
      listener.onIdsIssued(length);
    }
  }

  /**
   * Splits an id into its fields with this generator's layout.
   *
   * @param id a non-negative id
   * @return timestamp, datacenter, worker and sequence
   */
  public SnowflakeId parse(long id) {
    return layout.parse(id);
  }

  /**
   * Returns the configuration.
   *
   * @return the config
   */
  public SnowflakeConfig config() {
    return config;
  }

  /**
   * Returns the worker id ids are issued with now: the configured one, or for a {@link
   * LeasedWorkerIdAssigner} the one currently leased (it can change when a lost lease is
   * re-acquired as another id).
   *
   * @return the worker id
   */
  public long currentWorkerId() {
    return lastWorkerId;
  }

  private long toId(long claimed, long node) {
    return ((claimed >>> sequenceBits) << timeShift) | node | (claimed & sequenceMask);
  }

  private long leaseNodeBits(WorkerLease lease) {
    return datacenterBits | (lease.workerId() << sequenceBits);
  }

  /** The lease to issue with; switching worker ids starts a fresh tick so ids keep increasing. */
  private WorkerLease currentLease() {
    WorkerLease lease = leased.currentLease();
    if (lease == null) {
      throw new WorkerIdUnavailableException(
          "no worker id is leased right now (the lease was lost and is being re-acquired in the"
              + " background); no id was issued, retry shortly",
          null);
    }
    if (lease.workerId() != lastWorkerId) {
      switchWorker(lease.workerId());
    }
    return lease;
  }

  private void switchWorker(long workerId) {
    synchronized (workerSwitch) {
      if (lastWorkerId == workerId) {
        return;
      }
      while (true) {
        // Mark the last tick used up: the new worker's first id has a later timestamp.
        long prev = state.get();
        if (state.compareAndSet(prev, prev | sequenceMask)) {
          break;
        }
      }
      LOG.info(
          "Snowflake generator switches from worker id {} to {} (re-acquired lease)",
          lastWorkerId,
          workerId);
      lastWorkerId = workerId;
    }
  }

  private void checkWindow(WorkerLease lease, long tick) {
    long millis = layout.toEpochMillis(tick);
    if (!lease.allows(millis)) {
      throw outsideWindow(lease, millis);
    }
  }

  private WorkerIdUnavailableException outsideWindow(WorkerLease lease, long millis) {
    if (millis < lease.fromMillis()) {
      Duration wait = Duration.ofMillis(lease.fromMillis() - millis);
      return new WorkerIdUnavailableException(
          "the lease of worker id "
              + lease.workerId()
              + " admits ids from "
              + Instant.ofEpochMilli(lease.fromMillis())
              + " on, "
              + wait.toMillis()
              + " ms from now (an earlier holder may have issued ids until then); no id was issued",
          wait);
    }
    return new WorkerIdUnavailableException(
        "the lease of worker id "
            + lease.workerId()
            + " ended at "
            + Instant.ofEpochMilli(lease.untilMillis())
            + " and was not renewed in time (the lease store is slow or unreachable, or this"
            + " process was paused); no id was issued, retry shortly",
        null);
  }

  private long currentTick() {
    return layout.toTicks(clock.millis());
  }

  /**
   * Claims up to {@code want} consecutive sequence numbers of one tick and returns the first as
   * {@code tick << sequenceBits | sequence}; the caller derives how many it got.
   */
  private long claim(int want, WorkerLease lease) {
    if (lease == null && !assigner.isHeld()) {
      throw new IdGenerationException(
          "worker id "
              + config.workerId()
              + " is no longer held by this process (its lease was lost); no id was issued"
              + " to avoid duplicates. Build a new generator with a freshly assigned worker id");
    }
    while (true) {
      // Read the state before the clock: a tick seen in the state then never exceeds the clock
      // reading unless the clock really stepped back.
      long prev = state.get();
      long prevTick = prev >>> sequenceBits;
      long now = currentTick();
      long first;
      if (now > prevTick) {
        checkTick(now);
        long start =
            randomStartBound == 0 ? 0 : ThreadLocalRandom.current().nextInt(randomStartBound);
        first = (now << sequenceBits) | start;
      } else if (now == prevTick) {
        if ((prev & sequenceMask) == sequenceMask) {
          awaitTickAfter(prevTick);
          continue;
        }
        first = prev + 1;
      } else {
        handleRollback(prevTick, now);
        continue;
      }
      long last = first + Math.min(want, sequenceMask - (first & sequenceMask) + 1) - 1;
      if (lease != null) {
        // The timestamp written into the id, not the moment of the call, must lie in the window.
        checkWindow(lease, first >>> sequenceBits);
      }
      if (state.compareAndSet(prev, last)) {
        return first;
      }
    }
  }

  private void checkTick(long tick) {
    if (tick > reservedUntilTick) {
      reserve(tick);
    }
    if (tick > maxTick) {
      throw new IdGenerationException(
          "the Snowflake layout ran out at "
              + layout.lifetimeEnd()
              + "; no more ids can be issued with "
              + layout);
    }
  }

  private void awaitTickAfter(long tick) {
    long start = System.nanoTime();
    while (currentTick() == tick) {
      if (System.nanoTime() - start < SPIN_NANOS) {
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(PARK_NANOS);
      }
    }
    if (listening) {
      listener.onSequenceExhausted(Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private void handleRollback(long lastTick, long now) {
    long offsetMillis = (lastTick - now) * tickMillis;
    Duration offset = Duration.ofMillis(offsetMillis);
    boolean afterRestart = lastTick <= floorTick;
    long allowedMillis =
        (failOnRollback ? 0 : toleranceMillis) + (afterRestart ? reserveAheadMillis : 0);
    if (offsetMillis > allowedMillis) {
      if (listening) {
        listener.onClockBackwards(offset, false);
      }
      throw new ClockMovedBackwardsException(
          rollbackMessage(lastTick, offsetMillis, allowedMillis, afterRestart), offset);
    }
    if (listening) {
      listener.onClockBackwards(offset, true);
    }
    long deadline =
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(offsetMillis) + RECOVERY_SLACK_NANOS;
    while (currentTick() < lastTick) {
      if (System.nanoTime() > deadline) {
        throw new ClockMovedBackwardsException(
            "the clock did not catch up with the last issued timestamp "
                + Instant.ofEpochMilli(layout.toEpochMillis(lastTick))
                + " within "
                + offsetMillis
                + " ms; no id was issued",
            offset);
      }
      LockSupport.parkNanos(PARK_NANOS);
    }
  }

  private String rollbackMessage(
      long lastTick, long offsetMillis, long allowedMillis, boolean afterRestart) {
    String last = Instant.ofEpochMilli(layout.toEpochMillis(lastTick)).toString();
    if (afterRestart) {
      return "the clock is "
          + offsetMillis
          + " ms behind the high-water mark "
          + last
          + " stored by an earlier run (at most "
          + allowedMillis
          + " ms is waited out); ids issued now could repeat earlier ones. Fix the clock; no id was issued";
    }
    return "the clock moved backwards by "
        + offsetMillis
        + " ms (last issued timestamp "
        + last
        + ", policy "
        + config.rollbackPolicy()
        + " tolerates "
        + allowedMillis
        + " ms); no id was issued";
  }

  /** Saves a mark covering {@code tick} plus the reserve, unless one already covers it. */
  private synchronized void reserve(long tick) {
    if (tick > reservedUntilTick) {
      saveReservation(tick);
    }
  }

  private void saveReservation(long tick) {
    long untilMillis = layout.toEpochMillis(tick) + reserveAheadMillis;
    store.save(Instant.ofEpochMilli(untilMillis));
    reservedUntilTick = layout.toTicks(untilMillis);
  }

  private ScheduledExecutorService startReserver() {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "toutiao-snowflake-reserve");
              thread.setDaemon(true);
              return thread;
            });
    long period = Math.max(1, reserveAheadMillis / 2);
    executor.scheduleAtFixedRate(this::refreshReservation, period, period, TimeUnit.MILLISECONDS);
    return executor;
  }

  private void refreshReservation() {
    try {
      synchronized (this) {
        long now = currentTick();
        long leftMillis = layout.toEpochMillis(reservedUntilTick) - layout.toEpochMillis(now);
        if (leftMillis <= reserveAheadMillis / 2) {
          saveReservation(now);
        }
      }
      reserveFailureLogged.set(false);
    } catch (RuntimeException e) {
      if (reserveFailureLogged.compareAndSet(false, true)) {
        LOG.warn(
            "could not refresh the Snowflake high-water mark in {}; ids will wait for a synchronous save",
            store,
            e);
      }
    }
  }

  /** Stops the background reservation thread, if any. The generator still works afterwards. */
  @Override
  public void close() {
    if (reserver != null) {
      reserver.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "SnowflakeIdGenerator[datacenterId="
        + config.datacenterId()
        + ", workerId="
        + lastWorkerId
        + ", "
        + layout
        + "]";
  }
}
