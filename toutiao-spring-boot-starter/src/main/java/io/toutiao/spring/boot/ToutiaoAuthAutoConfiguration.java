package io.toutiao.spring.boot;

import io.toutiao.auth.KeyRing;
import io.toutiao.auth.SigningKey;
import io.toutiao.auth.TokenAlgorithm;
import io.toutiao.auth.TokenConfig;
import io.toutiao.auth.TokenService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.Resource;

/**
 * A {@link TokenService} from {@code toutiao.auth.*}: keys from properties (HMAC secrets) or PEM
 * files (RS256, ES256, EdDSA), the active one signing and the others verifying (rotation by adding
 * a key). Backs off when the application defines its own {@code TokenService}; off with {@code
 * toutiao.auth.enabled=false}. The Spring Security part is in {@link
 * ToutiaoSecurityAutoConfiguration}.
 */
@AutoConfiguration
@ConditionalOnClass(TokenService.class)
@ConditionalOnProperty(prefix = "toutiao.auth", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(AuthProperties.class)
public class ToutiaoAuthAutoConfiguration {

  /** Creates the configuration. */
  public ToutiaoAuthAutoConfiguration() {}

  /**
   * The token service.
   *
   * @param properties {@code toutiao.auth.*}
   * @return the service
   */
  @Bean
  @ConditionalOnMissingBean(TokenService.class)
  public TokenService toutiaoTokenService(AuthProperties properties) {
    KeyRing ring = keyRing(properties);
    TokenConfig.Builder config = TokenConfig.custom(ring);
    try {
      if (properties.getIssuer() != null) {
        config.issuer(properties.getIssuer());
      }
      if (properties.getAudience() != null) {
        config.audience(properties.getAudience());
      }
      config.lifetimes(properties.getAccessTtl(), properties.getRefreshTtl());
      config.clockSkew(properties.getClockSkew());
      return new TokenService(config.build());
    } catch (IllegalArgumentException e) {
      throw new ToutiaoPropertyException("toutiao.auth", e.getMessage(), e);
    }
  }

  static KeyRing keyRing(AuthProperties properties) {
    List<AuthProperties.Key> declared = properties.getKeys();
    if (declared == null || declared.isEmpty()) {
      throw new ToutiaoPropertyException(
          "toutiao.auth.keys",
          "at least one key is needed, e.g. toutiao.auth.keys[0].id=k1 and"
              + " toutiao.auth.keys[0].secret=<Base64 of 32 random bytes>",
          null);
    }
    List<SigningKey> keys = new ArrayList<>();
    for (int i = 0; i < declared.size(); i++) {
      keys.add(key("toutiao.auth.keys[" + i + "]", declared.get(i)));
    }
    String activeId =
        properties.getActiveKey() != null ? properties.getActiveKey() : keys.get(0).id();
    SigningKey active =
        keys.stream()
            .filter(k -> k.id().equals(activeId))
            .findFirst()
            .orElseThrow(
                () ->
                    new ToutiaoPropertyException(
                        "toutiao.auth.active-key", "no key has the id '" + activeId + "'", null));
    if (!active.canSign()) {
      throw new ToutiaoPropertyException(
          "toutiao.auth.active-key",
          "key '" + activeId + "' has no private key or secret, so it cannot sign",
          null);
    }
    keys.remove(active);
    try {
      return KeyRing.of(active, keys);
    } catch (IllegalArgumentException e) {
      throw new ToutiaoPropertyException("toutiao.auth.keys", e.getMessage(), e);
    }
  }

  private static SigningKey key(String prefix, AuthProperties.Key key) {
    if (key.getId() == null || key.getId().isBlank()) {
      throw new ToutiaoPropertyException(prefix + ".id", "must be set", null);
    }
    TokenAlgorithm algorithm;
    try {
      algorithm =
          TokenAlgorithm.valueOf(
              String.valueOf(key.getAlgorithm())
                  .toUpperCase(Locale.ROOT)
                  .replace("EDDSA", "EdDSA"));
    } catch (IllegalArgumentException e) {
      throw new ToutiaoPropertyException(
          prefix + ".algorithm",
          "must be one of HS256, HS384, HS512, RS256, ES256, EdDSA, got '"
              + key.getAlgorithm()
              + "'",
          null);
    }
    try {
      if (algorithm.isHmac()) {
        if (key.getSecret() == null || key.getSecret().isBlank()) {
          throw new ToutiaoPropertyException(
              prefix + ".secret", "an " + algorithm + " key needs a Base64 secret", null);
        }
        return SigningKey.hmacBase64(key.getId(), algorithm, key.getSecret());
      }
      if (key.getKeystore() != null) {
        return fromKeystore(prefix, key, algorithm);
      }
      if (key.getPublicKey() == null) {
        throw new ToutiaoPropertyException(
            prefix + ".public-key", "an " + algorithm + " key needs its public key (PEM)", null);
      }
      String family =
          switch (algorithm) {
            case RS256 -> "RSA";
            case ES256 -> "EC";
            default -> "Ed25519";
          };
      KeyFactory factory = KeyFactory.getInstance(family);
      PublicKey publicKey =
          factory.generatePublic(
              new X509EncodedKeySpec(
                  pem(prefix + ".public-key", key.getPublicKey(), "PUBLIC KEY")));
      if (key.getPrivateKey() == null) {
        return SigningKey.verifyOnly(key.getId(), algorithm, publicKey);
      }
      PrivateKey privateKey =
          factory.generatePrivate(
              new PKCS8EncodedKeySpec(
                  pem(prefix + ".private-key", key.getPrivateKey(), "PRIVATE KEY")));
      return SigningKey.ofKeyPair(key.getId(), algorithm, new KeyPair(publicKey, privateKey));
    } catch (ToutiaoPropertyException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ToutiaoPropertyException(prefix, e.getMessage(), e);
    } catch (java.security.GeneralSecurityException e) {
      throw new ToutiaoPropertyException(
          prefix, "the key files do not hold a " + algorithm + " key pair", e);
    }
  }

  /** The key pair of a key store entry. */
  private static SigningKey fromKeystore(
      String prefix, AuthProperties.Key key, TokenAlgorithm algorithm) {
    String alias = key.getAlias() != null ? key.getAlias() : key.getId();
    char[] password =
        key.getKeystorePassword() == null ? new char[0] : key.getKeystorePassword().toCharArray();
    java.security.KeyStore store;
    try (InputStream in = key.getKeystore().getInputStream()) {
      store = java.security.KeyStore.getInstance(key.getKeystoreType());
      store.load(in, password);
    } catch (IOException | java.security.GeneralSecurityException e) {
      // the message of a wrong password names no secret
      throw new ToutiaoPropertyException(
          prefix + ".keystore",
          "cannot be read as " + key.getKeystoreType() + ": " + e.getMessage(),
          e);
    }
    try {
      java.security.Key privateKey = store.getKey(alias, password);
      java.security.cert.Certificate certificate = store.getCertificate(alias);
      if (!(privateKey instanceof PrivateKey) || certificate == null) {
        throw new ToutiaoPropertyException(
            prefix + ".alias", "the key store has no key pair named '" + alias + "'", null);
      }
      return SigningKey.ofKeyPair(
          key.getId(), algorithm, new KeyPair(certificate.getPublicKey(), (PrivateKey) privateKey));
    } catch (java.security.GeneralSecurityException e) {
      throw new ToutiaoPropertyException(
          prefix + ".keystore-password", "does not open entry '" + alias + "'", e);
    }
  }

  /** The DER bytes of a PEM block of the given type (at most 64 KiB read). */
  private static byte[] pem(String property, Resource resource, String type) {
    String text;
    try (InputStream in = resource.getInputStream()) {
      byte[] bytes = in.readNBytes(64 * 1024 + 1);
      if (bytes.length > 64 * 1024) {
        throw new ToutiaoPropertyException(property, "is larger than 64 KiB", null);
      }
      text = new String(bytes, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ToutiaoPropertyException(property, "cannot be read: " + e.getMessage(), e);
    }
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new ToutiaoPropertyException(
          property, "must be a PEM file with a '" + begin + "' block", null);
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new ToutiaoPropertyException(property, "holds a PEM block that is not Base64", e);
    }
  }
}
