package io.toutiao.cache.redis;

import io.toutiao.cache.internal.KeyPattern;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Per-user bounded "recent" lists on sorted sets (the reference's reading and search histories):
 * adding an item puts it first (an item already present moves to the front) and trims the list to
 * its capacity in the same {@code MULTI/EXEC} (on Redis Cluster, whose Jedis client has no
 * transactions, in one Lua script: equally atomic). One key per user. Thread-safe; Redis failures
 * are thrown as {@link RedisStoreException}.
 */
public final class RecentList {

  /** Reference reading history: {@code user:{id}:his:reading}, newest 100. */
  public static final String READING_PATTERN = "user:{}:his:reading";

  /** Reference search history: {@code user:{id}:his:searching}, newest 4. */
  public static final String SEARCHING_PATTERN = "user:{}:his:searching";

  private static final AtomicLong LAST_SCORE = new AtomicLong();

  /** The same two commands as one script, for clients without transactions (Redis Cluster). */
  private static final String ADD_AND_TRIM =
      "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2]) return redis.call('ZREMRANGEBYRANK', KEYS[1], 0, ARGV[3])";

  private volatile boolean transactions = true;

  private final UnifiedJedis jedis;
  private final KeyPattern keys;
  private final int capacity;

  /**
   * Creates the lists.
   *
   * @param jedis the client, owned by the caller
   * @param keyPattern key with {@code {}} for the user id
   * @param capacity items kept per user, 1 to 10,000
   */
  public RecentList(UnifiedJedis jedis, String keyPattern, int capacity) {
    this.jedis = Objects.requireNonNull(jedis, "jedis must not be null");
    this.keys = KeyPattern.parse(keyPattern);
    if (capacity < 1 || capacity > 10_000) {
      throw new IllegalArgumentException("capacity must be between 1 and 10000, got " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * The reference reading history (100 items).
   *
   * @param jedis the client
   * @return the lists
   */
  public static RecentList readingHistory(UnifiedJedis jedis) {
    return new RecentList(jedis, READING_PATTERN, 100);
  }

  /**
   * The reference search history (4 items).
   *
   * @param jedis the client
   * @return the lists
   */
  public static RecentList searchHistory(UnifiedJedis jedis) {
    return new RecentList(jedis, SEARCHING_PATTERN, 4);
  }

  /**
   * Puts an item first in a user's list and trims the list, atomically.
   *
   * @param userId the user
   * @param item e.g. an article id or a search phrase, 1 to 512 characters
   */
  public void add(long userId, String item) {
    Objects.requireNonNull(item, "item must not be null");
    if (item.isEmpty() || item.length() > 512) {
      throw new IllegalArgumentException(
          "item must have 1 to 512 characters, got " + item.length());
    }
    String key = key(userId);
    double score = nextScore();
    try {
      if (transactions) {
        try (AbstractTransaction tx = jedis.multi()) {
          tx.zadd(key, score, item);
          tx.zremrangeByRank(key, 0, -(capacity + 1));
          tx.exec();
          return;
        } catch (UnsupportedOperationException clusterClient) {
          transactions = false;
        }
      }
      jedis.eval(
          ADD_AND_TRIM,
          List.of(key),
          List.of(Double.toString(score), item, Integer.toString(-(capacity + 1))));
    } catch (JedisException e) {
      throw new RedisStoreException("could not add to " + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns a page of a user's list, newest first.
   *
   * @param userId the user
   * @param page 1-based page
   * @param perPage items per page, 1 to 1000
   * @return the items
   */
  public List<String> list(long userId, int page, int perPage) {
    if (page < 1 || perPage < 1 || perPage > 1000) {
      throw new IllegalArgumentException(
          "page must be at least 1 and perPage 1 to 1000, got " + page + " and " + perPage);
    }
    long start = (long) (page - 1) * perPage;
    String key = key(userId);
    try {
      return jedis.zrevrange(key, start, start + perPage - 1);
    } catch (JedisException e) {
      throw new RedisStoreException("could not read " + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * Empties a user's list.
   *
   * @param userId the user
   */
  public void clear(long userId) {
    String key = key(userId);
    try {
      jedis.del(key);
    } catch (JedisException e) {
      throw new RedisStoreException("could not clear " + key + ": " + e.getMessage(), e);
    }
  }

  private String key(long userId) {
    if (userId < 0) {
      throw new IllegalArgumentException("userId must not be negative, got " + userId);
    }
    return keys.format(userId);
  }

  /**
   * Microseconds-ish scores that strictly increase within this JVM, so order survives same-ms adds.
   */
  private static double nextScore() {
    long now = System.currentTimeMillis() * 1000;
    return LAST_SCORE.accumulateAndGet(now, (last, candidate) -> Math.max(last + 1, candidate));
  }
}
