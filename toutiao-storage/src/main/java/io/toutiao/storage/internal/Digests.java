package io.toutiao.storage.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 content hashes, the one definition for validator and stores. Not part of the public API.
 */
public final class Digests {

  private Digests() {}

  /**
   * Returns a fresh SHA-256 digest.
   *
   * @return the digest
   */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /**
   * Hashes the first {@code length} bytes.
   *
   * @param bytes the content
   * @param length how many bytes
   * @return lower-case hex
   */
  public static String sha256Hex(byte[] bytes, int length) {
    MessageDigest digest = sha256();
    digest.update(bytes, 0, length);
    return hex(digest);
  }

  /**
   * Finishes a digest as lower-case hex.
   *
   * @param digest the digest
   * @return lower-case hex
   */
  public static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }
}
