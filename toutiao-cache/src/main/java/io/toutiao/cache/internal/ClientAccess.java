package io.toutiao.cache.internal;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.Connection;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.util.Pool;

/**
 * What the cache needs from a Jedis client beyond its commands: the connection pool of a single
 * endpoint (standalone or Sentinel master), to run a step with its own deadline, and new
 * connections made like the pool's but outside it, for the invalidation subscriber. Not part of the
 * public API; thread-safe.
 */
public final class ClientAccess {

  private static final Field PROVIDER = providerField();

  private final UnifiedJedis jedis;
  private final ConnectionProvider provider;
  private final AtomicInteger nextNode = new AtomicInteger();

  private ClientAccess(UnifiedJedis jedis, ConnectionProvider provider) {
    this.jedis = jedis;
    this.provider = provider;
  }

  /**
   * Looks into a client.
   *
   * @param jedis the client
   * @return its access
   */
  public static ClientAccess of(UnifiedJedis jedis) {
    ConnectionProvider provider = null;
    if (PROVIDER != null) {
      try {
        provider = (ConnectionProvider) PROVIDER.get(jedis);
      } catch (IllegalAccessException | RuntimeException e) {
        provider = null;
      }
    }
    return new ClientAccess(jedis, provider);
  }

  /**
   * Returns the client.
   *
   * @return the client
   */
  public UnifiedJedis jedis() {
    return jedis;
  }

  /**
   * Tells whether the client routes commands over a cluster (Jedis then chooses the connection).
   *
   * @return true for a cluster client, or one whose connections cannot be reached
   */
  public boolean routed() {
    return provider == null || provider instanceof ClusterConnectionProvider;
  }

  /**
   * Returns the pool of the single endpoint (standalone, or the current Sentinel master).
   *
   * @return the pool, or null for a routed client
   */
  @SuppressWarnings("unchecked")
  public Pool<Connection> endpointPool() {
    if (provider instanceof PooledConnectionProvider pooled) {
      return pooled.getPool();
    }
    if (routed()) {
      return null;
    }
    Map<?, ?> pools = provider.getConnectionMap();
    for (Object pool : pools.values()) {
      if (pool instanceof Pool<?> found) {
        return (Pool<Connection>) found;
      }
    }
    return null;
  }

  /**
   * Makes a new connection configured as the client's (address, password, TLS, protocol), not taken
   * from its pool: it is the caller's to close. On a cluster, the nodes are tried in turn.
   *
   * @return a connected connection
   * @throws JedisConnectionException when no endpoint accepts it
   */
  @SuppressWarnings("unchecked")
  public Connection newConnection() {
    if (provider == null) {
      throw new JedisConnectionException(
          "this Jedis client does not expose its connection pool; give the cache an"
              + " InvalidationBus built with InvalidationBus.connectingTo(address, config)");
    }
    List<Pool<Connection>> pools = new ArrayList<>();
    Map<?, ?> map = provider.getConnectionMap();
    for (Object pool : map.values()) {
      if (pool instanceof Pool<?> found) {
        pools.add((Pool<Connection>) found);
      }
    }
    if (pools.isEmpty()) {
      throw new JedisConnectionException("the Jedis client knows no Redis endpoint yet");
    }
    int start = Math.floorMod(nextNode.getAndIncrement(), pools.size());
    JedisConnectionException last = null;
    for (int i = 0; i < pools.size(); i++) {
      try {
        return pools.get((start + i) % pools.size()).getFactory().makeObject().getObject();
      } catch (Exception e) {
        last =
            e instanceof JedisConnectionException connection
                ? connection
                : new JedisConnectionException("cannot connect to Redis", e);
      }
    }
    throw last;
  }

  private static Field providerField() {
    try {
      Field field = UnifiedJedis.class.getDeclaredField("provider");
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
