package io.toutiao.cache.internal;

import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Companion keys that land in the same Redis Cluster slot as a given key without renaming it: the
 * companion ends in a hash tag {@code {n}} chosen so that its slot equals the key's. This keeps the
 * reference key names (which have no hash tags) while scripts and RENAME may touch both keys. Not
 * part of the public API; thread-safe.
 */
public final class SlotKeys {

  private static final ConcurrentHashMap<String, String> CACHE = new ConcurrentHashMap<>();

  private SlotKeys() {}

  /**
   * Returns {@code key + suffix + ":{n}"} for the smallest {@code n} whose slot is the key's.
   *
   * @param key the key
   * @param suffix e.g. {@code :rebuild}
   * @return a key in the same slot
   */
  public static String companion(String key, String suffix) {
    return CACHE.computeIfAbsent(key + '\u0000' + suffix, ignored -> search(key, suffix));
  }

  private static String search(String key, String suffix) {
    int slot = JedisClusterCRC16.getSlot(key);
    for (int n = 0; ; n++) {
      String tag = Integer.toString(n, 36);
      if (JedisClusterCRC16.getSlot(tag) == slot) {
        return key + suffix + ":{" + tag + "}";
      }
    }
  }
}
