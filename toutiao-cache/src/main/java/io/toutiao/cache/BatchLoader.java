package io.toutiao.cache;

import java.util.Collection;
import java.util.Map;

/**
 * Loads many values in one query for {@link TwoLevelCache#getAll(Collection)}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface BatchLoader<K, V> {

  /**
   * Loads values.
   *
   * @param keys the keys missing from both levels
   * @return the values found; keys left out do not exist (cached as "absent")
   * @throws Exception on failure; never cached
   */
  Map<K, V> loadAll(Collection<K> keys) throws Exception;
}
