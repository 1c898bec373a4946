package io.toutiao.auth.redis;

import io.toutiao.auth.RevocationStore;
import io.toutiao.auth.RevocationUnavailableException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link RevocationStore} in Redis, shared by every instance of a fleet. Works on a standalone
 * server and on Redis Cluster (every operation touches one key). Entries expire with the tokens
 * they concern ({@code PXAT}). Any Redis failure is thrown as {@link
 * RevocationUnavailableException}, so verification fails closed.
 *
 * <p>Keys (prefix {@value #DEFAULT_PREFIX} by default): {@code auth:revoked:<id>} and {@code
 * auth:user:<userId>:revoked-before}. Needs {@code redis.clients:jedis} (an optional dependency of
 * toutiao-auth) and Redis 6.2+. Thread-safe as the given {@link UnifiedJedis} is.
 */
public final class RedisRevocationStore implements RevocationStore {

  /** Default key prefix. */
  public static final String DEFAULT_PREFIX = "auth:";

  private static final String KEEP_LATEST =
      "local cur = redis.call('GET', KEYS[1]) "
          + "if (not cur) or tonumber(cur) < tonumber(ARGV[1]) then "
          + "redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2]) end "
          + "return 1";

  private final UnifiedJedis jedis;
  private final String prefix;

  /**
   * Creates a store with the default prefix.
   *
   * @param jedis a client (e.g. {@code RedisClient} or {@code RedisClusterClient}) owned by the
   *     caller
   */
  public RedisRevocationStore(UnifiedJedis jedis) {
    this(jedis, DEFAULT_PREFIX);
  }

  /**
   * Creates a store.
   *
   * @param jedis a client owned by the caller
   * @param prefix key prefix, e.g. {@code news:auth:}
   */
  public RedisRevocationStore(UnifiedJedis jedis, String prefix) {
    this.jedis = Objects.requireNonNull(jedis, "jedis must not be null");
    this.prefix = Objects.requireNonNull(prefix, "prefix must not be null");
  }

  @Override
  public void revoke(String id, Instant until) {
    run(
        "revoke",
        () -> jedis.set(revokedKey(id), "1", SetParams.setParams().pxAt(until.toEpochMilli())));
  }

  @Override
  public boolean isRevoked(String id) {
    return run("check revocation of", () -> jedis.exists(revokedKey(id)));
  }

  @Override
  public boolean markUsed(String id, Instant until) {
    return run(
        "mark as used",
        () ->
            "OK"
                .equals(
                    jedis.set(
                        revokedKey(id),
                        "1",
                        SetParams.setParams().nx().pxAt(until.toEpochMilli()))));
  }

  @Override
  public void revokeUser(long userId, Instant before, Instant until) {
    run(
        "revoke the tokens of",
        () ->
            jedis.eval(
                KEEP_LATEST,
                List.of(userKey(userId)),
                List.of(
                    Long.toString(before.toEpochMilli()), Long.toString(until.toEpochMilli()))));
  }

  @Override
  public Optional<Instant> userRevokedBefore(long userId) {
    String value = run("read the revocation of", () -> jedis.get(userKey(userId)));
    return value == null
        ? Optional.empty()
        : Optional.of(Instant.ofEpochMilli(Long.parseLong(value)));
  }

  private String revokedKey(String id) {
    return prefix + "revoked:" + id;
  }

  private String userKey(long userId) {
    return prefix + "user:" + userId + ":revoked-before";
  }

  private <T> T run(String action, java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (JedisException e) {
      throw new RevocationUnavailableException(
          "Redis could not " + action + " a token: " + e.getClass().getSimpleName(), e);
    }
  }
}
