package io.toutiao.cache.redis;

import io.toutiao.cache.internal.SlotKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.Tuple;

/**
 * One metric's counters on a Redis sorted set: member = entity id, score = count, no TTL (the
 * reference's {@code count:*} keys). Absent ids count 0. Counters are storage, not cache: every
 * Redis failure is thrown as {@link RedisStoreException}, except where a read asks for a default.
 *
 * <p>{@link #rebuild(Iterator)} is the nightly correction: it replaces the whole set from the
 * host's source of truth without readers ever seeing a half-built set. Works on standalone Redis
 * and Redis Cluster (the rebuild's temporary key shares the metric key's slot). Thread-safe.
 */
public final class CounterStore {

  /** Articles a user published. */
  public static final String USER_ARTICLES = "count:user:arts";

  /** Users a user follows. */
  public static final String USER_FOLLOWINGS = "count:user:followings";

  /** Followers of a user. */
  public static final String USER_FOLLOWERS = "count:user:followers";

  /** Likes a user received. */
  public static final String USER_LIKED = "count:user:liked";

  /** Articles a user collected. */
  public static final String USER_ARTICLE_COLLECTING = "count:user:art:collecting";

  /** Collections of an article. */
  public static final String ARTICLE_COLLECTING = "count:art:collecting";

  /** Likes of an article. */
  public static final String ARTICLE_LIKING = "count:art:liking";

  /** Dislikes of an article. */
  public static final String ARTICLE_DISLIKE = "count:art:dislike";

  /** Comments of an article. */
  public static final String ARTICLE_COMMENTS = "count:art:comm";

  /** Replies of a comment. */
  public static final String ARTICLE_REPLIES = "count:art:reply";

  /** Likes of a comment. */
  public static final String COMMENT_LIKING = "count:comm:liking";

  /** Reads of an article. */
  public static final String ARTICLE_READING = "count:art:reading";

  /** Reads of a user's articles. */
  public static final String USER_ARTICLE_READING = "count:user:arts:reading";

  /** Largest batch for {@link #getAll(Collection)}: {@value}. */
  public static final int MAX_BATCH = 10_000;

  private static final long MAX_EXACT = 1L << 53;
  private static final int CHUNK = 1000;
  private static final String SWAP =
      "redis.call('PERSIST', KEYS[1]) return redis.call('RENAME', KEYS[1], KEYS[2])";

  /**
   * One id's count.
   *
   * @param id the entity id
   * @param count its count
   */
  public record Counter(long id, long count) {}

  /**
   * What a rebuild did.
   *
   * @param ids ids in the new set
   * @param changed ids whose count differs from before, including ids added and removed
   * @param took how long it took
   */
  public record RebuildResult(long ids, long changed, Duration took) {}

  private final UnifiedJedis jedis;
  private final String key;
  private final String rebuildKey;

  /**
   * Creates the store of one metric.
   *
   * @param jedis the client, owned by the caller
   * @param key the sorted-set key, e.g. {@link #ARTICLE_LIKING}
   */
  public CounterStore(UnifiedJedis jedis, String key) {
    this.jedis = Objects.requireNonNull(jedis, "jedis must not be null");
    this.key = Objects.requireNonNull(key, "key must not be null");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
    this.rebuildKey = SlotKeys.companion(key, ":rebuild");
  }

  /**
   * Returns the metric key.
   *
   * @return the key
   */
  public String key() {
    return key;
  }

  /**
   * Adds a delta to an id's count.
   *
   * @param id a non-negative id
   * @param delta non-zero, at most 2^53 in magnitude
   * @return the new count
   */
  public long increment(long id, long delta) {
    checkId(id);
    if (delta == 0 || Math.abs(delta) > MAX_EXACT) {
      throw new IllegalArgumentException(
          "delta must be non-zero and at most 2^53 in magnitude, got " + delta);
    }
    double count =
        run("increment " + id + " in", () -> jedis.zincrby(key, delta, Long.toString(id)));
    return (long) count;
  }

  /**
   * Subtracts a delta from an id's count.
   *
   * @param id a non-negative id
   * @param delta positive
   * @return the new count
   */
  public long decrement(long id, long delta) {
    if (delta <= 0) {
      throw new IllegalArgumentException("decrement delta must be positive, got " + delta);
    }
    return increment(id, -delta);
  }

  /**
   * Returns an id's count.
   *
   * @param id a non-negative id
   * @return the count, 0 when absent
   * @throws RedisStoreException when Redis fails
   */
  public long get(long id) {
    checkId(id);
    Double score = run("read " + id + " from", () -> jedis.zscore(key, Long.toString(id)));
    return score == null ? 0 : score.longValue();
  }

  /**
   * Returns an id's count, or a fallback when Redis fails (for pages that may show a stale 0).
   *
   * @param id a non-negative id
   * @param fallback returned when Redis cannot answer
   * @return the count
   */
  public long getOrDefault(long id, long fallback) {
    try {
      return get(id);
    } catch (RedisStoreException e) {
      return fallback;
    }
  }

