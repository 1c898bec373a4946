package io.toutiao.cache;

/**
 * Turns values into the bytes stored in Redis and back. Implementations must be thread-safe. See
 * {@link Codecs} for JSON, String and raw bytes.
 *
 * @param <V> the value type
 */
public interface Codec<V> {

  /**
   * Encodes a value.
   *
   * @param value a non-null value
   * @return its bytes
   * @throws Exception when it cannot be encoded
   */
  byte[] encode(V value) throws Exception;

  /**
   * Decodes bytes written by {@link #encode(Object)}.
   *
   * @param bytes the stored bytes
   * @return the value
   * @throws Exception when the bytes are not a valid encoding
   */
  V decode(byte[] bytes) throws Exception;
}
