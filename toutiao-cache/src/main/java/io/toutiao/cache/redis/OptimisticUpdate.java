package io.toutiao.cache.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Optimistic read-modify-write of one string key with {@code WATCH}/{@code MULTI}/{@code EXEC}, for
 * changes that no single command or script can express (the new value is computed in Java, e.g.
 * from JSON). If another client writes the key between the read and the write, {@code EXEC} is
 * refused and the change is computed again from the fresh value, up to a bounded number of
 * attempts.
 *
 * <pre>{@code
 * OptimisticUpdate updates = new OptimisticUpdate(jedis, 10);
 * updates.apply("app:settings", json -> withFeatureOn(json, "hot-list"));   // null result deletes the key
 * }</pre>
 *
 * <p>Works with {@code RedisClient} and {@code RedisClusterClient} (on the node owning the key's
 * slot). Thread-safe; the change function may run several times.
 */
public final class OptimisticUpdate {

  private final UnifiedJedis jedis;
  private final int maxAttempts;

  /**
   * Creates the helper.
   *
   * @param jedis a {@code RedisClient} or {@code RedisClusterClient}
   * @param maxAttempts 1 to 1000 attempts before giving up
   */
  public OptimisticUpdate(UnifiedJedis jedis, int maxAttempts) {
    this.jedis = Objects.requireNonNull(jedis, "jedis must not be null");
    if (!(jedis instanceof RedisClient || jedis instanceof RedisClusterClient)) {
      throw new IllegalArgumentException(
          "optimistic updates need a RedisClient or RedisClusterClient, got "
              + jedis.getClass().getName());
    }
    if (maxAttempts < 1 || maxAttempts > 1000) {
      throw new IllegalArgumentException(
          "maxAttempts must be between 1 and 1000, got " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
  }

  /**
   * Reads the key, computes its new value and writes it unless someone else wrote it meanwhile,
   * retrying with the fresh value.
   *
   * @param key the key
   * @param change gets the current value (null when absent), returns the new value (null deletes)
   * @return the value written, or empty when the key was deleted
   * @throws RedisStoreException when Redis fails, or other writers won every attempt
   */
  public Optional<String> apply(String key, UnaryOperator<String> change) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(change, "change must not be null");
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      try (Connection connection = connectionFor(key)) {
        Optional<Optional<String>> written = attempt(connection, key, change);
        if (written.isPresent()) {
          return written.get();
        }
      } catch (JedisException e) {
        throw new RedisStoreException(
            "optimistic update of " + key + " failed: " + e.getMessage(), e);
      }
    }
    throw new RedisStoreException(
        "optimistic update of "
            + key
            + " gave up after "
            + maxAttempts
            + " attempts: other writers changed it each time",
        null);
  }

  /** One WATCH/GET/MULTI/EXEC round; empty when EXEC was refused. */
  private Optional<Optional<String>> attempt(
      Connection connection, String key, UnaryOperator<String> change) {
    connection.executeCommand(new CommandArguments(Protocol.Command.WATCH).key(key));
    String next;
    try {
      Object raw = connection.executeCommand(new CommandArguments(Protocol.Command.GET).key(key));
      String current = raw == null ? null : new String((byte[]) raw, StandardCharsets.UTF_8);
      next = change.apply(current);
    } catch (RuntimeException e) {
      // Never hand a connection with a pending WATCH back to the pool.
      connection.executeCommand(new CommandArguments(Protocol.Command.UNWATCH));
      throw e;
    }
    Transaction transaction = new Transaction(connection, true, false);
    if (next == null) {
      transaction.del(key);
    } else {
      transaction.set(key, next);
    }
    List<Object> result = transaction.exec();
    return result == null ? Optional.empty() : Optional.of(Optional.ofNullable(next));
  }

  private Connection connectionFor(String key) {
    if (jedis instanceof RedisClusterClient cluster) {
      return cluster.getConnectionFromSlot(JedisClusterCRC16.getSlot(key));
    }
    return ((RedisClient) jedis).getPool().getResource();
  }
}
