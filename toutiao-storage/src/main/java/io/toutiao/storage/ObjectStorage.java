package io.toutiao.storage;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where uploaded objects live: the local filesystem ({@code io.toutiao.storage.local}) or Qiniu.
 * Keys are relative paths of {@code A-Za-z0-9._-} segments separated by {@code /}, at most 512
 * characters, no empty, {@code .} or {@code ..} segments. Implementations are thread-safe; I/O and
 * remote failures are thrown as {@link StorageUnavailableException}.
 */
public interface ObjectStorage {

  /** What a valid key looks like. */
  Pattern KEY = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");

  /**
   * Stores bytes under a key chosen by the store's key strategy (content hash by default).
   *
   * @param bytes the content
   * @param contentType e.g. {@code image/png}
   * @return where it went
   */
  StoredObject put(byte[] bytes, String contentType);

  /**
   * Stores bytes under the caller's key, replacing what was there.
   *
   * @param key a valid key
   * @param bytes the content
   * @param contentType e.g. {@code image/png}
   * @return where it went
   */
  StoredObject put(String key, byte[] bytes, String contentType);

  /**
   * Stores a stream of known length under the caller's key without holding it in memory.
   *
   * @param key a valid key
   * @param in the content (not closed)
   * @param length its length in bytes
   * @param contentType e.g. {@code video/mp4}
   * @return where it went
   */
  StoredObject put(String key, InputStream in, long length, String contentType);

  /**
   * Stores a file under the caller's key.
   *
   * @param key a valid key
   * @param file the file
   * @param contentType e.g. {@code image/jpeg}
   * @return where it went
   */
  StoredObject put(String key, Path file, String contentType);

  /**
   * Describes an object.
   *
   * @param key the key
   * @return its size, hash, type and time, or empty when absent
   */
  Optional<ObjectStat> stat(String key);

  /**
   * Tells whether an object exists.
   *
   * @param key the key
   * @return true when present
   */
  default boolean exists(String key) {
    return stat(key).isPresent();
  }

  /**
   * Deletes an object.
   *
   * @param key the key
   * @return true when it existed
   */
  boolean delete(String key);

  /**
   * Returns the public URL of a key (base URL or CDN domain + key).
   *
   * @param key the key
   * @return the URL
   */
  String publicUrl(String key);

  /**
   * Checks a key.
   *
   * @param key the key
   * @return the key
   * @throws ObjectKeyException naming what is wrong (traversal, bad characters, length)
   */
  static String checkKey(String key) {
    if (key == null) {
      throw new NullPointerException("key must not be null");
    }
    if (key.isEmpty() || key.length() > 512) {
      throw new ObjectKeyException("key must have 1 to 512 characters, got " + key.length());
    }
    if (!KEY.matcher(key).matches()
        || key.contains("/../")
        || key.endsWith("/..")
        || key.startsWith("../")) {
      String shown = key.length() > 64 ? key.substring(0, 64) + "..." : key;
      throw new ObjectKeyException(
          "key '"
              + shown.replaceAll("\\p{Cntrl}", "?")
              + "' is not a relative path of A-Za-z0-9._- segments");
    }
    for (String segment : key.split("/")) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new ObjectKeyException("key must not contain '.' or '..' segments: '" + key + "'");
      }
    }
    return key;
  }

  /**
   * Joins a base URL and a key with exactly one slash between them.
   *
   * @param base e.g. {@code https://cdn.example.com/} or {@code http://127.0.0.1:8080/files}
   * @param key e.g. {@code 2026/11/27/abc.png} (a leading slash is tolerated)
   * @return the URL
   */
  static String joinUrl(String base, String key) {
    String left = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    String right = key.startsWith("/") ? key.substring(1) : key;
    return left + "/" + right;
  }
}
