package io.toutiao.cache;

import io.toutiao.cache.internal.ClientAccess;
import io.toutiao.cache.internal.LocalLevel;
import io.toutiao.cache.internal.LocalLevel.Ticket;
import io.toutiao.cache.internal.RedisLevel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
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
 * invalidation channel; every instance drops it from its L1. Staleness is bounded ({@link
 * CacheConfig.Builder#maxStaleness}, default 2 s) whatever happens to that path: the shared {@link
 * InvalidationBus} proves delivery with heartbeats, and while the proof is overdue L1 entries older
 * than the bound are not served. A read that started before an invalidation of its key never
 * installs its value in L1 after it.
 *
 * <p>Built from three parts: the {@link InvalidationBus} (one per client and JVM), the Redis level
 * with its deadlines and circuit breaker, and the load coordinator (single flight, lease, loader).
 *
 * <p>Thread-safe. Close it to leave the bus and stop its scheduler; the {@link UnifiedJedis} stays
 * the caller's.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TwoLevelCache<K, V> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TwoLevelCache.class);

  private final CacheConfig<K, V> config;
  private final LocalLevel<K> l1;
  private final RedisLevel redis;
  private final LoadCoordinator<K, V> loads;
  private final LoadCoordinator.Counters counters = new LoadCoordinator.Counters();
  private final String instanceId = UUID.randomUUID().toString();
  private final InvalidationBus bus;
  private final InvalidationBus.Member member;
  private final ScheduledExecutorService scheduler;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Creates the cache on the shared {@link InvalidationBus} of {@code jedis} (started with the
   * first cache of that client, on connections of its own). Redis need not be up: the cache works
   * from L1 and the loader and uses Redis once it answers.
   *
   * @param config the validated configuration
   * @param jedis a client for a standalone server ({@code RedisClient}), a Sentinel-monitored
   *     master ({@code RedisSentinelClient}) or a cluster ({@code RedisClusterClient}), owned by
   *     the caller
   */
  public TwoLevelCache(CacheConfig<K, V> config, UnifiedJedis jedis) {
    this(
        config,
        jedis,
        InvalidationBus.acquireShared(Objects.requireNonNull(jedis, "jedis must not be null")),
        true);
  }

  /**
   * Creates the cache on a bus you built ({@link InvalidationBus#connectingTo}); the bus stays
   * yours to close after the caches.
   *
   * @param config the validated configuration
   * @param jedis the client, owned by the caller
   * @param bus the invalidation bus
   */
  public TwoLevelCache(CacheConfig<K, V> config, UnifiedJedis jedis, InvalidationBus bus) {
    this(config, jedis, bus, false);
  }

  /**
   * @param referenceTaken whether the caller already took this cache's reference of a shared bus
   *     (released in {@link #close()})
   */
  private TwoLevelCache(
      CacheConfig<K, V> config, UnifiedJedis jedis, InvalidationBus bus, boolean referenceTaken) {
    this.config = Objects.requireNonNull(config, "config must not be null");
    Objects.requireNonNull(jedis, "jedis must not be null");
    this.bus = Objects.requireNonNull(bus, "bus must not be null");
    if (bus.isShared() && !referenceTaken) {
      bus.retainShared();
    }
    this.l1 =
        new LocalLevel<>(
            config.l1MaximumSize(), config.l1Ttl(), config.nullTtl(), config::redisKey);
    this.redis =
        new RedisLevel(
            ClientAccess.of(jedis),
            config.name(),
            config.circuitFailureThreshold(),
            config.circuitOpenDuration(),
            config.redisTimeout(),
            new RedisLevel.CircuitListener() {
              @Override
              public void opened(Throwable cause) {
                config.listener().onCircuitOpened(config.name(), cause);
              }

              @Override
              public void closed() {
                config.listener().onCircuitClosed(config.name());
              }
            },
            counters.l2Errors);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "toutiao-cache-" + config.name() + "-scheduler");
              thread.setDaemon(true);
              return thread;
            });
    this.loads = new LoadCoordinator<>(config, l1, redis, counters, scheduler);
    this.member =
        bus.register(
            config.invalidationChannel(),
            instanceId,
            config.maxStaleness(),
            new InvalidationBus.Listener() {
              @Override
              public void onInvalidation(String redisKey) {
                l1.invalidateRedisKey(redisKey);
              }

              @Override
              public void onResync() {
                l1.invalidateAll();
                counters.l1Resyncs.increment();
                config.listener().onL1Resync(config.name());
              }
            });
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
  @SuppressWarnings("unchecked")
  public Optional<V> get(K key) {
    Objects.requireNonNull(key, "key must not be null");
    LocalLevel.Entry entry = l1.get(key);
    if (entry != null && (member.trusted() || member.mayServe(entry.freshAsOf()))) {
      counters.l1Hits.increment();
      return (Optional<V>) entry.optional();
    }
    return miss(key, entry != null);
  }

  /**
   * Returns the value for a key, loading it on a miss in both levels with {@code loader} instead of
   * the configured loader (as Caffeine's {@code get(key, mappingFunction)}): the same single-flight
   * lease, penetration and degradation rules apply. Concurrent misses of one key share one load,
   * whichever loader they brought.
   *
   * @param key the key
   * @param loader loads the value, or returns null when the record does not exist
   * @return the value, or empty when the record does not exist
   * @throws NullPointerException when {@code key} or {@code loader} is null
   * @throws CacheLoadException when the loader fails (not cached) or the loader limit is reached
   *     while Redis is down
   */
  @SuppressWarnings("unchecked")
  public Optional<V> get(K key, CacheLoader<K, V> loader) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(loader, "loader must not be null");
    Object local = local(key);
    return local instanceof String redisKey
        ? unwrap(loads.load(key, redisKey, loader))
        : (Optional<V>) local;
  }

  /**
   * Returns what the cache holds for a key without loading it (as Caffeine's {@code getIfPresent}):
   * L1, then Redis (a value found there is kept in L1). A Redis failure reads as "not held".
   *
   * @param key the key
   * @return null when neither level holds the key; empty when the record is cached as absent (or
   *     the Bloom filter rules it out); the value otherwise
   * @throws NullPointerException when {@code key} is null
   */
  @SuppressWarnings({"unchecked", "OptionalAssignedToNull"})
  public Optional<V> getIfPresent(K key) {
    Objects.requireNonNull(key, "key must not be null");
    Object local = local(key);
    if (!(local instanceof String redisKey)) {
      return (Optional<V>) local;
    }
    Object held = loads.peek(key, redisKey);
    return held == null ? null : unwrap(held);
  }

  /**
   * The answer L1 or the Bloom filter gives (an {@code Optional}), or the Redis key to read next (a
   * {@code String}); counted as {@link #get(Object)} counts.
   */
  private Object local(K key) {
    LocalLevel.Entry entry = l1.get(key);
    if (entry != null && (member.trusted() || member.mayServe(entry.freshAsOf()))) {
      counters.l1Hits.increment();
      return entry.optional();
    }
    return pastL1(key, entry != null);
  }

  /** The rest of {@link #get} past L1, kept apart so the hit path stays small enough to inline. */
  @SuppressWarnings("unchecked")
  private Optional<V> miss(K key, boolean unproven) {
    Object next = pastL1(key, unproven);
    return next instanceof String redisKey ? unwrap(loads.load(key, redisKey)) : (Optional<V>) next;
  }

  /** Past L1: the Bloom filter's answer (an {@code Optional}) or the Redis key to read next. */
  private Object pastL1(K key, boolean unproven) {
    if (unproven) {
      counters.l1Unproven.increment();
    }
    String redisKey = config.redisKey(key);
    if (config.bloomFilter() != null && !config.bloomFilter().mightContain(redisKey)) {
      counters.bloomRejections.increment();
      return Optional.empty();
    }
    counters.l1Misses.increment();
    return redisKey;
  }

  /**
   * Returns the values of many keys: L1, then one pipelined round trip to Redis (per cluster node),
   * then the batch loader (or the loader per key) for the rest.
   *
   * @param keys the keys
   * @return the values of the keys whose records exist, in the order of {@code keys}
   */
  @SuppressWarnings("unchecked")
  public Map<K, V> getAll(Collection<? extends K> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    Map<K, V> found = new LinkedHashMap<>();
    Map<String, K> missing = new LinkedHashMap<>();
    Map<String, Ticket> tickets = new LinkedHashMap<>();
    for (K key : keys) {
      Objects.requireNonNull(key, "keys must not contain null");
      String redisKey = config.redisKey(key);
      if (config.bloomFilter() != null && !config.bloomFilter().mightContain(redisKey)) {
        counters.bloomRejections.increment();
        continue;
      }
      LocalLevel.Entry entry = l1.get(key);
      if (entry != null && (member.trusted() || member.mayServe(entry.freshAsOf()))) {
        counters.l1Hits.increment();
        ((Optional<V>) entry.optional()).ifPresent(value -> found.put(key, value));
      } else {
        counters.l1Misses.increment();
        missing.put(redisKey, key);
        tickets.put(redisKey, l1.ticket(redisKey));
      }
    }
    if (!missing.isEmpty() && redis.allowed()) {
      loads.readMany(missing, found, tickets);
    }
    if (!missing.isEmpty()) {
      if (config.batchLoader() == null) {
        for (K key : missing.values()) {
          unwrap(loads.load(key, config.redisKey(key))).ifPresent(value -> found.put(key, value));
        }
      } else {
        loads.loadMany(missing, found, tickets);
      }
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
    byte[] encoded = loads.encode(redisKey, value);
    l1.invalidate(key, redisKey);
    Ticket ticket = l1.ticket(redisKey);
    if (redis.allowed()) {
      try {
        redis.pipeline(
            pipeline -> {
              pipeline.set(
                  LoadCoordinator.bytes(redisKey),
                  encoded,
                  SetParams.setParams().px(loads.ttlMillis(false)));
              pipeline.publish(config.invalidationChannel(), message(redisKey));
            });
      } catch (JedisException e) {
        // counted by the Redis level; the value lives in L1 until Redis is back
      }
    }
    l1.install(key, redisKey, value, ticket);
  }

  /**
   * Removes a key from both levels and from every other node's L1. Call it after the database
   * commit (update the database, then invalidate, as the reference does). The delete and the
   * message go in one round trip; a broken connection is retried once on a new one.
   *
   * @param key the key
   * @throws CacheException when Redis could not be told (L1 is cleared regardless); retry it, or
   *     the Redis copy stays stale until its TTL
   */
  public void invalidate(K key) {
    Objects.requireNonNull(key, "key must not be null");
    String redisKey = config.redisKey(key);
    l1.invalidate(key, redisKey);
    try {
      deleteAndPublish(redisKey);
    } catch (JedisConnectionException first) {
      try {
        deleteAndPublish(redisKey);
      } catch (JedisException second) {
        second.addSuppressed(first);
        throw cannotInvalidate(redisKey, second);
      }
    } catch (JedisException e) {
      throw cannotInvalidate(redisKey, e);
    }
    if (config.delayedSecondDelete() != null) {
      scheduler.schedule(
          () -> deleteQuietly(redisKey),
          config.delayedSecondDelete().toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  private CacheException cannotInvalidate(String redisKey, JedisException cause) {
    return new CacheException(
        "cache '"
            + config.name()
            + "' could not delete "
            + redisKey
            + " in Redis; retry the invalidation",
        cause);
  }

  private void deleteAndPublish(String redisKey) {
    redis.pipeline(
        pipeline -> {
          pipeline.del(redisKey);
          pipeline.publish(config.invalidationChannel(), message(redisKey));
        });
  }

  /** The invalidation message: {@code <instance> <redis key>}. */
  private String message(String redisKey) {
    return instanceId + " " + redisKey;
  }

  private void deleteQuietly(String redisKey) {
    try {
      deleteAndPublish(redisKey);
    } catch (JedisException e) {
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
        counters.l1Hits.sum(),
        counters.l1Misses.sum(),
        counters.l2Hits.sum(),
        counters.l2Misses.sum(),
        counters.loads.sum(),
        counters.loadFailures.sum(),
        counters.l2Errors.sum(),
        counters.bloomRejections.sum(),
        counters.degradedLoads.sum(),
        counters.l1Resyncs.sum(),
        counters.l1Unproven.sum(),
        redis.isOpen());
  }

  /**
   * Returns the configuration.
   *
   * @return the config
   */
  public CacheConfig<K, V> config() {
    return config;
  }

  /**
   * Returns the invalidation bus this cache is on.
   *
   * @return the bus
   */
  public InvalidationBus invalidationBus() {
    return bus;
  }

  /**
   * Returns how many entries refresh-ahead has reloaded.
   *
   * @return reloads done in the background
   */
  public long refreshAheadCount() {
    return counters.refreshes.sum();
  }

  @SuppressWarnings("unchecked")
  private Optional<V> unwrap(Object value) {
    return value == LoadCoordinator.ABSENT ? Optional.empty() : Optional.of((V) value);
  }

  /**
   * Leaves the invalidation bus (the last cache of a shared bus closes it) and stops the scheduler.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    bus.unregister(member);
    if (bus.isShared()) {
      bus.releaseShared();
    }
    scheduler.shutdownNow();
  }

  @Override
  public String toString() {
    return "TwoLevelCache[" + config.name() + ", l1=" + l1.size() + " entries]";
  }

  /** Visible for tests: the keys currently in L1. */
  List<String> l1Keys() {
    return new ArrayList<>(l1.redisKeys());
  }

  /** Visible for tests: the L1 level. */
  LocalLevel<K> l1() {
    return l1;
  }
}
