package io.toutiao.auth;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The keys a {@link TokenService} signs and verifies with: one active key that signs new tokens,
 * plus verify-only keys (usually the previous active keys) so that rotating keys does not log users
 * out. Tokens name their key in the {@code kid} header. Immutable and thread-safe.
 *
 * <p>Rotation: build a new ring whose active key is new and whose verify keys include the old
 * active key, and hand it to {@link TokenService#updateKeyRing(KeyRing)}. Remove the old key once
 * the longest-lived tokens it signed (refresh tokens, 14 days by default) have expired.
 */
public final class KeyRing {

  private final SigningKey active;
  private final Map<String, SigningKey> byId;

  private KeyRing(SigningKey active, Map<String, SigningKey> byId) {
    this.active = active;
    this.byId = byId;
  }

  /**
   * A ring of one key.
   *
   * @param active a key that can sign
   * @return the ring
   */
  public static KeyRing of(SigningKey active) {
    return of(active, List.of());
  }

  /**
   * A ring with an active key and keys that are only used to verify.
   *
   * @param active a key that can sign
   * @param verifyOnly older or foreign keys; their ids must differ from each other and the active
   *     one
   * @return the ring
   * @throws IllegalArgumentException on a duplicate id or an active key that cannot sign
   */
  public static KeyRing of(SigningKey active, Collection<SigningKey> verifyOnly) {
    Objects.requireNonNull(active, "active key must not be null");
    Objects.requireNonNull(verifyOnly, "verifyOnly must not be null");
    if (!active.canSign()) {
      throw new IllegalArgumentException(
          "the active key '" + active.id() + "' has no private key and cannot sign");
    }
    Map<String, SigningKey> byId = new LinkedHashMap<>();
    byId.put(active.id(), active);
    for (SigningKey key : verifyOnly) {
      Objects.requireNonNull(key, "verifyOnly must not contain null");
      if (byId.putIfAbsent(key.id(), key) != null) {
        throw new IllegalArgumentException("two keys in the ring have the id '" + key.id() + "'");
      }
    }
    return new KeyRing(active, Map.copyOf(byId));
  }

  /**
   * Returns a new ring with {@code next} active and this ring's keys kept for verification.
   *
   * @param next the new signing key
   * @return the rotated ring
   */
  public KeyRing rotateTo(SigningKey next) {
    List<SigningKey> keep = new ArrayList<>(byId.values());
    keep.removeIf(key -> key.id().equals(next.id()));
    return of(next, keep);
  }

  /**
   * Returns a new ring without the key {@code id} (which must not be the active one).
   *
   * @param id the key to drop
   * @return the smaller ring
   */
  public KeyRing without(String id) {
    if (active.id().equals(id)) {
      throw new IllegalArgumentException(
          "cannot remove the active key '" + id + "'; rotate to another key first");
    }
    List<SigningKey> keep = new ArrayList<>(byId.values());
    keep.removeIf(key -> key.id().equals(id) || key == active);
    return of(active, keep);
  }

  /**
   * Returns the key that signs new tokens.
   *
   * @return the active key
   */
  public SigningKey active() {
    return active;
  }

  /**
   * Finds a key by id.
   *
   * @param id the {@code kid}
   * @return the key, or null
   */
  public SigningKey find(String id) {
    return id == null ? null : byId.get(id);
  }

  /**
   * Returns every key, the active one first.
   *
   * @return the keys
   */
  public Collection<SigningKey> keys() {
    List<SigningKey> keys = new ArrayList<>();
    keys.add(active);
    byId.values().stream().filter(key -> key != active).forEach(keys::add);
    return List.copyOf(keys);
  }

  /**
   * Exports the public keys as a JWKS document ({@code {"keys":[...]}}, RFC 7517) for other
   * services that verify our tokens. HMAC secrets are never exported.
   *
   * @return the JSON text
   */
  public String toJwks() {
    StringBuilder json = new StringBuilder("{\"keys\":[");
    boolean first = true;
    for (SigningKey key : keys()) {
      PublicKey publicKey = key.publicKey();
      if (publicKey == null) {
        continue;
      }
      json.append(first ? "" : ",").append('{');
      first = false;
      field(json, "kid", key.id()).append(',');
      field(json, "use", "sig").append(',');
      field(json, "alg", key.algorithm().jwaName()).append(',');
      if (publicKey instanceof RSAPublicKey rsa) {
        field(json, "kty", "RSA").append(',');
        field(json, "n", unsigned(rsa.getModulus(), 0)).append(',');
        field(json, "e", unsigned(rsa.getPublicExponent(), 0));
      } else if (publicKey instanceof ECPublicKey ec) {
        field(json, "kty", "EC").append(',');
        field(json, "crv", "P-256").append(',');
        field(json, "x", unsigned(ec.getW().getAffineX(), 32)).append(',');
        field(json, "y", unsigned(ec.getW().getAffineY(), 32));
      } else {
        byte[] encoded = publicKey.getEncoded();
        field(json, "kty", "OKP").append(',');
        field(json, "crv", "Ed25519").append(',');
        field(
            json, "x", base64Url(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length)));
      }
      json.append('}');
    }
    return json.append("]}").toString();
  }

  private static StringBuilder field(StringBuilder json, String name, String value) {
    return json.append('"').append(name).append("\":\"").append(value).append('"');
  }

  private static String unsigned(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    if (length > bytes.length) {
      byte[] padded = new byte[length];
      System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
      bytes = padded;
    }
    return base64Url(bytes);
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "KeyRing[active=" + active.id() + ", keys=" + byId.keySet() + "]";
  }
}
