package io.toutiao.feed.redis;

import io.toutiao.feed.BehaviourEvent;
import io.toutiao.feed.BehaviourSink;
import io.toutiao.feed.FeedException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;

/**
 * Appends behaviour events to a Redis stream (default {@code behaviour:events}), trimmed to about
 * {@link #DEFAULT_MAX_LENGTH} entries, for recommendation jobs to consume with {@code XREADGROUP}.
 * Entry fields: {@code action}, {@code user}, {@code articles} (comma-separated ids), {@code algo},
 * {@code iat} (track issue time, ms) and {@code at} (receipt time, ms). A Redis failure raises
 * {@link FeedException}. Thread-safe.
 */
public final class RedisStreamBehaviourSink implements BehaviourSink {

  /** Default stream key. */
  public static final String DEFAULT_KEY = "behaviour:events";

  /** Default approximate length the stream is trimmed to. */
  public static final long DEFAULT_MAX_LENGTH = 1_000_000;

  private final UnifiedJedis jedis;
  private final String key;
  private final long maxLength;
  private final Clock clock;

  /**
   * A sink on the default key and length.
   *
   * @param jedis the Redis client
   */
  public RedisStreamBehaviourSink(UnifiedJedis jedis) {
    this(jedis, DEFAULT_KEY, DEFAULT_MAX_LENGTH, Clock.systemUTC());
  }

  /**
   * A sink.
   *
   * @param jedis the Redis client
   * @param key the stream key
   * @param maxLength the approximate length kept, positive
   * @param clock the receipt-time clock
   */
  public RedisStreamBehaviourSink(UnifiedJedis jedis, String key, long maxLength, Clock clock) {
    this.jedis = Objects.requireNonNull(jedis, "jedis must not be null");
    this.key = Objects.requireNonNull(key, "key must not be null");
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be positive, got " + maxLength);
    }
    this.maxLength = maxLength;
  }

  @Override
  public void record(BehaviourEvent event) {
    Objects.requireNonNull(event, "event must not be null");
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("action", event.action().wireName());
    fields.put("user", event.userId());
    fields.put(
        "articles",
        event.articleIds().stream().map(String::valueOf).collect(Collectors.joining(",")));
    fields.put("algo", event.algoCombine());
    fields.put("iat", Long.toString(event.issuedAt().toEpochMilli()));
    fields.put("at", Long.toString(clock.millis()));
    try {
      jedis.xadd(key, XAddParams.xAddParams().maxLen(maxLength).approximateTrimming(), fields);
    } catch (JedisException e) {
      throw new FeedException(
          "could not record a " + event.action().wireName() + " event in " + key, e);
    }
  }

  /**
   * The stream key.
   *
   * @return the key
   */
  public String key() {
    return key;
  }

  @Override
  public String toString() {
    return "RedisStreamBehaviourSink{key=" + key + ", maxLength~" + maxLength + "}";
  }
}
