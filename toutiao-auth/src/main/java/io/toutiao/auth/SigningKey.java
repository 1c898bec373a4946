package io.toutiao.auth;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One key of a {@link KeyRing}: an id ({@code kid}), the one algorithm it may be used with, and the
 * key material. HMAC keys sign and verify; asymmetric keys sign when they hold a private key and
 * verify with the public key. Strength is checked when the key is created. {@link #toString()}
 * shows the id and algorithm only. Immutable and thread-safe.
 */
public final class SigningKey {

  private static final Pattern KID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private final String id;
  private final TokenAlgorithm algorithm;
  private final Key signingKey;
  private final Key verificationKey;

  private SigningKey(String id, TokenAlgorithm algorithm, Key signingKey, Key verificationKey) {
    this.id = checkId(id);
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm must not be null");
    this.signingKey = signingKey;
    this.verificationKey =
        Objects.requireNonNull(verificationKey, "verification key must not be null");
  }

  /**
   * An HMAC key from a shared secret.
   *
   * @param id the {@code kid}, 1-64 characters of {@code A-Za-z0-9._:-}
   * @param algorithm HS256, HS384 or HS512
   * @param secret at least {@link TokenAlgorithm#minSecretBytes()} bytes of random data (copied)
   * @return the key
   * @throws IllegalArgumentException when the secret is too short or all one byte, or the algorithm
   *     is not HMAC
   */
  public static SigningKey hmac(String id, TokenAlgorithm algorithm, byte[] secret) {
    Objects.requireNonNull(secret, "secret must not be null");
    if (!algorithm.isHmac()) {
      throw new IllegalArgumentException("hmac keys need HS256, HS384 or HS512, got " + algorithm);
    }
    if (secret.length < algorithm.minSecretBytes()) {
      throw new IllegalArgumentException(
          "the secret of key '"
              + id
              + "' has "
              + secret.length
              + " bytes; "
              + algorithm
              + " needs at least "
              + algorithm.minSecretBytes()
              + " random bytes ("
              + algorithm.minSecretBytes() * 8
              + " bits, RFC 7518 3.2)."
              + " Generate one with SigningKey.generate(\""
              + id
              + "\", TokenAlgorithm."
              + algorithm
              + ")");
    }
    if (isLowEntropy(secret)) {
      throw new IllegalArgumentException(
          "the secret of key '"
              + id
              + "' repeats one or two byte values; use random bytes, not a password or padding");
    }
    String jca = "Hmac" + "SHA" + algorithm.jwaName().substring(2);
    SecretKey key = new SecretKeySpec(Arrays.copyOf(secret, secret.length), jca);
    return new SigningKey(id, algorithm, key, key);
  }

  /**
   * An HMAC key from a Base64 or Base64URL-encoded secret, the usual form in configuration files.
   *
   * @param id the {@code kid}
   * @param algorithm HS256, HS384 or HS512
   * @param base64Secret the encoded secret
   * @return the key
   * @throws IllegalArgumentException when the text is not Base64 or the secret is too weak
   */
  public static SigningKey hmacBase64(String id, TokenAlgorithm algorithm, String base64Secret) {
    Objects.requireNonNull(base64Secret, "base64Secret must not be null");
    String text = base64Secret.trim();
    byte[] secret;
    try {
      secret =
          text.indexOf('-') >= 0 || text.indexOf('_') >= 0
              ? Base64.getUrlDecoder().decode(text)
              : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the secret of key '" + id + "' is not valid Base64", e);
    }
    return hmac(id, algorithm, secret);
  }

  /**
   * A key that signs and verifies with a key pair.
   *
   * @param id the {@code kid}
   * @param algorithm RS256, ES256 or EdDSA
   * @param keyPair matching private and public keys
   * @return the key
   * @throws IllegalArgumentException when the pair does not fit the algorithm (type, size, curve)
   */
  public static SigningKey ofKeyPair(String id, TokenAlgorithm algorithm, KeyPair keyPair) {
    Objects.requireNonNull(keyPair, "keyPair must not be null");
    checkAsymmetric(id, algorithm, keyPair.getPublic());
    PrivateKey privateKey =
        Objects.requireNonNull(keyPair.getPrivate(), "private key must not be null");
    return new SigningKey(id, algorithm, privateKey, keyPair.getPublic());
  }

  /**
   * A verify-only key: a public key whose private half lives elsewhere (another service, or a key
   * being retired).
   *
   * @param id the {@code kid}
   * @param algorithm RS256, ES256 or EdDSA
   * @param publicKey the public key
   * @return the key
   */
  public static SigningKey verifyOnly(String id, TokenAlgorithm algorithm, PublicKey publicKey) {
    checkAsymmetric(id, algorithm, publicKey);
    return new SigningKey(id, algorithm, null, publicKey);
  }

  /**
   * Generates a new random key: a 32/48/64-byte secret for HMAC, an RSA-2048 pair, a P-256 pair or
   * an Ed25519 pair.
   *
   * @param id the {@code kid}
   * @param algorithm the algorithm
   * @return a key that can sign
   */
  public static SigningKey generate(String id, TokenAlgorithm algorithm) {
    try {
      switch (algorithm) {
        case HS256, HS384, HS512 -> {
          byte[] secret = new byte[algorithm.minSecretBytes()];
          new SecureRandom().nextBytes(secret);
          return hmac(id, algorithm, secret);
        }
        case RS256 -> {
          KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(2048);
          return ofKeyPair(id, algorithm, generator.generateKeyPair());
        }
        case ES256 -> {
          KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec("secp256r1"));
          return ofKeyPair(id, algorithm, generator.generateKeyPair());
        }
        default -> {
          return ofKeyPair(
              id, algorithm, KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate " + algorithm + " keys", e);
    }
  }

  private static void checkAsymmetric(String id, TokenAlgorithm algorithm, PublicKey publicKey) {
    Objects.requireNonNull(algorithm, "algorithm must not be null");
    Objects.requireNonNull(publicKey, "public key must not be null");
    switch (algorithm) {
      case RS256 -> {
        if (!(publicKey instanceof RSAPublicKey rsa)) {
          throw new IllegalArgumentException(
              "key '" + id + "': RS256 needs an RSA key, got " + publicKey.getAlgorithm());
        }
        if (rsa.getModulus().bitLength() < 2048) {
          throw new IllegalArgumentException(
              "key '"
                  + id
                  + "': RSA keys need at least 2048 bits, got "
                  + rsa.getModulus().bitLength());
        }
      }
      case ES256 -> {
        if (!(publicKey instanceof ECPublicKey ec)
            || ec.getParams().getCurve().getField().getFieldSize() != 256) {
          throw new IllegalArgumentException(
              "key '" + id + "': ES256 needs a P-256 EC key, got " + publicKey.getAlgorithm());
        }
      }
      case EdDSA -> {
        String name = publicKey.getAlgorithm();
        if (!"EdDSA".equals(name) && !"Ed25519".equals(name)) {
          throw new IllegalArgumentException(
              "key '" + id + "': EdDSA needs an Ed25519 key, got " + name);
        }
      }
      default ->
          throw new IllegalArgumentException(
              "key '" + id + "': " + algorithm + " is an HMAC algorithm; use SigningKey.hmac");
    }
  }

  private static boolean isLowEntropy(byte[] secret) {
    long distinct =
        java.util.stream.IntStream.range(0, secret.length)
            .map(i -> secret[i])
            .distinct()
            .limit(3)
            .count();
    return distinct < 3;
  }

  private static String checkId(String id) {
    Objects.requireNonNull(id, "key id must not be null");
    if (!KID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "key id must be 1-64 characters of A-Za-z0-9._:-, got '" + abbreviate(id) + "'");
    }
    return id;
  }

  private static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }

  /**
   * Returns the key id ({@code kid}).
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Returns the one algorithm this key is used with.
   *
   * @return the algorithm
   */
  public TokenAlgorithm algorithm() {
    return algorithm;
  }

  /**
   * Tells whether this key can sign (HMAC, or a private key is present).
   *
   * @return true when it can sign
   */
  public boolean canSign() {
    return signingKey != null;
  }

  Key signingKey() {
    return signingKey;
  }

  Key verificationKey() {
    return verificationKey;
  }

  /**
   * Returns the public key of an asymmetric key.
   *
   * @return the public key, or null for HMAC keys (whose secret is never exported)
   */
  public PublicKey publicKey() {
    return verificationKey instanceof PublicKey publicKey ? publicKey : null;
  }

  @Override
  public String toString() {
    return "SigningKey[id="
        + id
        + ", algorithm="
        + algorithm
        + (canSign() ? "" : ", verify-only")
        + "]";
  }
}
