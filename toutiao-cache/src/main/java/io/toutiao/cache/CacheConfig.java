package io.toutiao.cache;

import io.toutiao.cache.internal.KeyPattern;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Immutable configuration of a {@link TwoLevelCache}, validated when built.
 *
 * <pre>{@code
 * CacheConfig<Long, UserProfile> config = CacheConfig.<Long, UserProfile>builder("user-profile")
 *     .keyPattern("user:{}:profile")
 *     .codec(Codecs.json(UserProfile.class))
 *     .loader(id -> userMapper.selectProfile(id))     // null when the user does not exist
 *     .build();
 * }</pre>
 *
 * <p>Defaults follow the reference's user-profile cache: Redis TTL 1800 s plus a random jitter
 * below 600 s; "does not exist" cached for 300 s plus jitter below 60 s; L1 (Caffeine) 10,000
 * entries for 30 s; cross-node load lease 5 s, others wait up to 3 s for it; Redis circuit opens
 * after 3 consecutive failures for 5 s, during which at most 8 loads run at once; invalidations
 * published on {@code toutiao:cache:invalidate:<name>}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CacheConfig<K, V> {

  private final String name;
  private final Function<K, String> keyFunction;
  private final Codec<V> codec;
  private final CacheLoader<K, V> loader;
  private final BatchLoader<K, V> batchLoader;
  private final long l1MaximumSize;
  private final Duration l1Ttl;
  private final Duration ttl;
  private final Duration ttlJitter;
  private final Duration nullTtl;
  private final Duration nullTtlJitter;
  private final String nullMarker;
  private final BloomFilter bloomFilter;
  private final Duration leaseTtl;
  private final Duration leaseWait;
  private final int circuitFailureThreshold;
  private final Duration circuitOpenDuration;
  private final int degradedLoadConcurrency;
  private final Duration loadPermitTimeout;
  private final String invalidationChannel;
  private final Duration delayedSecondDelete;
  private final double refreshAhead;
  private final Duration maxStaleness;
  private final Duration redisTimeout;
  private final CacheListener listener;

  private CacheConfig(Builder<K, V> b) {
    this.name = b.name;
    this.keyFunction = b.keyFunction;
    this.codec = b.codec;
    this.loader = b.loader;
    this.batchLoader = b.batchLoader;
    this.l1MaximumSize = b.l1MaximumSize;
    this.l1Ttl = b.l1Ttl;
    this.ttl = b.ttl;
    this.ttlJitter = b.ttlJitter;
    this.nullTtl = b.nullTtl;
    this.nullTtlJitter = b.nullTtlJitter;
    this.nullMarker = b.nullMarker;
    this.bloomFilter = b.bloomFilter;
    this.leaseTtl = b.leaseTtl;
    this.leaseWait = b.leaseWait;
    this.circuitFailureThreshold = b.circuitFailureThreshold;
    this.circuitOpenDuration = b.circuitOpenDuration;
    this.degradedLoadConcurrency = b.degradedLoadConcurrency;
    this.loadPermitTimeout = b.loadPermitTimeout;
    this.invalidationChannel =
        b.invalidationChannel != null
            ? b.invalidationChannel
            : "toutiao:cache:invalidate:" + b.name;
    this.delayedSecondDelete = b.delayedSecondDelete;
    this.refreshAhead = b.refreshAhead;
    this.maxStaleness = b.maxStaleness;
    this.redisTimeout = b.redisTimeout;
    this.listener = b.listener;
  }

  /**
   * Starts a configuration.
   *
   * @param name the cache name, used in the default key pattern ({@code <name>:{}}), the
   *     invalidation channel, logs and stats
   * @param <K> the key type
   * @param <V> the value type
   * @return a builder with the defaults
   */
  public static <K, V> Builder<K, V> builder(String name) {
    return new Builder<>(name);
  }

  /**
   * @return the cache name
   */
  public String name() {
    return name;
  }

  /**
   * Builds the Redis key of a cache key.
   *
   * @param key the key
   * @return the Redis key, e.g. {@code user:42:profile}
   */
  public String redisKey(K key) {
    return keyFunction.apply(key);
  }

  /**
   * @return the codec
   */
  public Codec<V> codec() {
    return codec;
  }

  /**
   * @return the loader
   */
  public CacheLoader<K, V> loader() {
    return loader;
  }

  /**
   * @return the batch loader, or null
   */
  public BatchLoader<K, V> batchLoader() {
    return batchLoader;
  }

  /**
   * @return L1 capacity in entries
   */
  public long l1MaximumSize() {
    return l1MaximumSize;
  }

  /**
   * @return L1 time to live
   */
  public Duration l1Ttl() {
    return l1Ttl;
  }

  /**
   * @return Redis time to live of values, before jitter
   */
  public Duration ttl() {
    return ttl;
  }

  /**
   * @return the exclusive bound of the random extra added to {@link #ttl()}
   */
  public Duration ttlJitter() {
    return ttlJitter;
  }

  /**
   * @return time to live of "does not exist" markers, before jitter
   */
  public Duration nullTtl() {
    return nullTtl;
  }

  /**
   * @return the exclusive bound of the random extra added to {@link #nullTtl()}
   */
  public Duration nullTtlJitter() {
    return nullTtlJitter;
  }

  /**
   * @return the bytes (as text) stored in Redis for "does not exist"
   */
  public String nullMarker() {
    return nullMarker;
  }

  /**
   * @return the Bloom-filter gate, or null
   */
  public BloomFilter bloomFilter() {
    return bloomFilter;
  }

  /**
   * @return how long a cross-node load lease lasts
   */
  public Duration leaseTtl() {
    return leaseTtl;
  }

  /**
   * @return how long other nodes wait for the lease holder's value before loading themselves
   */
  public Duration leaseWait() {
    return leaseWait;
  }

  /**
   * @return consecutive Redis failures that open the circuit
   */
  public int circuitFailureThreshold() {
    return circuitFailureThreshold;
  }

  /**
   * @return how long the circuit stays open before Redis is tried again
   */
  public Duration circuitOpenDuration() {
    return circuitOpenDuration;
  }

  /**
   * @return loads allowed at once while Redis is bypassed
   */
  public int degradedLoadConcurrency() {
    return degradedLoadConcurrency;
  }

  /**
   * @return how long a degraded read waits for a load permit
   */
  public Duration loadPermitTimeout() {
    return loadPermitTimeout;
  }

  /**
   * @return the pub/sub channel of invalidations
   */
  public String invalidationChannel() {
    return invalidationChannel;
  }

  /**
   * @return the delay of the second Redis delete after an invalidation, or null for none
   */
  public Duration delayedSecondDelete() {
    return delayedSecondDelete;
  }

  /**
   * Returns the fraction of the Redis TTL after which a read triggers a background reload.
   *
   * @return the fraction, 0 when refresh-ahead is off
   */
  public double refreshAhead() {
    return refreshAhead;
  }

  /**
   * @return the longest time an L1 entry is served after another node's invalidation of it
   *     returned, whatever happens to the invalidation path
   */
  public Duration maxStaleness() {
    return maxStaleness;
  }

  /**
   * @return the deadline of one Redis step of a read (borrowing a connection included)
   */
  public Duration redisTimeout() {
    return redisTimeout;
  }

  /**
   * @return the listener
   */
  public CacheListener listener() {
    return listener;
  }

  @Override
  public String toString() {
    return "CacheConfig[name="
        + name
        + ", ttl="
        + ttl
        + "+<"
        + ttlJitter
        + ", nullTtl="
        + nullTtl
        + "+<"
        + nullTtlJitter
        + ", l1="
        + l1MaximumSize
        + " for "
        + l1Ttl
        + ", bloomFilter="
        + (bloomFilter != null)
        + "]";
  }

  /**
   * Builds a {@link CacheConfig}. Not thread-safe.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {
    private final String name;
    private Function<K, String> keyFunction;
    private Codec<V> codec;
    private CacheLoader<K, V> loader;
    private BatchLoader<K, V> batchLoader;
    private long l1MaximumSize = 10_000;
    private Duration l1Ttl = Duration.ofSeconds(30);
    private Duration ttl = Duration.ofSeconds(1800);
    private Duration ttlJitter = Duration.ofSeconds(600);
    private Duration nullTtl = Duration.ofSeconds(300);
    private Duration nullTtlJitter = Duration.ofSeconds(60);
    private String nullMarker = "-1";
    private BloomFilter bloomFilter;
    private Duration leaseTtl = Duration.ofSeconds(5);
    private Duration leaseWait = Duration.ofSeconds(3);
    private int circuitFailureThreshold = 3;
    private Duration circuitOpenDuration = Duration.ofSeconds(5);
    private int degradedLoadConcurrency = 8;
    private Duration loadPermitTimeout = Duration.ofSeconds(5);
    private String invalidationChannel;
    private Duration delayedSecondDelete;
    private double refreshAhead;
    private Duration maxStaleness = Duration.ofSeconds(2);
    private Duration redisTimeout = Duration.ofMillis(500);
    private CacheListener listener = CacheListener.NOOP;

    private Builder(String name) {
      Objects.requireNonNull(name, "name must not be null");
      if (!name.matches("[A-Za-z0-9._:-]{1,64}")) {
        throw new IllegalArgumentException(
            "cache name must be 1-64 characters of A-Za-z0-9._:-, got '" + name + "'");
      }
      this.name = name;
      this.keyFunction = key -> name + ":" + key;
    }

    /**
     * Sets the Redis key pattern; {@code {}} stands for the key's string form (default {@code
     * <name>:{}}).
     *
     * @param pattern e.g. {@code user:{}:profile}
     * @return this builder
     */
    public Builder<K, V> keyPattern(String pattern) {
      KeyPattern parsed = KeyPattern.parse(pattern);
      this.keyFunction = parsed::format;
      return this;
    }

    /**
     * Sets how keys become Redis keys, for keys whose {@code toString()} is not the right form.
     *
     * @param keyFunction key to Redis key
     * @return this builder
     */
    public Builder<K, V> keyFunction(Function<K, String> keyFunction) {
      this.keyFunction = Objects.requireNonNull(keyFunction, "keyFunction must not be null");
      return this;
    }

    /**
     * Sets the value codec (required; {@link Codecs#json(Class)} for objects).
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder<K, V> codec(Codec<V> codec) {
      this.codec = Objects.requireNonNull(codec, "codec must not be null");
      return this;
    }

    /**
     * Sets the loader called on a miss in both levels (required).
     *
     * @param loader the loader
     * @return this builder
     */
    public Builder<K, V> loader(CacheLoader<K, V> loader) {
      this.loader = Objects.requireNonNull(loader, "loader must not be null");
      return this;
    }

    /**
     * Sets a loader for many keys at once, used by {@link TwoLevelCache#getAll}.
     *
     * @param batchLoader the batch loader
     * @return this builder
     */
    public Builder<K, V> batchLoader(BatchLoader<K, V> batchLoader) {
      this.batchLoader = batchLoader;
      return this;
    }

    /**
     * Sets the L1 (Caffeine) capacity and time to live.
     *
     * @param maximumSize 1 to 100,000,000 entries (default 10,000)
     * @param ttl 1 ms to the Redis TTL (default 30 s); short, because other nodes' writes reach L1
     *     only through invalidation messages
     * @return this builder
     */
    public Builder<K, V> l1(long maximumSize, Duration ttl) {
      this.l1MaximumSize = maximumSize;
      this.l1Ttl = Objects.requireNonNull(ttl, "ttl must not be null");
      return this;
    }

    /**
     * Sets the Redis time to live of values: {@code ttl + random[0, jitter)} against avalanches.
     *
     * @param ttl at least 1 s (default 1800 s)
     * @param jitter 0 (off), or 1 ms up to the ttl (default 600 s)
     * @return this builder
     */
    public Builder<K, V> ttl(Duration ttl, Duration jitter) {
      this.ttl = Objects.requireNonNull(ttl, "ttl must not be null");
      this.ttlJitter = Objects.requireNonNull(jitter, "jitter must not be null");
      return this;
    }

    /**
     * Sets the time to live of "does not exist" markers (penetration protection).
     *
     * @param ttl at least 1 s (default 300 s)
     * @param jitter 0 (off), or 1 ms up to the ttl (default 60 s)
     * @return this builder
     */
    public Builder<K, V> nullTtl(Duration ttl, Duration jitter) {
      this.nullTtl = Objects.requireNonNull(ttl, "ttl must not be null");
      this.nullTtlJitter = Objects.requireNonNull(jitter, "jitter must not be null");
      return this;
    }

    /**
     * Sets the text stored in Redis for "does not exist" (default {@code -1}, as the reference). It
     * must not be a valid encoding of a real value.
     *
     * @param marker non-empty text
     * @return this builder
     */
    public Builder<K, V> nullMarker(String marker) {
      if (marker == null || marker.isEmpty()) {
        throw new IllegalArgumentException("nullMarker must not be empty");
      }
      this.nullMarker = marker;
      return this;
    }

    /**
     * Sets a Bloom-filter gate: keys it has not seen are absent without touching Redis or the
     * loader.
     *
     * @param filter the filter, fed with Redis keys ({@link CacheConfig#redisKey}), or null for
     *     none
     * @return this builder
     */
    public Builder<K, V> bloomFilter(BloomFilter filter) {
      this.bloomFilter = filter;
      return this;
    }

    /**
     * Sets the cross-node load lease: one node loads a missing key while the others wait for its
     * value in Redis.
     *
     * @param ttl lease lifetime, longer than a load normally takes (default 5 s)
     * @param wait how long the others wait before loading themselves (default 3 s, at most the ttl)
     * @return this builder
     */
    public Builder<K, V> lease(Duration ttl, Duration wait) {
      this.leaseTtl = Objects.requireNonNull(ttl, "ttl must not be null");
      this.leaseWait = Objects.requireNonNull(wait, "wait must not be null");
      return this;
    }

    /**
     * Sets the Redis circuit breaker and the loader limit while it is open.
     *
     * @param failureThreshold consecutive failures that open it (default 3)
     * @param openDuration how long Redis is bypassed before it is tried again (default 5 s)
     * @param loadConcurrency loads allowed at once while open (default 8)
     * @return this builder
     */
    public Builder<K, V> circuitBreaker(
        int failureThreshold, Duration openDuration, int loadConcurrency) {
      this.circuitFailureThreshold = failureThreshold;
      this.circuitOpenDuration =
          Objects.requireNonNull(openDuration, "openDuration must not be null");
      this.degradedLoadConcurrency = loadConcurrency;
      return this;
    }

    /**
     * Sets the pub/sub channel for invalidations (default {@code toutiao:cache:invalidate:<name>}).
     *
     * @param channel the channel
     * @return this builder
     */
    public Builder<K, V> invalidationChannel(String channel) {
      this.invalidationChannel = Objects.requireNonNull(channel, "channel must not be null");
      return this;
    }

    /**
     * Deletes the Redis key a second time after {@code delay} on every invalidation, to remove a
     * stale value that a concurrent reader loaded before the database commit (the "delayed double
     * delete").
     *
     * @param delay e.g. 500 ms; null for none (default)
     * @return this builder
     */
    public Builder<K, V> delayedSecondDelete(Duration delay) {
      this.delayedSecondDelete = delay;
      return this;
    }

    /**
     * Turns on refresh-ahead: a Redis read of an entry older than {@code fraction} of its TTL
     * reloads it in the background (one node at a time, under the load lease) while the current
     * value is served, so hot keys do not expire under load.
     *
     * @param fraction in (0, 1), e.g. 0.8; 0 turns it off (default)
     * @return this builder
     */
    public Builder<K, V> refreshAhead(double fraction) {
      if (!(fraction >= 0 && fraction < 1)) {
        throw new IllegalArgumentException(
            "refresh-ahead fraction must be in [0, 1), got " + fraction);
      }
      this.refreshAhead = fraction;
      return this;
    }

    /**
     * Sets the staleness bound: after another node's {@link TwoLevelCache#invalidate} returned,
     * this node serves the old value from L1 for at most this long, also when the invalidation path
     * is broken (connection killed or frozen, Redis restarted, messages lost). The shared {@link
     * InvalidationBus} proves its subscription with a heartbeat four times per bound; when the
     * proof is overdue, L1 entries older than the bound are not served (reads go to Redis, or to
     * the loader when Redis is down) until the subscription is proven again.
     *
     * @param bound 50 ms to the L1 ttl or more (default 2 s); the L1 ttl itself when you accept
     *     staleness up to the L1 ttl during outages
     * @return this builder
     */
    public Builder<K, V> maxStaleness(Duration bound) {
      this.maxStaleness = Objects.requireNonNull(bound, "bound must not be null");
      return this;
    }

    /**
     * Sets the deadline of each Redis step of a read (borrowing the connection from the client's
     * pool, then the command's reply). Past it the step counts as a Redis failure and the read goes
     * to the loader, so a hung Redis delays a read by at most this much. On a Redis Cluster client
     * the client's own socket timeout applies instead (Jedis routes cluster commands).
     *
     * @param timeout 1 ms to 60 s (default 500 ms)
     * @return this builder
     */
    public Builder<K, V> redisTimeout(Duration timeout) {
      this.redisTimeout = Objects.requireNonNull(timeout, "timeout must not be null");
      return this;
    }

    /**
     * Sets the event listener.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder<K, V> listener(CacheListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener must not be null");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the config
     * @throws IllegalArgumentException naming a value outside its range
     * @throws IllegalStateException when the codec or loader is missing
     */
    public CacheConfig<K, V> build() {
      if (codec == null || loader == null) {
        throw new IllegalStateException("cache '" + name + "' needs a codec and a loader");
      }
      if (l1MaximumSize < 1 || l1MaximumSize > 100_000_000) {
        throw new IllegalArgumentException(
            "L1 maximum size must be between 1 and 100000000, got " + l1MaximumSize);
      }
      atLeast("ttl", ttl, Duration.ofSeconds(1));
      atLeast("null ttl", nullTtl, Duration.ofSeconds(1));
      jitter("ttl jitter", ttlJitter, ttl);
      jitter("null ttl jitter", nullTtlJitter, nullTtl);
      atLeast("L1 ttl", l1Ttl, Duration.ofMillis(1));
      if (l1Ttl.compareTo(ttl) > 0) {
        throw new IllegalArgumentException(
            "L1 ttl " + l1Ttl + " must not exceed the Redis ttl " + ttl);
      }
      atLeast("lease ttl", leaseTtl, Duration.ofMillis(100));
      atLeast("lease wait", leaseWait, Duration.ZERO);
      if (leaseWait.compareTo(leaseTtl) > 0) {
        throw new IllegalArgumentException(
            "lease wait " + leaseWait + " must not exceed the lease ttl " + leaseTtl);
      }
      if (circuitFailureThreshold < 1 || degradedLoadConcurrency < 1) {
        throw new IllegalArgumentException(
            "circuit failure threshold and load concurrency must be at least 1, got "
                + circuitFailureThreshold
                + " and "
                + degradedLoadConcurrency);
      }
      atLeast("circuit open duration", circuitOpenDuration, Duration.ofMillis(1));
      if (delayedSecondDelete != null) {
        atLeast("delayed second delete", delayedSecondDelete, Duration.ofMillis(1));
      }
      atLeast("max staleness", maxStaleness, Duration.ofMillis(50));
      atLeast("redis timeout", redisTimeout, Duration.ofMillis(1));
      if (redisTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException(
            "redis timeout must be at most 60 s, got " + redisTimeout);
      }
      return new CacheConfig<>(this);
    }

    /** A jitter is off (zero) or whole milliseconds of at least 1 ms, and at most the ttl. */
    private static void jitter(String what, Duration jitter, Duration ttl) {
      if (jitter.isZero()) {
        return;
      }
      atLeast(what, jitter, Duration.ofMillis(1));
      if (jitter.compareTo(ttl) > 0) {
        throw new IllegalArgumentException(what + " " + jitter + " must not exceed its ttl " + ttl);
      }
    }

    private static void atLeast(String what, Duration value, Duration min) {
      if (value.compareTo(min) < 0) {
        throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
      }
    }
  }
}
