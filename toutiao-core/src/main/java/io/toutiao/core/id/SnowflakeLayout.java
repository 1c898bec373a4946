package io.toutiao.core.id;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The bit layout of a Snowflake id: {@code 0 | timestamp | datacenter | worker | sequence}, with
 * the timestamp counted in ticks of {@link #tick()} since {@link #epoch()}.
 *
 * <p>{@link #DEFAULT} is the reference layout: 41 bits of milliseconds since 1288834974657
 * (2010-11-04T01:42:54.657Z), 5 bits of datacenter, 5 bits of worker, 12 bits of sequence, lasting
 * until 2080-07-10. Custom layouts are built with {@link #builder()}; the widths must add up to 63
 * (the sign bit stays 0 so ids are positive). Immutable and thread-safe.
 */
public final class SnowflakeLayout {

  /** The reference epoch, 1288834974657 ms (2010-11-04T01:42:54.657Z). */
  public static final Instant DEFAULT_EPOCH = Instant.ofEpochMilli(1288834974657L);

  /** Bits of the id below the sign bit. */
  public static final int PAYLOAD_BITS = 63;

  /** The reference layout: 41-bit milliseconds, 5-bit datacenter, 5-bit worker, 12-bit sequence. */
  public static final SnowflakeLayout DEFAULT = builder().build();

  private final int timeBits;
  private final int datacenterBits;
  private final int workerBits;
  private final int sequenceBits;
  private final Duration tick;
  private final long tickMillis;
  private final Instant epoch;
  private final long epochMillis;

  private SnowflakeLayout(Builder builder) {
    this.timeBits = builder.timeBits;
    this.datacenterBits = builder.datacenterBits;
    this.workerBits = builder.workerBits;
    this.sequenceBits = builder.sequenceBits;
    this.tick = builder.tick;
    this.tickMillis = builder.tick.toMillis();
    this.epochMillis = builder.epoch.toEpochMilli();
    this.epoch = Instant.ofEpochMilli(epochMillis);
  }

  /**
   * Starts a layout with the reference values.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the width of the timestamp field.
   *
   * @return bits of timestamp
   */
  public int timeBits() {
    return timeBits;
  }

  /**
   * Returns the width of the datacenter field (may be 0).
   *
   * @return bits of datacenter id
   */
  public int datacenterBits() {
    return datacenterBits;
  }

  /**
   * Returns the width of the worker field (may be 0).
   *
   * @return bits of worker id
   */
  public int workerBits() {
    return workerBits;
  }

  /**
   * Returns the width of the sequence field.
   *
   * @return bits of sequence
   */
  public int sequenceBits() {
    return sequenceBits;
  }

  /**
   * Returns the unit of the timestamp field.
   *
   * @return a whole number of milliseconds, 1 ms by default
   */
  public Duration tick() {
    return tick;
  }

  /**
   * Returns the instant of timestamp 0.
   *
   * @return the epoch
   */
  public Instant epoch() {
    return epoch;
  }

  /**
   * Returns the largest datacenter id, {@code 2^datacenterBits - 1}.
   *
   * @return the maximum datacenter id
   */
  public long maxDatacenterId() {
    return (1L << datacenterBits) - 1;
  }

  /**
   * Returns the largest worker id, {@code 2^workerBits - 1}.
   *
   * @return the maximum worker id
   */
  public long maxWorkerId() {
    return (1L << workerBits) - 1;
  }

  /**
   * Returns the largest sequence number within one tick, {@code 2^sequenceBits - 1}.
   *
   * @return the maximum sequence
   */
  public long maxSequence() {
    return (1L << sequenceBits) - 1;
  }

  /**
   * Returns the largest timestamp, in ticks since the epoch.
   *
   * @return the maximum timestamp
   */
  public long maxTimestamp() {
    return (1L << timeBits) - 1;
  }

  /**
   * Returns the last instant this layout can represent: after it the timestamp bits run out.
   *
   * @return the end of the layout's lifetime
   */
  public Instant lifetimeEnd() {
    try {
      return Instant.ofEpochMilli(
          Math.addExact(epochMillis, Math.multiplyExact(maxTimestamp(), tickMillis)));
    } catch (ArithmeticException beyondLongRange) {
      return Instant.ofEpochMilli(Long.MAX_VALUE);
    }
  }

  /**
   * Returns how many ids one generator can issue per second at most.
   *
   * @return {@code 2^sequenceBits * 1000 / tickMillis}
   */
  public long maxIdsPerSecond() {
    return (maxSequence() + 1) * 1000 / tickMillis;
  }

  /**
   * Composes an id from its fields. Fields are not range-checked here; the generator guarantees
   * them.
   *
   * @param timestamp ticks since the epoch
   * @param datacenterId datacenter id
   * @param workerId worker id
   * @param sequence sequence within the tick
   * @return the id
   */
  public long compose(long timestamp, long datacenterId, long workerId, long sequence) {
    return (timestamp << (datacenterBits + workerBits + sequenceBits))
        | (datacenterId << (workerBits + sequenceBits))
        | (workerId << sequenceBits)
        | sequence;
  }

  /**
   * Splits an id into its fields.
   *
   * @param id a non-negative id made with this layout
   * @return the fields, with the timestamp as an {@link Instant}
   * @throws IllegalArgumentException if {@code id} is negative
   */
  public SnowflakeId parse(long id) {
    if (id < 0) {
      throw new IllegalArgumentException("id must not be negative, got " + id);
    }
    long sequence = id & maxSequence();
    long worker = (id >>> sequenceBits) & maxWorkerId();
    long datacenter = (id >>> (sequenceBits + workerBits)) & maxDatacenterId();
    long timestamp = id >>> (sequenceBits + workerBits + datacenterBits);
    Instant time = Instant.ofEpochMilli(epochMillis + timestamp * tickMillis);
    return new SnowflakeId(id, time, datacenter, worker, sequence);
  }

  /**
   * Converts wall-clock milliseconds to this layout's ticks since the epoch (may be negative).
   *
   * @param epochMillis milliseconds since 1970
   * @return ticks since this layout's epoch
   */
  public long toTicks(long epochMillis) {
    long sinceEpoch = epochMillis - this.epochMillis;
    return tickMillis == 1 ? sinceEpoch : Math.floorDiv(sinceEpoch, tickMillis);
  }

  /**
   * Converts ticks since this layout's epoch to wall-clock milliseconds.
   *
   * @param ticks ticks since the epoch
   * @return milliseconds since 1970
   */
  public long toEpochMillis(long ticks) {
    return epochMillis + ticks * tickMillis;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SnowflakeLayout that
        && timeBits == that.timeBits
        && datacenterBits == that.datacenterBits
        && workerBits == that.workerBits
        && sequenceBits == that.sequenceBits
        && tickMillis == that.tickMillis
        && epochMillis == that.epochMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        timeBits, datacenterBits, workerBits, sequenceBits, tickMillis, epochMillis);
  }

  @Override
  public String toString() {
    return "SnowflakeLayout[time="
        + timeBits
        + " bits of "
        + tick
        + ", datacenter="
        + datacenterBits
        + ", worker="
        + workerBits
        + ", sequence="
        + sequenceBits
        + ", epoch="
        + epoch
        + ", lifetimeEnd="
        + lifetimeEnd()
        + "]";
  }

  /** Builds a {@link SnowflakeLayout}; starts from the reference values. Not thread-safe. */
  public static final class Builder {
    private int timeBits = 41;
    private int datacenterBits = 5;
    private int workerBits = 5;
    private int sequenceBits = 12;
    private Duration tick = Duration.ofMillis(1);
    private Instant epoch = DEFAULT_EPOCH;

    private Builder() {}

    /**
     * Sets the field widths; they must add up to 63.
     *
     * @param timeBits timestamp bits, 1..62
     * @param datacenterBits datacenter bits, 0..31
     * @param workerBits worker bits, 0..31
     * @param sequenceBits sequence bits, 1..31
     * @return this builder
     */
    public Builder bits(int timeBits, int datacenterBits, int workerBits, int sequenceBits) {
      this.timeBits = timeBits;
      this.datacenterBits = datacenterBits;
      this.workerBits = workerBits;
      this.sequenceBits = sequenceBits;
      return this;
    }

    /**
     * Sets the unit of the timestamp (default 1 ms); longer ticks stretch the lifetime.
     *
     * @param tick a positive whole number of milliseconds
     * @return this builder
     */
    public Builder tick(Duration tick) {
      this.tick = Objects.requireNonNull(tick, "tick must not be null");
      return this;
    }

    /**
     * Sets the instant of timestamp 0 (default {@link #DEFAULT_EPOCH}), truncated to milliseconds.
     *
     * @param epoch at or after 1970-01-01T00:00:00Z
     * @return this builder
     */
    public Builder epoch(Instant epoch) {
      this.epoch = Objects.requireNonNull(epoch, "epoch must not be null");
      return this;
    }

    /**
     * Validates and builds the layout. The epoch is checked against the clock by {@link
     * SnowflakeConfig}, not here.
     *
     * @return the layout
     * @throws IllegalArgumentException naming the bad value and the allowed range
     */
    public SnowflakeLayout build() {
      checkRange("timeBits", timeBits, 1, 62);
      checkRange("datacenterBits", datacenterBits, 0, 31);
      checkRange("workerBits", workerBits, 0, 31);
      checkRange("sequenceBits", sequenceBits, 1, 31);
      int sum = timeBits + datacenterBits + workerBits + sequenceBits;
      if (sum != PAYLOAD_BITS) {
        throw new IllegalArgumentException(
            "bit widths must add up to 63 (time "
                + timeBits
                + " + datacenter "
                + datacenterBits
                + " + worker "
                + workerBits
                + " + sequence "
                + sequenceBits
                + " = "
                + sum
                + ")");
      }
      if (tick.isNegative() || tick.isZero() || tick.toNanos() % 1_000_000 != 0) {
        throw new IllegalArgumentException(
            "tick must be a positive whole number of milliseconds, got " + tick);
      }
      if (epoch.toEpochMilli() < 0) {
        throw new IllegalArgumentException(
            "epoch must not be before 1970-01-01T00:00:00Z, got " + epoch);
      }
      return new SnowflakeLayout(this);
    }

    private static void checkRange(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ", got " + value);
      }
    }
  }
}
