package io.toutiao.cache.redis;

import io.toutiao.cache.internal.SlotKeys;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Leases (locks with an expiry) on Redis keys: {@code SET key token NX PX ttl} to acquire, atomic
 * compare-and-delete to release and compare-and-expire to renew, so only the holder can release or
 * renew it and a crashed holder's lease simply expires. {@link #tryAcquireFenced} also returns a
 * fencing token that grows with every acquisition of that key, for storage that must refuse a stale
 * holder's writes.
 *
 * <p>Works on standalone Redis and Redis Cluster: the fencing counter lives in a companion key in
 * the lease key's slot ({@code <key>:fence:{n}}). Not re-entrant. Thread-safe. Redis failures are
 * thrown as {@link RedisStoreException}.
 */
public final class RedisLease {

  /**
   * A held lease.
   *
   * @param key the lease key
   * @param token the holder's random token
   * @param fencingToken increases with every fenced acquisition of the key; 0 when not fenced
   */
  public record Lease(String key, String token, long fencingToken) {}

  private static final String ACQUIRE_FENCED =
      "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return redis.call('INCR', KEYS[2]) end return 0";
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
   * @return the lease when acquired, empty when someone else holds it
   */
  public Optional<Lease> tryAcquire(String key, Duration ttl) {
    long millis = checkTtl(key, ttl);
    String token = newToken();
    String reply = run(key, () -> jedis.set(key, token, SetParams.setParams().nx().px(millis)));
    return "OK".equals(reply) ? Optional.of(new Lease(key, token, 0)) : Optional.empty();
  }

  /**
   * Tries once to acquire a lease and, when acquired, increments the key's fencing counter.
   *
   * @param key the lease key
   * @param ttl how long it lasts unless renewed or released
   * @return the lease with its fencing token, or empty
   */
  public Optional<Lease> tryAcquireFenced(String key, Duration ttl) {
    long millis = checkTtl(key, ttl);
    String token = newToken();
    Object fence =
        run(
            key,
            () ->
                jedis.eval(
                    ACQUIRE_FENCED,
                    List.of(key, SlotKeys.companion(key, ":fence")),
                    List.of(token, Long.toString(millis))));
    long value = fence instanceof Long number ? number : 0;
    return value > 0 ? Optional.of(new Lease(key, token, value)) : Optional.empty();
  }

  /**
   * Extends a lease still held.
   *
   * @param lease the lease
   * @param ttl the new time to live from now
   * @return false when it was lost (expired, or taken by someone else)
   */
  public boolean renew(Lease lease, Duration ttl) {
    long millis = checkTtl(lease.key(), ttl);
    Object result =
        run(
            lease.key(),
            () ->
                jedis.eval(
                    RENEW, List.of(lease.key()), List.of(lease.token(), Long.toString(millis))));
    return Long.valueOf(1).equals(result);
  }

  /**
   * Releases a lease if still held.
   *
   * @param lease the lease
   * @return false when it had already expired or passed to someone else
   */
  public boolean release(Lease lease) {
    Object result =
        run(lease.key(), () -> jedis.eval(RELEASE, List.of(lease.key()), List.of(lease.token())));
    return Long.valueOf(1).equals(result);
  }

  /**
   * Makes a lease with a new random token that is not acquired yet, for callers that acquire it
   * with their own {@code SET key token NX PX ttl} (in a pipeline, or with their own deadline).
   *
   * @param key the lease key
   * @return the candidate lease
   */
  public static Lease candidate(String key) {
    return new Lease(Objects.requireNonNull(key, "key must not be null"), newToken(), 0);
  }

  /**
   * Queues the holder-only release of a lease in a pipeline, so it shares a round trip with the
   * commands before it.
   *
   * @param pipeline the pipeline
   * @param lease the lease
   * @return the reply: 1 when released, 0 when it had expired or passed to someone else
   */
  public static Response<Object> releaseIn(AbstractPipeline pipeline, Lease lease) {
    return pipeline.eval(RELEASE, List.of(lease.key()), List.of(lease.token()));
  }

  private static long checkTtl(String key, Duration ttl) {
    Objects.requireNonNull(key, "key must not be null");
    long millis = Objects.requireNonNull(ttl, "ttl must not be null").toMillis();
    if (millis < 1) {
      throw new IllegalArgumentException("lease ttl must be at least 1 ms, got " + ttl);
    }
    return millis;
  }

  private static <T> T run(String key, java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (JedisException e) {
      throw new RedisStoreException("lease operation on " + key + " failed: " + e.getMessage(), e);
    }
  }

  private static String newToken() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
