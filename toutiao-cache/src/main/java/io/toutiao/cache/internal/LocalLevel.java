package io.toutiao.cache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-JVM level: Caffeine keyed by the caller's keys (so a hit costs no key formatting), plus a
 * map from Redis key to key so invalidation messages, which carry Redis keys, find their entry.
 * "Absent" entries carry their own, shorter deadline. Not part of the public API; thread-safe.
 *
 * @param <K> the key type
 */
public final class LocalLevel<K> {

  /** Marks "the record does not exist" in L1 until its deadline. */
  private record Absent(long deadlineNanos) {}

  private record Mapping<K>(K key, long createdNanos) {}

  private static final long SWEEP_AGE_NANOS = Duration.ofSeconds(1).toNanos();

  private final Cache<K, Object> cache;
  private final ConcurrentHashMap<String, Mapping<K>> byRedisKey = new ConcurrentHashMap<>();
  private final long absentNanos;

  /**
   * Creates the level.
   *
   * @param maximumSize capacity in entries
   * @param ttl time to live of values
   * @param absentTtl time to live of "absent" entries (capped at {@code ttl})
   */
  public LocalLevel(long maximumSize, Duration ttl, Duration absentTtl) {
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .expireAfterWrite(ttl)
            // Maintenance on the calling thread: no hand-off to the common pool on small machines.
            .executor(Runnable::run)
            .build();
    this.absentNanos = Math.min(ttl.toNanos(), absentTtl.toNanos());
  }

  /**
   * Looks a key up.
   *
   * @param key the key
   * @return the value, {@link #ABSENT} for a known-absent record, or null on a miss
   */
  public Object get(K key) {
    Object value = cache.getIfPresent(key);
    if (value instanceof Absent absent) {
      if (System.nanoTime() - absent.deadlineNanos() >= 0) {
        cache.asMap().remove(key, absent);
        return null;
      }
      return ABSENT;
    }
    return value;
  }

  /** The value {@link #get} returns for a record known not to exist. */
  public static final Object ABSENT = new Object();

  /**
   * Stores a value, or "absent" when {@code value} is {@link #ABSENT}.
   *
   * @param key the key
   * @param redisKey its Redis key, for invalidation messages
   * @param value the value or {@link #ABSENT}
   */
  public void put(K key, String redisKey, Object value) {
    byRedisKey.put(redisKey, new Mapping<>(key, System.nanoTime()));
    cache.put(key, value == ABSENT ? new Absent(System.nanoTime() + absentNanos) : value);
  }

  /**
   * Drops a key.
   *
   * @param key the key
   */
  public void invalidate(K key) {
    cache.invalidate(key);
  }

  /**
   * Drops the entry whose Redis key this is, if present.
   *
   * @param redisKey the Redis key from an invalidation message
   */
  public void invalidateRedisKey(String redisKey) {
    Mapping<K> mapping = byRedisKey.get(redisKey);
    if (mapping != null) {
      cache.invalidate(mapping.key());
    }
  }

  /** Drops everything. */
  public void invalidateAll() {
    cache.invalidateAll();
  }

  /**
   * Forgets Redis-key mappings of entries that have left the cache. Mappings younger than a second
   * are kept, so an entry being stored right now never loses its mapping.
   */
  public void sweep() {
    long now = System.nanoTime();
    byRedisKey
        .entrySet()
        .removeIf(
            e ->
                now - e.getValue().createdNanos() > SWEEP_AGE_NANOS
                    && !cache.asMap().containsKey(e.getValue().key()));
  }

  /**
   * Returns the Redis keys of the entries held now.
   *
   * @return the keys
   */
  public List<String> redisKeys() {
    return byRedisKey.entrySet().stream()
        .filter(e -> cache.asMap().containsKey(e.getValue().key()))
        .map(java.util.Map.Entry::getKey)
        .toList();
  }

  /**
   * Returns the approximate number of entries.
   *
   * @return entries
   */
  public long size() {
    return cache.estimatedSize();
  }
}
