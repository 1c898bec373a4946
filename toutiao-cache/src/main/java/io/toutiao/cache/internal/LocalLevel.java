package io.toutiao.cache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

/**
 * The in-JVM level: Caffeine keyed by the caller's keys (so a hit costs no key formatting), plus a
 * map from Redis key to key so invalidation messages, which carry Redis keys, find their entry.
 *
 * <p>The map holds exactly the keys in Caffeine: it is written inside the per-key atomic operations
 * that add and remove entries, and Caffeine's eviction listener (size, expiry) removes its line in
 * the same atomic step, so it never outgrows the L1 size.
 *
 * <p><b>No install after an invalidation.</b> A read takes a {@link Ticket} before it asks its
 * source (Redis or the loader); invalidations bump a sequence per stripe of Redis keys (and a
 * resync bumps a global epoch) before they remove the entry. An install whose ticket's sequence
 * moved is refused, inside the same atomic step, so a value read before an invalidation can never
 * land in L1 after it. Not part of the public API; thread-safe.
 *
 * @param <K> the key type
 */
public final class LocalLevel<K> {

  private static final int STRIPES = 4096;

  /** The value {@link Entry#value} holds for a record known not to exist. */
  public static final Object ABSENT = new Object();

  /**
   * A value in L1, kept small: the hit path reads nothing else.
   *
   * @param optional what a read returns (made once, so hits allocate nothing); empty for a record
   *     known not to exist
   * @param freshAsOf when the read of its source started (nanoTime)
   * @param absentDeadline for an absent record, when it stops being served; 0 otherwise
   */
  public record Entry(Optional<?> optional, long freshAsOf, long absentDeadline) {}

  /**
   * Taken before a read of the source; checked when its result is installed.
   *
   * @param stripe the stripe of the Redis key
   * @param sequence the stripe's sequence then
   * @param epoch the resync epoch then
   * @param takenAt when it was taken (nanoTime)
   */
  public record Ticket(int stripe, long sequence, long epoch, long takenAt) {}

  private final Cache<K, Entry> cache;
  private final ConcurrentHashMap<String, K> byRedisKey = new ConcurrentHashMap<>();
  private final AtomicLongArray sequences = new AtomicLongArray(STRIPES);
  private final AtomicLong epoch = new AtomicLong();
  private final long absentNanos;
  private final Function<K, String> redisKeyOf;

  /**
   * Creates the level.
   *
   * @param maximumSize capacity in entries
   * @param ttl time to live of values
   * @param absentTtl time to live of "absent" entries (capped at {@code ttl})
   * @param redisKeyOf the Redis key of a key
   */
  public LocalLevel(
      long maximumSize, Duration ttl, Duration absentTtl, Function<K, String> redisKeyOf) {
    this.redisKeyOf = redisKeyOf;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .expireAfterWrite(ttl)
            .<K, Entry>evictionListener(
                (key, entry, cause) -> {
                  if (key != null) {
                    byRedisKey.remove(redisKeyOf.apply(key), key);
                  }
                })
            .build();
    this.absentNanos = Math.min(ttl.toNanos(), absentTtl.toNanos());
  }

  /**
   * Looks a key up.
   *
   * @param key the key
   * @return the entry, or null on a miss (an expired "absent" entry is removed)
   */
  public Entry get(K key) {
    Entry entry = cache.getIfPresent(key);
    if (entry != null
        && entry.absentDeadline() != 0
        && System.nanoTime() - entry.absentDeadline() >= 0) {
      remove(key, entry);
      return null;
    }
    return entry;
  }

  /**
   * Takes a ticket for a read of {@code redisKey}'s source that starts now.
   *
   * @param redisKey the Redis key
   * @return the ticket
   */
  public Ticket ticket(String redisKey) {
    int stripe = stripe(redisKey);
    long sequence = sequences.get(stripe);
    return new Ticket(stripe, sequence, epoch.get(), System.nanoTime());
  }

  /**
   * Stores a value read under {@code ticket}, unless an invalidation of its stripe or a resync came
   * in since the ticket was taken.
   *
   * @param key the key
   * @param redisKey its Redis key
   * @param value the value or {@link #ABSENT}
   * @param ticket taken before the value was read
   * @return true when stored
   */
  public boolean install(K key, String redisKey, Object value, Ticket ticket) {
    Entry entry =
        new Entry(
            value == ABSENT ? Optional.empty() : Optional.of(value),
            ticket.takenAt(),
            value == ABSENT ? nonZero(System.nanoTime() + absentNanos) : 0);
    boolean[] stored = {false};
    cache
        .asMap()
        .compute(
            key,
            (k, old) -> {
              // The mapping first: an invalidation that bumps the sequence after our check below
              // then finds the mapping and removes this entry (it waits for this step to end).
              byRedisKey.put(redisKey, k);
              if (!isCurrent(ticket)) {
                if (old == null) {
                  byRedisKey.remove(redisKey, k);
                }
                return old;
              }
              stored[0] = true;
              return entry;
            });
    return stored[0];
  }

  /**
   * Tells whether no invalidation of the ticket's stripe and no resync came in since it was taken.
   *
   * @param ticket the ticket
   * @return true when a value read under it is still current
   */
  public boolean isCurrent(Ticket ticket) {
    return sequences.get(ticket.stripe()) == ticket.sequence() && epoch.get() == ticket.epoch();
  }

  /**
   * Drops a key (this node's own invalidation).
   *
   * @param key the key
   * @param redisKey its Redis key
   */
  public void invalidate(K key, String redisKey) {
    sequences.incrementAndGet(stripe(redisKey));
    remove(key, null);
  }

  /**
   * Drops the entry whose Redis key this is, if present, and refuses installs of reads that started
   * before.
   *
   * @param redisKey the Redis key from an invalidation message
   */
  public void invalidateRedisKey(String redisKey) {
    sequences.incrementAndGet(stripe(redisKey));
    K key = byRedisKey.get(redisKey);
    if (key != null) {
      cache
          .asMap()
          .computeIfPresent(
              key,
              (k, old) -> {
                byRedisKey.remove(redisKey, k);
                return null;
              });
    }
  }

  /** Drops everything and refuses installs of reads that started before. */
  public void invalidateAll() {
    epoch.incrementAndGet();
    for (K key : new ArrayList<>(cache.asMap().keySet())) {
      remove(key, null);
    }
  }

  /** Removes the entry and its mapping in one atomic step; {@code expected} null: any entry. */
  private void remove(K key, Entry expected) {
    cache
        .asMap()
        .computeIfPresent(
            key,
            (k, old) -> {
              if (expected != null && old != expected) {
                return old;
              }
              byRedisKey.remove(redisKeyOf.apply(k), k);
              return null;
            });
  }

  /**
   * Returns the Redis keys of the entries held now.
   *
   * @return the keys
   */
  public List<String> redisKeys() {
    List<String> keys = new ArrayList<>();
    cache.asMap().keySet().forEach(key -> keys.add(redisKeyOf.apply(key)));
    return keys;
  }

  /**
   * Returns how many Redis keys the invalidation map holds (for tests of its bound).
   *
   * @return lines in the map
   */
  public int mappedKeys() {
    return byRedisKey.size();
  }

  /**
   * Returns the approximate number of entries.
   *
   * @return entries
   */
  public long size() {
    return cache.estimatedSize();
  }

  /** Runs Caffeine's pending maintenance (evictions), for tests. */
  public void cleanUp() {
    cache.cleanUp();
  }

  private static int stripe(String redisKey) {
    int h = redisKey.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  private static long nonZero(long nanos) {
    return nanos == 0 ? 1 : nanos;
  }
}