  /**
   * Returns the counts of many ids in one round trip ({@code ZMSCORE}).
   *
   * @param ids up to {@value #MAX_BATCH} non-negative ids
   * @return every requested id with its count (0 when absent), in request order
   */
  public Map<Long, Long> getAll(Collection<Long> ids) {
    Objects.requireNonNull(ids, "ids must not be null");
    if (ids.size() > MAX_BATCH) {
      throw new IllegalArgumentException(
          "at most " + MAX_BATCH + " ids per call, got " + ids.size());
    }
    Map<Long, Long> counts = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return counts;
    }
    String[] members = new String[ids.size()];
    int i = 0;
    for (Long id : ids) {
      checkId(Objects.requireNonNull(id, "ids must not contain null"));
      members[i++] = Long.toString(id);
    }
    List<Double> scores =
        run("read " + ids.size() + " ids from", () -> jedis.zmscore(key, members));
    i = 0;
    for (Long id : ids) {
      Double score = scores.get(i++);
      counts.put(id, score == null ? 0 : score.longValue());
    }
    return counts;
  }

  /**
   * Returns the ids with the largest counts.
   *
   * @param n 1 to 10,000
   * @return up to {@code n} counters, largest first
   */
  public List<Counter> top(int n) {
    if (n < 1 || n > MAX_BATCH) {
      throw new IllegalArgumentException("n must be between 1 and " + MAX_BATCH + ", got " + n);
    }
    List<Tuple> tuples =
        run("read the top " + n + " of", () -> jedis.zrevrangeWithScores(key, 0, n - 1));
    List<Counter> top = new ArrayList<>(tuples.size());
    for (Tuple tuple : tuples) {
      top.add(new Counter(Long.parseLong(tuple.getElement()), (long) tuple.getScore()));
    }
    return top;
  }

  /**
   * Removes an id.
   *
   * @param id a non-negative id
   * @return true when it was present
   */
  public boolean remove(long id) {
    checkId(id);
    return run("remove " + id + " from", () -> jedis.zrem(key, Long.toString(id))) > 0;
  }

  /**
   * Replaces the metric with the counts from a source of truth, as the nightly correction does. See
   * {@link #rebuild(Iterator)}.
   *
   * @param source id/count pairs, ids unique
   * @return what changed
   */
  public RebuildResult rebuild(Stream<Counter> source) {
    try (source) {
      return rebuild(source.iterator());
    }
  }

  /**
   * Replaces the metric with the counts from a source of truth (e.g. a streaming {@code GROUP BY}
   * query). The new set is built in a temporary key in chunks of 1000 (bounded memory, any number
   * of ids), then swapped in with one atomic {@code RENAME}: readers see the old set until then. An
   * empty source removes the metric. If the source or Redis fails midway, the old set stays as it
   * was and the exception is thrown. Increments made while the rebuild runs are overwritten by the
   * source's counts.
   *
   * @param source id/count pairs, ids unique, counts at most 2^53
   * @return how many ids the new set has and how many changed
   */
  public RebuildResult rebuild(Iterator<Counter> source) {
    Objects.requireNonNull(source, "source must not be null");
    long started = System.nanoTime();
    long oldSize = run("size", () -> jedis.zcard(key));
    run("clear the rebuild key of", () -> jedis.del(rebuildKey));
    long ids = 0;
    long changed = 0;
    long matchedOld = 0;
    List<Counter> chunk = new ArrayList<>(CHUNK);
    while (source.hasNext()) {
      Counter counter = Objects.requireNonNull(source.next(), "source must not contain null");
      checkId(counter.id());
      if (Math.abs(counter.count()) > MAX_EXACT) {
        throw new IllegalArgumentException(
            "count of id " + counter.id() + " exceeds 2^53: " + counter.count());
      }
      chunk.add(counter);
      if (chunk.size() == CHUNK || !source.hasNext()) {
        long[] diff = writeChunk(chunk);
        ids += chunk.size();
        changed += diff[0];
        matchedOld += diff[1];
        chunk.clear();
      }
    }
    if (ids == 0) {
      run("remove", () -> jedis.del(key));
      return new RebuildResult(0, oldSize, Duration.ofNanos(System.nanoTime() - started));
    }
    run("swap in the rebuilt", () -> jedis.eval(SWAP, List.of(rebuildKey, key), List.of()));
    changed += Math.max(0, oldSize - matchedOld);
    return new RebuildResult(ids, changed, Duration.ofNanos(System.nanoTime() - started));
  }

  /** Writes one chunk to the temporary key; returns {changed, present before}. */
  private long[] writeChunk(List<Counter> chunk) {
    Map<String, Double> scores = new HashMap<>();
    String[] members = new String[chunk.size()];
    for (int i = 0; i < chunk.size(); i++) {
      members[i] = Long.toString(chunk.get(i).id());
      scores.put(members[i], (double) chunk.get(i).count());
    }
    List<Double> old =
        run(
            "rebuild",
            () -> {
              try (AbstractPipeline pipeline = jedis.pipelined()) {
                Response<List<Double>> before = pipeline.zmscore(key, members);
                pipeline.zadd(rebuildKey, scores);
                pipeline.pexpire(rebuildKey, Duration.ofHours(6).toMillis());
                pipeline.sync();
                return before.get();
              }
            });
    long changed = 0;
    long present = 0;
    for (int i = 0; i < chunk.size(); i++) {
      Double before = old.get(i);
      if (before != null) {
        present++;
      }
      if (before == null || before.longValue() != chunk.get(i).count()) {
        changed++;
      }
    }
    return new long[] {changed, present};
  }

  private static void checkId(long id) {
    if (id < 0) {
      throw new IllegalArgumentException("id must not be negative, got " + id);
    }
  }

  private <T> T run(String action, java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (JedisException e) {
      throw new RedisStoreException(
          "could not " + action + " counter " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "CounterStore[" + key + "]";
  }
}
