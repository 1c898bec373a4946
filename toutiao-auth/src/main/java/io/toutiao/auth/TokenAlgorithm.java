package io.toutiao.auth;

/** The signature algorithms a {@link SigningKey} can use; each key is bound to exactly one. */
public enum TokenAlgorithm {
  /** HMAC with SHA-256; secret of at least 32 bytes. The reference default. */
  HS256("HS256", 32),
  /** HMAC with SHA-384; secret of at least 48 bytes. */
  HS384("HS384", 48),
  /** HMAC with SHA-512; secret of at least 64 bytes. */
  HS512("HS512", 64),
  /** RSASSA-PKCS1-v1_5 with SHA-256; RSA key of at least 2048 bits. */
  RS256("RS256", 0),
  /** ECDSA on P-256 with SHA-256. */
  ES256("ES256", 0),
  /** EdDSA with Ed25519 (the JDK's own provider). */
  EdDSA("EdDSA", 0);

  private final String jwaName;
  private final int minSecretBytes;

  TokenAlgorithm(String jwaName, int minSecretBytes) {
    this.jwaName = jwaName;
    this.minSecretBytes = minSecretBytes;
  }

  /**
   * Returns the name in the JWS {@code alg} header.
   *
   * @return e.g. {@code HS256}
   */
  public String jwaName() {
    return jwaName;
  }

  /**
   * Tells whether this is an HMAC (shared-secret) algorithm.
   *
   * @return true for HS256/384/512
   */
  public boolean isHmac() {
    return minSecretBytes > 0;
  }

  /**
   * Returns the smallest secret accepted for an HMAC algorithm (its hash size).
   *
   * @return bytes, 0 for asymmetric algorithms
   */
  public int minSecretBytes() {
    return minSecretBytes;
  }
}
