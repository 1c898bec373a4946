package io.toutiao.spring.boot;

import io.toutiao.cache.CacheLoadException;
import io.toutiao.cache.TwoLevelCache;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A Spring {@link Cache} over a {@link TwoLevelCache}: Caffeine, then Redis, then the cached
 * method. With {@code @Cacheable(sync = true)} a miss runs the method once across every node (the
 * cache's lease); a null result is remembered as "no such record" for the null TTL (penetration
 * protection). {@code @CacheEvict} invalidates the key on every node. {@code allEntries = true}
 * ({@link #clear()}) is not supported: it would have to scan Redis.
 */
public final class ToutiaoCache implements Cache {

  private static final ValueWrapper ABSENT = new SimpleValueWrapper(null);

  private final TwoLevelCache<Object, Object> cache;
  private final Class<?> valueType;
  private final LoadTimer timer;

  /** Times the cached method when it runs on a miss. */
  @FunctionalInterface
  public interface LoadTimer {
    /**
     * Runs and times a load.
     *
     * @param cache the cache name
     * @param load the load
     * @return its result
     * @throws Exception what the load threw
     */
    Object time(String cache, Callable<?> load) throws Exception;

    /** No timing. */
    LoadTimer NONE = (cache, load) -> load.call();
  }

  ToutiaoCache(TwoLevelCache<Object, Object> cache, Class<?> valueType, LoadTimer timer) {
    this.cache = Objects.requireNonNull(cache, "cache must not be null");
    this.valueType = Objects.requireNonNull(valueType, "valueType must not be null");
    this.timer = Objects.requireNonNull(timer, "timer must not be null");
  }

  @Override
  public String getName() {
    return cache.config().name();
  }

  /**
   * Returns the two-level cache.
   *
   * @return the {@link TwoLevelCache}
   */
  @Override
  public TwoLevelCache<Object, Object> getNativeCache() {
    return cache;
  }

  @Override
  public ValueWrapper get(Object key) {
    Optional<Object> held = cache.getIfPresent(key);
    if (held == null) {
      return null;
    }
    return held.isPresent() ? new SimpleValueWrapper(held.get()) : ABSENT;
  }

  @Override
  public <T> T get(Object key, Class<T> type) {
    ValueWrapper wrapper = get(key);
    Object value = wrapper == null ? null : wrapper.get();
    if (value != null && type != null && !type.isInstance(value)) {
      throw new IllegalStateException(
          "cache '"
              + getName()
              + "' holds a "
              + value.getClass().getName()
              + " for this key, not a "
              + type.getName());
    }
    @SuppressWarnings("unchecked")
    T typed = (T) value;
    return typed;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(Object key, Callable<T> valueLoader) {
    try {
      return (T)
          cache
              .get(
                  key,
                  k -> {
                    Object value = timer.time(getName(), valueLoader);
                    checkType(value);
                    return value;
                  })
              .orElse(null);
    } catch (CacheLoadException e) {
      if (e.getCause() != null) {
        throw new ValueRetrievalException(key, valueLoader, e.getCause());
      }
      throw e;
    }
  }

  @Override
  public void put(Object key, Object value) {
    if (value == null) {
      // "no such record": remembered as absent for the null TTL
      cache.invalidate(key);
      cache.get(key, k -> null);
      return;
    }
    checkType(value);
    cache.put(key, value);
  }

  @Override
  public void evict(Object key) {
    cache.invalidate(key);
  }

  /**
   * Not supported: removing every entry would scan Redis. Evict keys one by one.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void clear() {
    throw new UnsupportedOperationException(
        "cache '"
            + getName()
            + "' cannot drop all its entries (it would scan Redis); evict keys one by one");
  }

  private void checkType(Object value) {
    if (value != null && !valueType.isInstance(value)) {
      throw new IllegalArgumentException(
          "cache '"
              + getName()
              + "' holds "
              + valueType.getName()
              + " (toutiao.cache.caches."
              + getName()
              + ".value-type), got a "
              + value.getClass().getName());
    }
  }

  @Override
  public String toString() {
    return "ToutiaoCache[" + getName() + "]";
  }
}
