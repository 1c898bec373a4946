package io.toutiao.cache.redis;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * A lease (lock with an expiry) on one Redis key: {@code SET key token NX PX ttl} to acquire, an
 * atomic compare-and-delete to release, so only the holder can release it and a crashed holder's
 * lease simply expires. Works on standalone Redis and Redis Cluster (one key per lease).
 *
 * <p>Not re-entrant. Thread-safe; Redis failures surface as Jedis exceptions for the caller to
 * handle.
 */
public final class RedisLease {

  private static final String RELEASE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
  private static final String RENEW =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

  private final UnifiedJedis jedis;

  /**
   * Creates leases on a client.
   *
   * @param jedis the client, owned by the caller
   */
  public RedisLease(UnifiedJedis jedis) {
    this.jedis = Objects.requireNonNull(jedis, "jedis must not be null");
  }

  /**
   * Tries once to acquire a lease.
   *
   * @param key the lease key
   * @param ttl how long it lasts unless renewed or released, at least 1 ms
   * @return the holder's token when acquired, empty when someone else holds it
   */
  public Optional<String> tryAcquire(String key, Duration ttl) {
    Objects.requireNonNull(key, "key must not be null");
    long millis = ttl.toMillis();
    if (millis < 1) {
      throw new IllegalArgumentException("lease ttl must be at least 1 ms, got " + ttl);
    }
    String token = newToken();
    String reply = jedis.set(key, token, SetParams.setParams().nx().px(millis));
    return "OK".equals(reply) ? Optional.of(token) : Optional.empty();
  }

  /**
   * Extends a lease still held with this token.
   *
   * @param key the lease key
   * @param token the holder's token
   * @param ttl the new time to live from now
   * @return false when the lease was lost (expired or taken over)
   */
  public boolean renew(String key, String token, Duration ttl) {
    Object result = jedis.eval(RENEW, List.of(key), List.of(token, Long.toString(ttl.toMillis())));
    return Long.valueOf(1).equals(result);
  }

  /**
   * Releases a lease if this token still holds it.
   *
   * @param key the lease key
   * @param token the holder's token
   * @return false when it had already expired or passed to someone else
   */
  public boolean release(String key, String token) {
    Object result = jedis.eval(RELEASE, List.of(key), List.of(token));
    return Long.valueOf(1).equals(result);
  }

  private static String newToken() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
