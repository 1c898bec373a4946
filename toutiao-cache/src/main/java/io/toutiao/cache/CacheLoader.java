package io.toutiao.cache;

/**
 * Loads one value from the host's source of truth (e.g. a MyBatis mapper) on a cache miss.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface CacheLoader<K, V> {

  /**
   * Loads a value.
   *
   * @param key the key
   * @return the value, or null when the record does not exist (cached as "absent" for the null TTL)
   * @throws Exception on failure; never cached, surfaced as {@link CacheLoadException}
   */
  V load(K key) throws Exception;
}
