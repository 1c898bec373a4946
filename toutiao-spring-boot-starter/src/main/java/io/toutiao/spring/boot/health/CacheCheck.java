package io.toutiao.spring.boot.health;

import io.toutiao.spring.boot.ToutiaoCache;
import io.toutiao.spring.boot.ToutiaoCacheManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The caches' circuit breakers: shown per cache; up regardless (reads go on through the loader).
 */
public final class CacheCheck {

  private CacheCheck() {}

  /**
   * Looks at every breaker.
   *
   * @param manager the caches
   * @return up, with each breaker's state
   */
  public static Check check(ToutiaoCacheManager manager) {
    Map<String, Object> breakers = new LinkedHashMap<>();
    for (ToutiaoCache cache : manager.caches()) {
      breakers.put(
          cache.getName(),
          cache.getNativeCache().stats().circuitOpen()
              ? "open: Redis bypassed, reads go to the loader"
              : "closed");
    }
    return new Check(true, breakers);
  }
}
