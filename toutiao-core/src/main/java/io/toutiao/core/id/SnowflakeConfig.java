package io.toutiao.core.id;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Immutable configuration of a {@link SnowflakeIdGenerator}, validated when built.
 *
 * <pre>{@code
 * SnowflakeConfig config = SnowflakeConfig.custom()
 *     .datacenterId(1)
 *     .workerIdAssigner(WorkerIdAssigner.fromStatefulSetOrdinal())
 *     .highWaterMarkStore(new FileHighWaterMarkStore(Path.of("/var/lib/app/snowflake.hwm")))
 *     .build();
 * }</pre>
 *
 * <p>Defaults: {@link SnowflakeLayout#DEFAULT}, datacenter 0, worker 0, {@link
 * ClockRollbackPolicy#WAIT} with {@value #DEFAULT_ROLLBACK_TOLERANCE_MILLIS} ms tolerance, no
 * random sequence start, no high-water mark (reserve-ahead {@value #DEFAULT_RESERVE_AHEAD_MILLIS}
 * ms when one is set), the system clock, no listener.
 */
public final class SnowflakeConfig {

  /** Default longest clock step back the generator waits out: {@value} ms. */
  public static final long DEFAULT_ROLLBACK_TOLERANCE_MILLIS = 5;

  /** Default time reserved ahead in the high-water mark: {@value} ms. */
  public static final long DEFAULT_RESERVE_AHEAD_MILLIS = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(SnowflakeConfig.class);
  private static final Set<SnowflakeLayout> WARNED_LAYOUTS = ConcurrentHashMap.newKeySet();
  private static final Duration ONE_YEAR = Duration.ofDays(365);

  private final SnowflakeLayout layout;
  private final long datacenterId;
  private final long workerId;
  private final ClockRollbackPolicy rollbackPolicy;
  private final Duration rollbackTolerance;
  private final int randomSequenceStartBound;
  private final HighWaterMarkStore highWaterMarkStore;
  private final Duration reserveAhead;
  private final InstantSource clock;
  private final SnowflakeListener listener;
  private final WorkerIdAssigner workerIdAssigner;

  private SnowflakeConfig(Builder builder, long workerId) {
    this.layout = builder.layout;
    this.datacenterId = builder.datacenterId;
    this.workerId = workerId;
    this.rollbackPolicy = builder.rollbackPolicy;
    this.rollbackTolerance = builder.rollbackTolerance;
    this.randomSequenceStartBound = builder.randomSequenceStartBound;
    this.highWaterMarkStore = builder.highWaterMarkStore;
    this.reserveAhead = builder.reserveAhead;
    this.clock = builder.clock;
    this.listener = builder.listener;
    this.workerIdAssigner = builder.workerIdAssigner;
  }

  /**
   * Returns where the worker id came from; the generator asks it whether the id is still held.
   *
   * @return the assigner
   */
  public WorkerIdAssigner workerIdAssigner() {
    return workerIdAssigner;
  }

  /**
   * The default configuration: reference layout, datacenter 0, worker 0.
   *
   * @return a validated config
   */
  public static SnowflakeConfig ofDefaults() {
    return custom().build();
  }

  /**
   * Starts a configuration from the defaults.
   *
   * @return a builder
   */
  public static Builder custom() {
    return new Builder();
  }

  /**
   * Returns the bit layout.
   *
   * @return the layout
   */
  public SnowflakeLayout layout() {
    return layout;
  }

  /**
   * Returns the datacenter id.
   *
   * @return the datacenter id
   */
  public long datacenterId() {
    return datacenterId;
  }

  /**
   * Returns the worker id (as assigned when the config was built).
   *
   * @return the worker id
   */
  public long workerId() {
    return workerId;
  }

  /**
   * Returns the clock rollback policy.
   *
   * @return the policy
   */
  public ClockRollbackPolicy rollbackPolicy() {
    return rollbackPolicy;
  }

  /**
   * Returns the longest step back the {@link ClockRollbackPolicy#WAIT} policy waits out.
   *
   * @return the tolerance
   */
  public Duration rollbackTolerance() {
    return rollbackTolerance;
  }

  /**
   * Returns the exclusive bound of the random first sequence number of each tick; 0 when off.
   *
   * @return the bound
   */
  public int randomSequenceStartBound() {
    return randomSequenceStartBound;
  }

  /**
   * Returns the high-water mark store, or null when restarts are not guarded.
   *
   * @return the store or null
   */
  public HighWaterMarkStore highWaterMarkStore() {
    return highWaterMarkStore;
  }

  /**
   * Returns how far ahead of the clock the high-water mark is reserved.
   *
   * @return the reserve
   */
  public Duration reserveAhead() {
    return reserveAhead;
  }

  /**
   * Returns the clock.
   *
   * @return the clock
   */
  public InstantSource clock() {
    return clock;
  }

  /**
   * Returns the listener.
   *
   * @return the listener, {@link SnowflakeListener#NOOP} by default
   */
  public SnowflakeListener listener() {
    return listener;
  }

  /**
   * Returns the instant the layout's timestamp bits run out.
   *
   * @return the end of the lifetime
   */
  public Instant lifetimeEnd() {
    return layout.lifetimeEnd();
  }

  @Override
  public String toString() {
    return "SnowflakeConfig[layout="
        + layout
        + ", datacenterId="
        + datacenterId
        + ", workerId="
        + workerId
        + ", rollbackPolicy="
        + rollbackPolicy
        + ", rollbackTolerance="
        + rollbackTolerance
        + ", randomSequenceStartBound="
        + randomSequenceStartBound
        + ", highWaterMarkStore="
        + highWaterMarkStore
        + "]";
  }

  /** Builds a {@link SnowflakeConfig}. Not thread-safe. */
  public static final class Builder {
    private SnowflakeLayout layout = SnowflakeLayout.DEFAULT;
    private long datacenterId;
    private WorkerIdAssigner workerIdAssigner = WorkerIdAssigner.fixed(0);
    private ClockRollbackPolicy rollbackPolicy = ClockRollbackPolicy.WAIT;
    private Duration rollbackTolerance = Duration.ofMillis(DEFAULT_ROLLBACK_TOLERANCE_MILLIS);
    private int randomSequenceStartBound;
    private HighWaterMarkStore highWaterMarkStore;
    private Duration reserveAhead = Duration.ofMillis(DEFAULT_RESERVE_AHEAD_MILLIS);
    private InstantSource clock = InstantSource.system();
    private SnowflakeListener listener = SnowflakeListener.NOOP;

    private Builder() {}

    /**
     * Sets the bit layout (default {@link SnowflakeLayout#DEFAULT}).
     *
     * @param layout the layout
     * @return this builder
     */
    public Builder layout(SnowflakeLayout layout) {
      this.layout = Objects.requireNonNull(layout, "layout must not be null");
      return this;
    }

    /**
     * Sets the datacenter id (default 0).
     *
     * @param datacenterId {@code 0..layout.maxDatacenterId()}
     * @return this builder
     */
    public Builder datacenterId(long datacenterId) {
      this.datacenterId = datacenterId;
      return this;
    }

    /**
     * Sets a fixed worker id (default 0).
     *
     * @param workerId {@code 0..layout.maxWorkerId()}
     * @return this builder
     */
    public Builder workerId(long workerId) {
      this.workerIdAssigner = WorkerIdAssigner.fixed(workerId);
      return this;
    }

    /**
     * Sets where the worker id comes from; consulted once, by {@link #build()}.
     *
     * @param assigner e.g. {@link WorkerIdAssigner#fromStatefulSetOrdinal()}
     * @return this builder
     */
    public Builder workerIdAssigner(WorkerIdAssigner assigner) {
      this.workerIdAssigner = Objects.requireNonNull(assigner, "workerIdAssigner must not be null");
      return this;
    }

    /**
     * Sets the clock rollback policy and the tolerance of {@link ClockRollbackPolicy#WAIT}.
     *
     * @param policy the policy (default WAIT)
     * @param tolerance longest step back to wait out, 0..10 s (default 5 ms); ignored by FAIL
     * @return this builder
     */
    public Builder clockRollback(ClockRollbackPolicy policy, Duration tolerance) {
      this.rollbackPolicy = Objects.requireNonNull(policy, "policy must not be null");
      this.rollbackTolerance = Objects.requireNonNull(tolerance, "tolerance must not be null");
      return this;
    }

    /**
     * Starts the sequence of each new tick at a random number below {@code bound}, so that ids of
     * low-traffic services are not all even (useful when ids are sharded by {@code id % n}).
     *
     * @param bound 0 (off, the default) up to half the sequence range
     * @return this builder
     */
    public Builder randomSequenceStart(int bound) {
      this.randomSequenceStartBound = bound;
      return this;
    }

    /**
     * Guards restarts with a persisted high-water mark (default none).
     *
     * @param store where the mark lives; null to turn off
     * @return this builder
     */
    public Builder highWaterMarkStore(HighWaterMarkStore store) {
      this.highWaterMarkStore = store;
      return this;
    }

    /**
     * Sets how far ahead of the clock the high-water mark is reserved (default 1 s). After a
     * restart sooner than this, the generator waits until the clock passes the mark.
     *
     * @param reserveAhead 100 ms to 1 minute
     * @return this builder
     */
    public Builder reserveAhead(Duration reserveAhead) {
      this.reserveAhead = Objects.requireNonNull(reserveAhead, "reserveAhead must not be null");
      return this;
    }

    /**
     * Sets the clock (default the system clock); tests pass a controllable one.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * Sets the event listener (default none).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(SnowflakeListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener must not be null");
      return this;
    }

    /**
     * Validates everything, asks the worker-id assigner for the worker id and builds the config.
     *
     * @return the config
     * @throws IllegalArgumentException naming a value outside its allowed range
     * @throws IllegalStateException when the epoch is in the future or the layout has run out
     */
    public SnowflakeConfig build() {
      checkRange(
          "datacenterId",
          datacenterId,
          0,
          layout.maxDatacenterId(),
          "the layout's " + layout.datacenterBits() + " datacenter bits");
      if (rollbackTolerance.isNegative()
          || rollbackTolerance.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException(
            "rollback tolerance must be between 0 and 10 s, got " + rollbackTolerance);
      }
      long maxStart = (layout.maxSequence() + 1) / 2;
      checkRange(
          "randomSequenceStart bound",
          randomSequenceStartBound,
          0,
          maxStart,
          "half the sequence range");
      if (reserveAhead.compareTo(Duration.ofMillis(100)) < 0
          || reserveAhead.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "reserveAhead must be between 100 ms and 1 minute, got " + reserveAhead);
      }
      checkLifetime();
      // Last, so that nothing after the assignment can fail and leave a lease held for nothing.
      long workerId = workerIdAssigner.assignWorkerId(layout, datacenterId);
      try {
        checkRange(
            "workerId",
            workerId,
            0,
            layout.maxWorkerId(),
            "the layout's " + layout.workerBits() + " worker bits");
        return new SnowflakeConfig(this, workerId);
      } catch (RuntimeException e) {
        workerIdAssigner.release();
        throw e;
      }
    }

    private void checkLifetime() {
      Instant now = clock.instant();
      if (layout.epoch().isAfter(now)) {
        throw new IllegalStateException(
            "epoch "
                + layout.epoch()
                + " is in the future (now "
                + now
                + "); ids would have negative timestamps");
      }
      Instant end = layout.lifetimeEnd();
      if (!end.isAfter(now)) {
        throw new IllegalStateException(
            "the layout ran out at "
                + end
                + " (now "
                + now
                + "): its "
                + layout.timeBits()
                + " timestamp bits of "
                + layout.tick()
                + " since "
                + layout.epoch()
                + " are used up; choose a later epoch, more time bits or a longer tick");
      }
      if (Duration.between(now, end).compareTo(ONE_YEAR) < 0 && WARNED_LAYOUTS.add(layout)) {
        LOG.warn(
            "Snowflake layout runs out at {}, less than a year from now; plan a new epoch or layout: {}",
            end,
            layout);
      }
    }

    private static void checkRange(String name, long value, long min, long max, String why) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + " (" + why + "), got " + value);
      }
    }
  }
}
