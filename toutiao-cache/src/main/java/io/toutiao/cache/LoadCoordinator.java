package io.toutiao.cache;

import io.toutiao.cache.internal.LocalLevel;
import io.toutiao.cache.internal.LocalLevel.Ticket;
import io.toutiao.cache.internal.RedisLevel;
import io.toutiao.cache.redis.RedisLease;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * What happens on an L1 miss: one load per key in this JVM (single flight), the Redis read, the
 * cross-node lease, the loader, storing the result, and the degraded path (loader under a
 * concurrency limit) when Redis is bypassed. A cold miss costs three round trips: GET, the lease's
 * {@code SET NX PX}, and one pipeline that stores the value and releases the lease (on a cluster,
 * where value and lease may live on different nodes, the store and the release are two steps); a
 * load-through fill publishes nothing. Thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class LoadCoordinator<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(LoadCoordinator.class);
  static final Object ABSENT = LocalLevel.ABSENT;
  private static final Object UNDECODABLE = new Object();
  private static final Object NOT_ACQUIRED = new Object();
  private static final long POLL_MILLIS = 20;

  private final CacheConfig<K, V> config;
  private final LocalLevel<K> l1;
  private final RedisLevel redis;
  private final Counters counters;
  private final ScheduledExecutorService scheduler;
  private final byte[] nullMarker;
  private final Semaphore degradedLoads;
  private final AtomicBoolean corruptLogged = new AtomicBoolean();
  private final ConcurrentHashMap<String, CompletableFuture<Object>> inFlight =
      new ConcurrentHashMap<>();

  /** The cache's counters, shared by its parts. */
  static final class Counters {
    final LongAdder l1Hits = new LongAdder();
    final LongAdder l1Misses = new LongAdder();
    final LongAdder l2Hits = new LongAdder();
    final LongAdder l2Misses = new LongAdder();
    final LongAdder loads = new LongAdder();
    final LongAdder loadFailures = new LongAdder();
    final LongAdder l2Errors = new LongAdder();
    final LongAdder bloomRejections = new LongAdder();
    final LongAdder degradedLoads = new LongAdder();
    final LongAdder l1Resyncs = new LongAdder();
    final LongAdder l1Unproven = new LongAdder();
    final LongAdder refreshes = new LongAdder();
  }

  LoadCoordinator(
      CacheConfig<K, V> config,
      LocalLevel<K> l1,
      RedisLevel redis,
      Counters counters,
      ScheduledExecutorService scheduler) {
    this.config = config;
    this.l1 = l1;
    this.redis = redis;
    this.counters = counters;
    this.scheduler = scheduler;
    this.nullMarker = config.nullMarker().getBytes(StandardCharsets.UTF_8);
    this.degradedLoads = new Semaphore(config.degradedLoadConcurrency(), true);
  }

  /** Loads one key (value or ABSENT), sharing the work with concurrent misses of the same key. */
  Object load(K key, String redisKey) {
    return load(key, redisKey, config.loader());
  }

  /** {@link #load(Object, String)} with the given loader instead of the configured one. */
  Object load(K key, String redisKey, CacheLoader<K, V> loader) {
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
      Object value = loadThroughRedis(key, redisKey, loader);
      mine.complete(value);
      return value;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(redisKey, mine);
    }
  }

  /**
   * What the levels hold for a key without loading it: the value or ABSENT from Redis (installed in
   * L1), or null when Redis does not have it or cannot be asked.
   */
  Object peek(K key, String redisKey) {
    Ticket ticket = l1.ticket(redisKey);
    if (!redis.allowed()) {
      return null;
    }
    try {
      Object value = readRedis(redisKey);
      if (value == null) {
        counters.l2Misses.increment();
        return null;
      }
      counters.l2Hits.increment();
      l1.install(key, redisKey, value, ticket);
      return value;
    } catch (JedisException e) {
      return null;
    }
  }

  private Object loadThroughRedis(K key, String redisKey, CacheLoader<K, V> loader) {
    Ticket ticket = l1.ticket(redisKey);
    if (redis.allowed()) {
      try {
        Object value =
            config.refreshAhead() > 0 ? readRefreshingAhead(key, redisKey) : readRedis(redisKey);
        if (value != null) {
          counters.l2Hits.increment();
          l1.install(key, redisKey, value, ticket);
          return value;
        }
        counters.l2Misses.increment();
        return loadUnderLease(key, redisKey, ticket, loader);
      } catch (JedisException e) {
        // counted by the Redis level; the read goes on without Redis
      }
    }
    return loadDegraded(key, redisKey, ticket, loader);
  }

  /** One node loads while the others poll Redis for its result, for at most the lease wait. */
  private Object loadUnderLease(K key, String redisKey, Ticket ticket, CacheLoader<K, V> loader) {
    String leaseKey = "lock:" + redisKey;
    long deadline = System.nanoTime() + config.leaseWait().toNanos();
    while (true) {
      Object leased = loadIfLeased(key, redisKey, ticket, loader);
      if (leased != NOT_ACQUIRED) {
        return leased;
      }
      sleep(POLL_MILLIS);
      Object value = readRedis(redisKey);
      if (value != null) {
        counters.l2Hits.increment();
        l1.install(key, redisKey, value, ticket);
        return value;
      }
      if (System.nanoTime() > deadline) {
        LOG.debug(
            "cache '{}': lease holder of {} did not fill it in time; loading here",
            config.name(),
            redisKey);
        Object loaded = callLoader(key, redisKey, loader);
        storeQuietly(Map.of(redisKey, loaded));
        l1.install(key, redisKey, loaded, ticket);
        return loaded;
      }
    }
  }

  /**
   * Takes the lease (one {@code SET NX PX}) and, when it is ours, loads, then stores the value and
   * releases the lease in one pipeline.
   *
   * @return the loaded value, or {@link #NOT_ACQUIRED} when another node holds the lease
   */
  private Object loadIfLeased(K key, String redisKey, Ticket ticket, CacheLoader<K, V> loader) {
    String leaseKey = "lock:" + redisKey;
    RedisLease.Lease lease = RedisLease.candidate(leaseKey);
    String reply =
        redis.execute(
            redis
                .commands()
                .set(
                    leaseKey,
                    lease.token(),
                    SetParams.setParams().nx().px(config.leaseTtl().toMillis())));
    if (!"OK".equals(reply)) {
      return NOT_ACQUIRED;
    }
    Object value;
    try {
      value = callLoader(key, redisKey, loader);
    } catch (RuntimeException e) {
      storeAndRelease(redisKey, null, lease);
      throw e;
    }
    // A load overtaken by an invalidation of its key is not written back to Redis either.
    storeAndRelease(redisKey, l1.isCurrent(ticket) ? value : null, lease);
    l1.install(key, redisKey, value, ticket);
    return value;
  }

  /** Stores the loaded value (null: nothing to store) and releases the lease, in one pipeline. */
  private void storeAndRelease(String redisKey, Object value, RedisLease.Lease lease) {
    byte[] encoded = value == null ? null : encodeForRedis(redisKey, value);
    try {
      if (redis.routed() && encoded != null) {
        // On a cluster the lease and the value may live on different nodes, and a pipeline does
        // not order commands across nodes: the lease must not be free before the value is stored.
        redis.execute(
            redis
                .commands()
                .set(
                    bytes(redisKey),
                    encoded,
                    SetParams.setParams().px(ttlMillis(value == ABSENT))));
        redis.pipeline(pipeline -> RedisLease.releaseIn(pipeline, lease));
        return;
      }
      redis.pipeline(
          pipeline -> {
            if (encoded != null) {
              pipeline.set(
                  bytes(redisKey), encoded, SetParams.setParams().px(ttlMillis(value == ABSENT)));
            }
            RedisLease.releaseIn(pipeline, lease);
          });
    } catch (JedisException e) {
      LOG.debug("cache '{}': storing {} failed; it stays in L1 only", config.name(), redisKey);
    }
  }

  private Object loadDegraded(K key, String redisKey, Ticket ticket, CacheLoader<K, V> loader) {
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
      counters.degradedLoads.increment();
      Object value = callLoader(key, redisKey, loader);
      l1.install(key, redisKey, value, ticket);
      return value;
    } finally {
      degradedLoads.release();
    }
  }

  private Object callLoader(K key, String redisKey, CacheLoader<K, V> loader) {
    counters.loads.increment();
    try {
      V value = loader.load(key);
      return value == null ? ABSENT : value;
    } catch (Exception e) {
      counters.loadFailures.increment();
      throw new CacheLoadException(
          "loader of cache '" + config.name() + "' failed for " + redisKey, e);
    }
  }

  /** Reads the Redis part of a {@code getAll} in one pipeline; found keys leave {@code missing}. */
  void readMany(Map<String, K> missing, Map<K, V> found, Map<String, Ticket> tickets) {
    Map<String, Response<byte[]>> replies = new LinkedHashMap<>();
    try {
      redis.pipeline(
          pipeline -> {
            for (String redisKey : missing.keySet()) {
              replies.put(redisKey, pipeline.get(bytes(redisKey)));
            }
          });
    } catch (JedisException e) {
      return;
    }
    for (Map.Entry<String, Response<byte[]>> reply : replies.entrySet()) {
      Object value = decode(reply.getKey(), reply.getValue().get());
      if (value == null || value == UNDECODABLE) {
        counters.l2Misses.increment();
        continue;
      }
      counters.l2Hits.increment();
      K key = missing.remove(reply.getKey());
      l1.install(key, reply.getKey(), value, tickets.get(reply.getKey()));
      if (value != ABSENT) {
        found.put(key, cast(value));
      }
    }
  }

  /** Loads the rest of a {@code getAll} with the batch loader and stores it in one pipeline. */
  void loadMany(Map<String, K> missing, Map<K, V> found, Map<String, Ticket> tickets) {
    Map<K, V> loaded;
    try {
      loaded = config.batchLoader().loadAll(List.copyOf(missing.values()));
      counters.loads.add(missing.size());
    } catch (Exception e) {
      counters.loadFailures.increment();
      throw new CacheLoadException(
          "batch loader of cache '" + config.name() + "' failed for " + missing.size() + " keys",
          e);
    }
    Map<String, Object> toWrite = new LinkedHashMap<>();
    missing.forEach(
        (redisKey, key) -> {
          V value = loaded.get(key);
          Object stored = value == null ? ABSENT : value;
          toWrite.put(redisKey, stored);
          l1.install(key, redisKey, stored, tickets.get(redisKey));
          if (value != null) {
            found.put(key, value);
          }
        });
    if (redis.allowed()) {
      storeQuietly(toWrite);
    }
  }

  private void storeQuietly(Map<String, Object> values) {
    Map<byte[], byte[]> encoded = new LinkedHashMap<>();
    values.forEach(
        (redisKey, value) -> {
          byte[] bytes = encodeForRedis(redisKey, value);
          if (bytes != null) {
            encoded.put(bytes(redisKey), bytes);
          }
        });
    if (encoded.isEmpty()) {
      return;
    }
    try {
      redis.pipeline(
          pipeline ->
              encoded.forEach(
                  (key, bytes) -> {
                    boolean absent = Arrays.equals(bytes, nullMarker);
                    pipeline.set(key, bytes, SetParams.setParams().px(ttlMillis(absent)));
                  }));
    } catch (JedisException e) {
      LOG.debug("cache '{}': storing {} values failed", config.name(), encoded.size());
    }
  }

  /**
   * Reads value and remaining TTL in one round trip; when the entry has lived past the
   * refresh-ahead fraction of its TTL, reloads it in the background (single-flight here, under the
   * lease across nodes) and returns the current value meanwhile.
   */
  private Object readRefreshingAhead(K key, String redisKey) {
    List<Response<?>> replies = new java.util.ArrayList<>(2);
    redis.pipeline(
        pipeline -> {
          replies.add(pipeline.get(bytes(redisKey)));
          replies.add(pipeline.pttl(redisKey));
        });
    Object value = decode(redisKey, (byte[]) replies.get(0).get());
    if (value == null || value == UNDECODABLE) {
      return null;
    }
    long ttl = (value == ABSENT ? config.nullTtl() : config.ttl()).toMillis();
    Long left = (Long) replies.get(1).get();
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
              if (loadIfLeased(key, redisKey, l1.ticket(redisKey), config.loader())
                  != NOT_ACQUIRED) {
                counters.refreshes.increment();
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
    } catch (RejectedExecutionException closed) {
      inFlight.remove(flightKey, mine);
    }
  }

  /** Returns the decoded value, ABSENT, or null for a miss (including undecodable bytes). */
  private Object readRedis(String redisKey) {
    Object value = decode(redisKey, redis.execute(redis.commands().get(bytes(redisKey))));
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

  /** Encodes a value for {@code put}; a codec failure is the caller's error. */
  byte[] encode(String redisKey, V value) {
    try {
      return config.codec().encode(value);
    } catch (Exception e) {
      throw new CacheCodecException(
          "cache '" + config.name() + "' cannot encode the value for key " + redisKey, e);
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

  /** The Redis TTL of a value: base plus random[0, jitter) (validated: 0 or at least 1 ms). */
  long ttlMillis(boolean absent) {
    Duration base = absent ? config.nullTtl() : config.ttl();
    Duration jitter = absent ? config.nullTtlJitter() : config.ttlJitter();
    long extra = jitter.isZero() ? 0 : ThreadLocalRandom.current().nextLong(jitter.toMillis());
    return base.toMillis() + extra;
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
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
}
