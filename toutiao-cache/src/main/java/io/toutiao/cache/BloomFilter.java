package io.toutiao.cache;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A thread-safe Bloom filter of cache keys, the optional penetration gate of a {@link
 * TwoLevelCache}: keys it has never seen are answered "absent" without touching Redis or the
 * loader. Feed it every existing key from the host's key source (e.g. {@code SELECT id FROM
 * article}) and add keys as records are created. It never forgets, so deleted records still pass
 * the gate (and are then cached as absent).
 */
public final class BloomFilter {

  private final AtomicLongArray bits;
  private final long bitCount;
  private final int hashes;

  private BloomFilter(long bitCount, int hashes) {
    long words = (bitCount + 63) / 64;
    if (words > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("filter too large: " + bitCount + " bits");
    }
    this.bits = new AtomicLongArray((int) words);
    this.bitCount = words * 64;
    this.hashes = hashes;
  }

  /**
   * Creates a filter sized for the expected number of keys and false-positive rate.
   *
   * @param expectedKeys how many keys will be added, at least 1
   * @param falsePositiveRate between 0 (exclusive) and 0.5, e.g. 0.01
   * @return an empty filter
   */
  public static BloomFilter create(long expectedKeys, double falsePositiveRate) {
    if (expectedKeys < 1) {
      throw new IllegalArgumentException("expectedKeys must be at least 1, got " + expectedKeys);
    }
    if (!(falsePositiveRate > 0 && falsePositiveRate <= 0.5)) {
      throw new IllegalArgumentException(
          "falsePositiveRate must be in (0, 0.5], got " + falsePositiveRate);
    }
    long bitCount =
        (long) Math.ceil(-expectedKeys * Math.log(falsePositiveRate) / (Math.log(2) * Math.log(2)));
    int hashes = Math.max(1, (int) Math.round((double) bitCount / expectedKeys * Math.log(2)));
    return new BloomFilter(Math.max(64, bitCount), hashes);
  }

  /**
   * Adds a key (its Redis key string, as the cache builds it).
   *
   * @param key the key
   */
  public void put(String key) {
    long h = hash(key);
    int h1 = (int) h;
    int h2 = (int) (h >>> 32);
    for (int i = 0; i < hashes; i++) {
      long bit = Math.floorMod(h1 + (long) i * h2, bitCount);
      int word = (int) (bit >>> 6);
      long mask = 1L << bit;
      long old;
      do {
        old = bits.get(word);
      } while ((old & mask) == 0 && !bits.compareAndSet(word, old, old | mask));
    }
  }

  /**
   * Tells whether a key may have been added (false positives at the configured rate, no false
   * negatives).
   *
   * @param key the key
   * @return false when the key was certainly never added
   */
  public boolean mightContain(String key) {
    long h = hash(key);
    int h1 = (int) h;
    int h2 = (int) (h >>> 32);
    for (int i = 0; i < hashes; i++) {
      long bit = Math.floorMod(h1 + (long) i * h2, bitCount);
      if ((bits.get((int) (bit >>> 6)) & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  /** 64-bit FNV-1a followed by a murmur3 finalizer, over the key's UTF-8 bytes. */
  private static long hash(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  @Override
  public String toString() {
    return "BloomFilter[bits=" + bitCount + ", hashes=" + hashes + "]";
  }
}
