package io.toutiao.feed;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a {@link FeedClient}. Immutable; start from {@link #custom()} or {@link
 * #ofDefaults()}.
 *
 * <p>Timing: the whole {@link FeedClient#fetch} answers within {@link #deadline()}. The service
 * calls (first attempt and retries) share the deadline minus {@link #fallbackReserve()}, which is
 * kept for the fallback, so a host's fallback that answers within the reserve keeps the promise.
 */
public final class FeedClientConfig {

  /** Default deadline of a fetch: 5 s, as the reference's client. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

  /** Default attempts per fetch (the first and up to two retries on {@code UNAVAILABLE}). */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** Default back-off before the first retry; doubled each retry, with jitter. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(50);

  /** Default cap of the back-off. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(1);

  /** Default failed fetches in a row that open the circuit breaker. */
  public static final int DEFAULT_BREAKER_THRESHOLD = 5;

  /** Default time the breaker stays open before one probe call. */
  public static final Duration DEFAULT_BREAKER_OPEN = Duration.ofSeconds(10);

  private final Duration deadline;
  private final Duration fallbackReserve;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int breakerThreshold;
  private final Duration breakerOpen;
  private final FeedSource fallback;

  private FeedClientConfig(Builder b) {
    this.deadline = b.deadline;
    this.fallbackReserve =
        b.fallbackReserve != null ? b.fallbackReserve : defaultReserve(b.deadline);
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.breakerThreshold = b.breakerThreshold;
    this.breakerOpen = b.breakerOpen;
    this.fallback = b.fallback;
  }

  private static Duration defaultReserve(Duration deadline) {
    Duration fifth = deadline.dividedBy(5);
    return fifth.compareTo(Duration.ofMillis(500)) < 0 ? fifth : Duration.ofMillis(500);
  }

  /**
   * The defaults, without a fallback.
   *
   * @return the default settings
   */
  public static FeedClientConfig ofDefaults() {
    return custom().build();
  }

  /**
   * Starts custom settings.
   *
   * @return a builder with the defaults
   */
  public static Builder custom() {
    return new Builder();
  }

  /**
   * The deadline of one fetch.
   *
   * @return default {@link #DEFAULT_DEADLINE}
   */
  public Duration deadline() {
    return deadline;
  }

  /**
   * The part of the deadline kept for the fallback.
   *
   * @return default the smaller of a fifth of the deadline and 500 ms
   */
  public Duration fallbackReserve() {
    return fallbackReserve;
  }

  /**
   * Attempts per fetch.
   *
   * @return default {@link #DEFAULT_MAX_ATTEMPTS}
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The first retry's back-off.
   *
   * @return default {@link #DEFAULT_INITIAL_BACKOFF}
   */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /**
   * The back-off cap.
   *
   * @return default {@link #DEFAULT_MAX_BACKOFF}
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * Failed fetches in a row that open the breaker.
   *
   * @return default {@link #DEFAULT_BREAKER_THRESHOLD}
   */
  public int breakerThreshold() {
    return breakerThreshold;
  }

  /**
   * How long the breaker stays open.
   *
   * @return default {@link #DEFAULT_BREAKER_OPEN}
   */
  public Duration breakerOpen() {
    return breakerOpen;
  }

  /**
   * The fallback source.
   *
   * @return empty when none is set: failures then raise {@link FeedUnavailableException}
   */
  public Optional<FeedSource> fallback() {
    return Optional.ofNullable(fallback);
  }

  @Override
  public String toString() {
    return "FeedClientConfig{deadline="
        + deadline
        + ", fallbackReserve="
        + fallbackReserve
        + ", maxAttempts="
        + maxAttempts
        + ", backoff="
        + initialBackoff
        + ".."
        + maxBackoff
        + ", breaker="
        + breakerThreshold
        + "/"
        + breakerOpen
        + ", fallback="
        + (fallback != null)
        + "}";
  }

  /** Builds a {@link FeedClientConfig}. Not thread-safe. */
  public static final class Builder {
    private Duration deadline = DEFAULT_DEADLINE;
    private Duration fallbackReserve;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private int breakerThreshold = DEFAULT_BREAKER_THRESHOLD;
    private Duration breakerOpen = DEFAULT_BREAKER_OPEN;
    private FeedSource fallback;

    private Builder() {}

    /**
     * The deadline of one fetch, fallback included.
     *
     * @param value 10 ms to 1 minute
     * @return this builder
     */
    public Builder deadline(Duration value) {
      this.deadline = range("deadline", value, Duration.ofMillis(10), Duration.ofMinutes(1));
      return this;
    }

    /**
     * The part of the deadline kept for the fallback.
     *
     * @param value zero or more, less than the deadline (checked at build)
     * @return this builder
     */
    public Builder fallbackReserve(Duration value) {
      this.fallbackReserve = range("fallbackReserve", value, Duration.ZERO, Duration.ofMinutes(1));
      return this;
    }

    /**
     * Attempts per fetch, retries on {@code UNAVAILABLE} included.
     *
     * @param value 1 to 10
     * @return this builder
     */
    public Builder maxAttempts(int value) {
      if (value < 1 || value > 10) {
        throw new IllegalArgumentException("maxAttempts must be in [1, 10], got " + value);
      }
      this.maxAttempts = value;
      return this;
    }

    /**
     * The retry back-off: the first wait and the cap.
     *
     * @param initial 1 ms or more
     * @param max at least initial
     * @return this builder
     */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff =
          range("initialBackoff", initial, Duration.ofMillis(1), Duration.ofMinutes(1));
      this.maxBackoff = range("maxBackoff", max, initial, Duration.ofMinutes(1));
      return this;
    }

    /**
     * The circuit breaker.
     *
     * @param threshold failed fetches in a row that open it, 1 to 1000
     * @param openFor how long it stays open before a probe, 10 ms to 10 minutes
     * @return this builder
     */
    public Builder breaker(int threshold, Duration openFor) {
      if (threshold < 1 || threshold > 1000) {
        throw new IllegalArgumentException(
            "breaker threshold must be in [1, 1000], got " + threshold);
      }
      this.breakerThreshold = threshold;
      this.breakerOpen =
          range("breakerOpen", openFor, Duration.ofMillis(10), Duration.ofMinutes(10));
      return this;
    }

    /**
     * The source that answers when the service is down, slow or the breaker open, e.g. the
     * channel's newest approved articles from the host's database. Its pages are flagged ({@link
     * FeedPage#isFallback()}).
     *
     * @param value the fallback; null for none
     * @return this builder
     */
    public Builder fallback(FeedSource value) {
      this.fallback = value;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the settings
     * @throws IllegalStateException if the fallback reserve is not less than the deadline
     */
    public FeedClientConfig build() {
      FeedClientConfig c = new FeedClientConfig(this);
      if (c.fallbackReserve.compareTo(c.deadline) >= 0) {
        throw new IllegalStateException(
            "fallbackReserve "
                + c.fallbackReserve
                + " must be less than the deadline "
                + c.deadline);
      }
      return c;
    }

    private static Duration range(String name, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, name + " must not be null");
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            name + " must be in [" + min + ", " + max + "], got " + value);
      }
      return value;
    }
  }
}
