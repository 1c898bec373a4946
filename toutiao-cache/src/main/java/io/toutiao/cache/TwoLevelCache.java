package io.toutiao.cache;

import io.toutiao.cache.internal.LocalLevel;
import io.toutiao.cache.redis.RedisLease;
import io.toutiao.cache.redis.RedisStoreException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * A read-through cache in two levels: Caffeine in this JVM (L1) over Redis (L2) over the host's
 * loader (the database).
 *
 * <pre>{@code
 * TwoLevelCache<Long, UserProfile> profiles = new TwoLevelCache<>(config, jedis);
 * Optional<UserProfile> profile = profiles.get(42L);   // L1 -> Redis -> loader
 * userMapper.update(profile);                          // write the database first,
 * profiles.invalidate(42L);                            // then invalidate (every node's L1 too)
 * }</pre>
 *
 * <p><b>Protections.</b> Penetration: "does not exist" is cached in both levels for the null TTL
 * (and an optional Bloom filter refuses unknown keys outright). Breakdown: concurrent misses for a
 * key share one load in this JVM, and across JVMs a short Redis lease lets one node load while the
 * others wait (bounded) for its value in Redis. Avalanche: every Redis TTL gets a random jitter.
 * Redis outage: after consecutive failures a circuit opens and reads go L1 to loader, at most a
 * configured number of loads at once; Redis is tried again after a cool-down. Reads never throw
 * Redis exceptions.
 *
 * <p><b>Consistency.</b> {@link #invalidate} deletes the Redis key and publishes the key on the
 * invalidation channel; every instance drops it from its L1. When the subscription breaks, the
 * instance clears its whole L1 once it is subscribed again, since messages may have been lost.
 *
 * <p>Thread-safe. Close it to stop its subscriber thread; the {@link UnifiedJedis} stays the
 * caller's.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TwoLevelCache<K, V> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TwoLevelCache.class);
  private static final Object ABSENT = LocalLevel.ABSENT;
  private static final Object UNDECODABLE = new Object();
  private static final long POLL_MILLIS = 20;

  private final CacheConfig<K, V> config;
  private final UnifiedJedis jedis;
  private final RedisLease leases;
  private final LocalLevel<K> l1;
  private final ConcurrentHashMap<String, CompletableFuture<Object>> inFlight =
      new ConcurrentHashMap<>();
  private final byte[] nullMarker;
  private final String instanceId = UUID.randomUUID().toString();
  private final Semaphore degradedLoads;
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private volatile long circuitOpenUntil;
  private final AtomicBoolean corruptLogged = new AtomicBoolean();
  private final Subscriber subscriber;
  private final ScheduledExecutorService scheduler;
  private volatile boolean closed;

  private final LongAdder l1Hits = new LongAdder();
  private final LongAdder l1Misses = new LongAdder();
  private final LongAdder l2Hits = new LongAdder();
  private final LongAdder l2Misses = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder loadFailures = new LongAdder();
  private final LongAdder l2Errors = new LongAdder();
  private final LongAdder bloomRejections = new LongAdder();
  private final LongAdder degradedLoadCount = new LongAdder();
  private final LongAdder l1Resyncs = new LongAdder();
  private final LongAdder refreshes = new LongAdder();

  /**
   * Creates the cache and subscribes to invalidations in the background. Redis need not be up: the
   * cache works from L1 and the loader and uses Redis once it answers.
   *
   * @param config the validated configuration
   * @param jedis a client for a standalone server ({@code RedisClient}) or a cluster ({@code
   *     RedisClusterClient}), owned by the caller
   */
  public TwoLevelCache(CacheConfig<K, V> config, UnifiedJedis jedis) {
    this.config = Objects.requireNonNull(config, "config must not be null");
    this.jedis = Objects.requireNonNull(jedis, "jedis must not be null");
    this.leases = new RedisLease(jedis);
    this.nullMarker = config.nullMarker().getBytes(StandardCharsets.UTF_8);
    this.degradedLoads = new Semaphore(config.degradedLoadConcurrency(), true);
    this.l1 = new LocalLevel<>(config.l1MaximumSize(), config.l1Ttl(), config.nullTtl());
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "toutiao-cache-" + config.name() + "-scheduler");
              thread.setDaemon(true);
              return thread;
            });
    long sweepMillis = Math.max(1000, config.l1Ttl().toMillis());
    scheduler.scheduleWithFixedDelay(l1::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    this.subscriber = new Subscriber();
    Thread thread =
        new Thread(subscriber::run, "toutiao-cache-" + config.name() + "-invalidations");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Returns the value for a key, loading it on a miss in both levels.
   *
   * @param key the key
   * @return the value, or empty when the record does not exist
   * @throws NullPointerException when {@code key} is null
   * @throws CacheLoadException when the loader fails (not cached) or the loader limit is reached
   *     while Redis is down
   */
  public Optional<V> get(K key) {
    Objects.requireNonNull(key, "key must not be null");
    Object cached = l1.get(key);
    if (cached != null) {
      l1Hits.increment();
      return unwrap(cached);
    }
    String redisKey = config.redisKey(key);
    if (config.bloomFilter() != null && !config.bloomFilter().mightContain(redisKey)) {
      bloomRejections.increment();
      return Optional.empty();
    }
    l1Misses.increment();
    return unwrap(singleFlight(redisKey, () -> loadThroughRedis(key, redisKey)));
  }

  /**
   * Returns the values of many keys: L1, then one pipelined round trip to Redis (per cluster node),
   * then the batch loader (or the loader per key) for the rest.
   *
   * @param keys the keys
   * @return the values of the keys whose records exist, in the order of {@code keys}
   */
  public Map<K, V> getAll(Collection<? extends K> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    Map<K, V> found = new LinkedHashMap<>();
    Map<String, K> missing = new LinkedHashMap<>();
    for (K key : keys) {
      Objects.requireNonNull(key, "keys must not contain null");
      String redisKey = config.redisKey(key);
      if (config.bloomFilter() != null && !config.bloomFilter().mightContain(redisKey)) {
        bloomRejections.increment();
        continue;
      }
      Object cached = l1.get(key);
      if (cached != null) {
        l1Hits.increment();
        unwrap(cached).ifPresent(value -> found.put(key, value));
      } else {
        l1Misses.increment();
        missing.put(redisKey, key);
      }
    }
    if (!missing.isEmpty() && redisAllowed()) {
      readMany(missing, found);
    }
    if (!missing.isEmpty()) {
      loadMany(missing, found);
    }
    Map<K, V> ordered = new LinkedHashMap<>();
    for (K key : keys) {
      V value = found.get(key);
      if (value != null) {
        ordered.put(key, value);
      }
    }
    return ordered;
  }

  private void readMany(Map<String, K> missing, Map<K, V> found) {
    try (AbstractPipeline pipeline = jedis.pipelined()) {
      Map<String, Response<byte[]>> replies = new LinkedHashMap<>();
      for (String redisKey : missing.keySet()) {
        replies.put(redisKey, pipeline.get(bytes(redisKey)));
      }
      pipeline.sync();
      redisSucceeded();
      for (Map.Entry<String, Response<byte[]>> reply : replies.entrySet()) {
        Object value = decode(reply.getKey(), reply.getValue().get());
        if (value == null || value == UNDECODABLE) {
          l2Misses.increment();
          continue;
        }
        l2Hits.increment();
        K key = missing.remove(reply.getKey());
        l1.put(key, reply.getKey(), value);
        if (value != ABSENT) {
          found.put(key, cast(value));
        }
      }
    } catch (JedisException e) {
      redisFailed(e);
    }
  }

  private void loadMany(Map<String, K> missing, Map<K, V> found) {
    if (config.batchLoader() == null) {
      for (K key : missing.values()) {
        get(key).ifPresent(value -> found.put(key, value));
      }
      return;
    }
    Map<K, V> loaded;
    try {
      loaded = config.batchLoader().loadAll(List.copyOf(missing.values()));
      loads.add(missing.size());
    } catch (Exception e) {
      loadFailures.increment();
      throw new CacheLoadException(
          "batch loader of cache '" + config.name() + "' failed for " + missing.size() + " keys",
          e);
    }
    Map<String, Object> toWrite = new LinkedHashMap<>();
    missing.forEach(
        (redisKey, key) -> {
          V value = loaded.get(key);
          toWrite.put(redisKey, value == null ? ABSENT : value);
          l1.put(key, redisKey, value == null ? ABSENT : value);
          if (value != null) {
            found.put(key, value);
          }
        });
    if (redisAllowed()) {
      writeMany(toWrite);
    }
  }

  private void writeMany(Map<String, Object> values) {
    try (AbstractPipeline pipeline = jedis.pipelined()) {
      values.forEach(
          (redisKey, value) -> {
            byte[] encoded = encodeForRedis(redisKey, value);
            if (encoded != null) {
              pipeline.set(
                  bytes(redisKey), encoded, SetParams.setParams().px(ttlMillis(value == ABSENT)));
            }
          });
      pipeline.sync();
      redisSucceeded();
    } catch (JedisException e) {
      redisFailed(e);
    }
  }

  /**
   * Stores a value in both levels (after the host wrote it to the database) and tells the other
   * nodes to drop their L1 copy.
   *
   * @param key the key
   * @param value the value
   * @throws CacheCodecException when the codec cannot encode the value (nothing is stored)
   */
  public void put(K key, V value) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    String redisKey = config.redisKey(key);
    byte[] encoded;
    try {
      encoded = config.codec().encode(value);
    } catch (Exception e) {
      throw new CacheCodecException(
          "cache '" + config.name() + "' cannot encode the value for key " + redisKey, e);
    }
    l1.put(key, redisKey, value);
    if (redisAllowed()) {
      try {
        jedis.set(bytes(redisKey), encoded, SetParams.setParams().px(ttlMillis(false)));
        publishInvalidation(redisKey);
        redisSucceeded();
      } catch (JedisException e) {
        redisFailed(e);
      }
    }
  }

  /**
   * Removes a key from both levels and from every other node's L1. Call it after the database
   * commit (update the database, then invalidate, as the reference does).
   *
   * @param key the key
   * @throws CacheException when Redis could not be told (L1 is cleared regardless); retry it, or
   *     the Redis copy stays stale until its TTL
   */
  public void invalidate(K key) {
    Objects.requireNonNull(key, "key must not be null");
    String redisKey = config.redisKey(key);
    l1.invalidate(key);
    try {
      jedis.del(redisKey);
      publishInvalidation(redisKey);
      redisSucceeded();
    } catch (JedisException e) {
      redisFailed(e);
      throw new CacheException(
          "cache '"
              + config.name()
              + "' could not delete "
              + redisKey
              + " in Redis; retry the invalidation",
          e);
    }
    if (config.delayedSecondDelete() != null) {
      scheduler.schedule(
          () -> deleteQuietly(redisKey),
          config.delayedSecondDelete().toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  /** Tells the other instances to drop {@code redisKey} from their L1 ("<instance> <key>"). */
  private void publishInvalidation(String redisKey) {
    jedis.publish(config.invalidationChannel(), instanceId + " " + redisKey);
  }

  private void deleteQuietly(String redisKey) {
    try {
      jedis.del(redisKey);
      publishInvalidation(redisKey);
    } catch (JedisException e) {
      l2Errors.increment();
      LOG.warn("cache '{}': delayed second delete of {} failed", config.name(), redisKey, e);
    }
  }

  /** Drops every entry of this node's L1 (Redis is untouched). */
  public void invalidateLocal() {
    l1.invalidateAll();
  }

  /**
   * Returns the counters since creation.
   *
   * @return a snapshot
   */
  public CacheStats stats() {
    return new CacheStats(
        l1Hits.sum(),
        l1Misses.sum(),
        l2Hits.sum(),
        l2Misses.sum(),
        loads.sum(),
        loadFailures.sum(),
        l2Errors.sum(),
        bloomRejections.sum(),
        degradedLoadCount.sum(),
        l1Resyncs.sum(),
        circuitOpenUntil != 0);
  }

  /**
   * Returns the configuration.
   *
   * @return the config
   */
  public CacheConfig<K, V> config() {
    return config;
  }

  private Object singleFlight(String redisKey, java.util.function.Supplier<Object> load) {
    CompletableFuture<Object> mine = new CompletableFuture<>();
    CompletableFuture<Object> theirs = inFlight.putIfAbsent(redisKey, mine);
    if (theirs != null) {
      try {
        return theirs.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
      }
    }
    try {
      Object value = load.get();
      mine.complete(value);
      return value;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(redisKey, mine);
    }
  }

  private Object loadThroughRedis(K key, String redisKey) {
    if (redisAllowed()) {
      try {
        Object value =
            config.refreshAhead() > 0
                ? readRedisRefreshingAhead(key, redisKey)
                : readRedis(redisKey);
        if (value != null) {
          l2Hits.increment();
          l1.put(key, redisKey, value);
          return value;
        }
        l2Misses.increment();
        return loadUnderLease(key, redisKey);
      } catch (JedisException e) {
        redisFailed(e);
      }
    }
    return loadDegraded(key, redisKey);
  }

  /** One node loads while the others poll Redis for its result, for at most the lease wait. */
  private Object loadUnderLease(K key, String redisKey) {
    String leaseKey = "lock:" + redisKey;
    long deadline = System.nanoTime() + config.leaseWait().toNanos();
    while (true) {
      Optional<RedisLease.Lease> token = tryLease(leaseKey);
      if (token.isPresent()) {
        try {
          // The previous holder may have filled the key between our last read and this acquire.
          Object filled = readRedis(redisKey);
          if (filled != null) {
            l2Hits.increment();
            l1.put(key, redisKey, filled);
            return filled;
          }
          return loadAndStore(key, redisKey);
        } finally {
          releaseQuietly(token.get());
        }
      }
      sleep(POLL_MILLIS);
      Object value = readRedis(redisKey);
      if (value != null) {
        l2Hits.increment();
        l1.put(key, redisKey, value);
        return value;
      }
      if (System.nanoTime() > deadline) {
        LOG.debug(
            "cache '{}': lease holder of {} did not fill it in time; loading here",
            config.name(),
            redisKey);
        return loadAndStore(key, redisKey);
      }
    }
  }

  private Object loadAndStore(K key, String redisKey) {
    Object value = callLoader(key, redisKey);
    byte[] encoded = encodeForRedis(redisKey, value);
    if (encoded != null) {
      try {
        jedis.set(bytes(redisKey), encoded, SetParams.setParams().px(ttlMillis(value == ABSENT)));
        redisSucceeded();
      } catch (JedisException e) {
        redisFailed(e);
      }
    }
    l1.put(key, redisKey, value);
    return value;
  }

  private Object loadDegraded(K key, String redisKey) {
    boolean permitted;
    try {
      permitted =
          degradedLoads.tryAcquire(config.loadPermitTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheLoadException("interrupted while waiting to load " + redisKey, e);
    }
    if (!permitted) {
      throw new CacheLoadException(
          "cache '"
              + config.name()
              + "': Redis is unavailable and "
              + config.degradedLoadConcurrency()
              + " loads are already running; "
              + redisKey
              + " was not loaded to protect the database",
          null);
    }
    try {
      degradedLoadCount.increment();
      Object value = callLoader(key, redisKey);
      l1.put(key, redisKey, value);
      return value;
    } finally {
      degradedLoads.release();
    }
  }

  private Object callLoader(K key, String redisKey) {
    loads.increment();
    try {
      V value = config.loader().load(key);
      return value == null ? ABSENT : value;
    } catch (Exception e) {
      loadFailures.increment();
      throw new CacheLoadException(
          "loader of cache '" + config.name() + "' failed for " + redisKey, e);
    }
  }

  /**
   * Reads value and remaining TTL in one round trip; when the entry has lived past the
   * refresh-ahead fraction of its TTL, reloads it in the background (single-flight here, under the
   * lease across nodes) and returns the current value meanwhile.
   */
  private Object readRedisRefreshingAhead(K key, String redisKey) {
    Response<byte[]> stored;
    Response<Long> remaining;
    try (AbstractPipeline pipeline = jedis.pipelined()) {
      stored = pipeline.get(bytes(redisKey));
      remaining = pipeline.pttl(redisKey);
      pipeline.sync();
    }
    redisSucceeded();
    Object value = decode(redisKey, stored.get());
    if (value == null || value == UNDECODABLE) {
      return null;
    }
    long ttl = (value == ABSENT ? config.nullTtl() : config.ttl()).toMillis();
    Long left = remaining.get();
    if (value != ABSENT && left != null && left >= 0 && left < ttl * (1 - config.refreshAhead())) {
      refreshInBackground(key, redisKey);
    }
    return value;
  }

  private void refreshInBackground(K key, String redisKey) {
    String flightKey = "refresh:" + redisKey;
    CompletableFuture<Object> mine = new CompletableFuture<>();
    if (inFlight.putIfAbsent(flightKey, mine) != null) {
      return;
    }
    try {
      scheduler.execute(
          () -> {
            try {
              Optional<RedisLease.Lease> lease = tryLease("lock:" + redisKey);
              if (lease.isPresent()) {
                try {
                  loadAndStore(key, redisKey);
                  refreshes.increment();
                } finally {
                  releaseQuietly(lease.get());
                }
              }
            } catch (RuntimeException e) {
              LOG.debug(
                  "cache '{}': refresh-ahead of {} failed; the entry expires normally",
                  config.name(),
                  redisKey,
                  e);
            } finally {
              inFlight.remove(flightKey, mine);
              mine.complete(null);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      inFlight.remove(flightKey, mine);
    }
  }

  /** Returns the decoded value, ABSENT, or null for a miss (including undecodable bytes). */
  private Object readRedis(String redisKey) {
    Object value = decode(redisKey, jedis.get(bytes(redisKey)));
    redisSucceeded();
    return value == UNDECODABLE ? null : value;
  }

  private Object decode(String redisKey, byte[] stored) {
    if (stored == null) {
      return null;
    }
    if (Arrays.equals(stored, nullMarker)) {
      return ABSENT;
    }
    try {
      return config.codec().decode(stored);
    } catch (Exception e) {
      if (corruptLogged.compareAndSet(false, true)) {
        LOG.warn(
            "cache '{}': value of {} in Redis cannot be decoded; treating it as a miss (logged once)",
            config.name(),
            redisKey,
            e);
      }
      return UNDECODABLE;
    }
  }

  private byte[] encodeForRedis(String redisKey, Object value) {
    if (value == ABSENT) {
      return nullMarker;
    }
    try {
      return config.codec().encode(cast(value));
    } catch (Exception e) {
      LOG.warn(
          "cache '{}': loaded value of {} cannot be encoded; kept in L1 only",
          config.name(),
          redisKey,
          e);
      return null;
    }
  }

  private long ttlMillis(boolean absent) {
    Duration base = absent ? config.nullTtl() : config.ttl();
    Duration jitter = absent ? config.nullTtlJitter() : config.ttlJitter();
    long extra = jitter.isZero() ? 0 : ThreadLocalRandom.current().nextLong(jitter.toMillis());
    return base.toMillis() + extra;
  }

  private boolean redisAllowed() {
    long until = circuitOpenUntil;
    return until == 0 || System.nanoTime() - until >= 0;
  }

  private void redisSucceeded() {
    if (consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
    }
    if (circuitOpenUntil != 0) {
      circuitOpenUntil = 0;
      LOG.info("cache '{}': Redis answers again; circuit closed", config.name());
      config.listener().onCircuitClosed(config.name());
    }
  }

  private void redisFailed(JedisException e) {
    l2Errors.increment();
    if (consecutiveFailures.incrementAndGet() >= config.circuitFailureThreshold()) {
      boolean wasClosed = circuitOpenUntil == 0;
      long until = System.nanoTime() + config.circuitOpenDuration().toNanos();
      circuitOpenUntil = until == 0 ? 1 : until;
      if (wasClosed) {
        LOG.warn(
            "cache '{}': Redis failed {} times in a row; reading through to the loader for {}",
            config.name(),
            consecutiveFailures.get(),
            config.circuitOpenDuration(),
            e);
        config.listener().onCircuitOpened(config.name(), e);
      }
    }
  }

  /**
   * Redis failures of the lease surface as Jedis exceptions, so the caller degrades as for reads.
   */
  private Optional<RedisLease.Lease> tryLease(String leaseKey) {
    try {
      return leases.tryAcquire(leaseKey, config.leaseTtl());
    } catch (RedisStoreException e) {
      throw (JedisException) e.getCause();
    }
  }

  private void releaseQuietly(RedisLease.Lease lease) {
    try {
      leases.release(lease);
    } catch (RedisStoreException e) {
      l2Errors.increment();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private Optional<V> unwrap(Object cached) {
    // ABSENT is LocalLevel's marker, returned both by L1 lookups and by loads.
    return cached == ABSENT ? Optional.empty() : Optional.of(cast(cached));
  }

  @SuppressWarnings("unchecked")
  private V cast(Object value) {
    return (V) value;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheLoadException("interrupted while waiting for another node's load", e);
    }
  }

  /** Stops the invalidation subscriber and the scheduler. */
  @Override
  public void close() {
    closed = true;
    subscriber.stop();
    scheduler.shutdownNow();
  }

  @Override
  public String toString() {
    return "TwoLevelCache[" + config.name() + ", l1=" + l1.size() + " entries]";
  }

  /** Keeps a subscription to the invalidation channel, clearing L1 whenever it (re)subscribes. */
  private final class Subscriber {
    private final JedisPubSub pubSub =
        new JedisPubSub() {
          @Override
          public void onSubscribe(String channel, int subscribedChannels) {
            l1.invalidateAll();
            l1Resyncs.increment();
            config.listener().onL1Resync(config.name());
          }

          @Override
          public void onMessage(String channel, String message) {
            int space = message.indexOf(' ');
            if (space > 0 && !message.startsWith(instanceId)) {
              l1.invalidateRedisKey(message.substring(space + 1));
            }
          }
        };

    void run() {
      long backoff = 50;
      while (!closed) {
        try {
          jedis.subscribe(pubSub, config.invalidationChannel());
          backoff = 50;
        } catch (RuntimeException e) {
          if (closed) {
            return;
          }
          l2Errors.increment();
          if (e instanceof JedisException) {
            LOG.debug(
                "cache '{}': invalidation subscription lost; retrying in {} ms",
                config.name(),
                backoff,
                e);
          } else {
            LOG.warn(
                "cache '{}': invalidation subscription failed; retrying in {} ms",
                config.name(),
                backoff,
                e);
          }
          try {
            Thread.sleep(backoff);
          } catch (InterruptedException interrupted) {
            return;
          }
          backoff = Math.min(2000, backoff * 2);
        }
      }
    }

    void stop() {
      try {
        if (pubSub.isSubscribed()) {
          pubSub.unsubscribe();
        }
      } catch (RuntimeException ignored) {
        // the connection is gone already
      }
    }
  }

  /**
   * Returns how many entries refresh-ahead has reloaded.
   *
   * @return reloads done in the background
   */
  public long refreshAheadCount() {
    return refreshes.sum();
  }

  /** Visible for tests: the keys currently in L1. */
  List<String> l1Keys() {
    return new ArrayList<>(l1.redisKeys());
  }
}
