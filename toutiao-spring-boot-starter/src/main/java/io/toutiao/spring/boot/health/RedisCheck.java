package io.toutiao.spring.boot.health;

import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/** Redis: a {@code PING}, bounded by the client's socket timeout. */
public final class RedisCheck {

  private RedisCheck() {}

  /**
   * Pings.
   *
   * @param jedis the client
   * @return up with the round trip, or down with the error
   */
  public static Check check(UnifiedJedis jedis) {
    long started = System.nanoTime();
    try {
      String reply = jedis.ping();
      return new Check(
          true, Map.of("ping", reply, "millis", (System.nanoTime() - started) / 1_000_000));
    } catch (RuntimeException e) {
      return new Check(false, Map.of("error", Check.error(e)));
    }
  }
}
