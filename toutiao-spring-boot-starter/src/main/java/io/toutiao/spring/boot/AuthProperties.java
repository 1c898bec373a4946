package io.toutiao.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/** {@code toutiao.auth.*}: the token service and its Spring Security integration. */
@ConfigurationProperties(prefix = "toutiao.auth")
public class AuthProperties {

  /** Whether to create the token service. */
  private boolean enabled = true;

  /** The {@code iss} claim written and required, or none. */
  private String issuer;

  /** The {@code aud} claim written and required, or none. */
  private String audience;

  /** Lifetime of access tokens. */
  private Duration accessTtl = Duration.ofHours(2);

  /** Lifetime of refresh tokens. */
  private Duration refreshTtl = Duration.ofDays(14);

  /** Clock difference tolerated on {@code exp} and {@code nbf}. */
  private Duration clockSkew = Duration.ofSeconds(30);

  /** The {@code id} of the key that signs (default: the first key). Others verify only. */
  private String activeKey;

  /** The keys: add one and make it active to rotate; remove one to stop accepting it. */
  private List<Key> keys = new ArrayList<>();

  /** Spring Security integration. */
  private final Security security = new Security();

  /** Creates the defaults. */
  public AuthProperties() {}

  /**
   * @return whether to create the token service
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * @param enabled whether to create the token service
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * @return the issuer, or null
   */
  public String getIssuer() {
    return issuer;
  }

  /**
   * @param issuer the issuer
   */
  public void setIssuer(String issuer) {
    this.issuer = issuer;
  }

  /**
   * @return the audience, or null
   */
  public String getAudience() {
    return audience;
  }

  /**
   * @param audience the audience
   */
  public void setAudience(String audience) {
    this.audience = audience;
  }

  /**
   * @return the access token lifetime
   */
  public Duration getAccessTtl() {
    return accessTtl;
  }

  /**
   * @param accessTtl the access token lifetime
   */
  public void setAccessTtl(Duration accessTtl) {
    this.accessTtl = accessTtl;
  }

  /**
   * @return the refresh token lifetime
   */
  public Duration getRefreshTtl() {
    return refreshTtl;
  }

  /**
   * @param refreshTtl the refresh token lifetime
   */
  public void setRefreshTtl(Duration refreshTtl) {
    this.refreshTtl = refreshTtl;
  }

  /**
   * @return the clock skew
   */
  public Duration getClockSkew() {
    return clockSkew;
  }

  /**
   * @param clockSkew the clock skew
   */
  public void setClockSkew(Duration clockSkew) {
    this.clockSkew = clockSkew;
  }

  /**
   * @return the active key id, or null
   */
  public String getActiveKey() {
    return activeKey;
  }

  /**
   * @param activeKey the active key id
   */
  public void setActiveKey(String activeKey) {
    this.activeKey = activeKey;
  }

  /**
   * @return the keys
   */
  public List<Key> getKeys() {
    return keys;
  }

  /**
   * @param keys the keys
   */
  public void setKeys(List<Key> keys) {
    this.keys = keys;
  }

  /**
   * @return the Spring Security settings
   */
  public Security getSecurity() {
    return security;
  }

  /** One key. Secrets never appear in logs or messages. */
  public static class Key {

    /** The {@code kid}. */
    private String id;

    /** HS256, HS384, HS512, RS256, ES256 or EdDSA. */
    private String algorithm = "HS256";

    /** The HMAC secret, Base64 (at least 32/48/64 bytes for HS256/384/512). */
    private String secret;

    /** PEM file of the PKCS#8 private key (RS256, ES256, EdDSA); absent: verify only. */
    private Resource privateKey;

    /** PEM file of the X.509 public key (RS256, ES256, EdDSA). */
    private Resource publicKey;

    /** A key store (PKCS12 or JKS) holding the key pair, instead of PEM files. */
    private Resource keystore;

    /** The key store's password (never logged). */
    private String keystorePassword;

    /** The key store's type. */
    private String keystoreType = "PKCS12";

    /** The entry's alias in the key store (default: the key's id). */
    private String alias;

    /** Creates an empty key. */
    public Key() {}

    /**
     * @return the id
     */
    public String getId() {
      return id;
    }

    /**
     * @param id the id
     */
    public void setId(String id) {
      this.id = id;
    }

    /**
     * @return the algorithm
     */
    public String getAlgorithm() {
      return algorithm;
    }

    /**
     * @param algorithm the algorithm
     */
    public void setAlgorithm(String algorithm) {
      this.algorithm = algorithm;
    }

    /**
     * @return the secret, or null
     */
    public String getSecret() {
      return secret;
    }

    /**
     * @param secret the secret
     */
    public void setSecret(String secret) {
      this.secret = secret;
    }

    /**
     * @return the private key file, or null
     */
    public Resource getPrivateKey() {
      return privateKey;
    }

    /**
     * @param privateKey the private key file
     */
    public void setPrivateKey(Resource privateKey) {
      this.privateKey = privateKey;
    }

    /**
     * @return the public key file, or null
     */
    public Resource getPublicKey() {
      return publicKey;
    }

    /**
     * @param publicKey the public key file
     */
    public void setPublicKey(Resource publicKey) {
      this.publicKey = publicKey;
    }

    /**
     * @return the key store, or null
     */
    public Resource getKeystore() {
      return keystore;
    }

    /**
     * @param keystore the key store
     */
    public void setKeystore(Resource keystore) {
      this.keystore = keystore;
    }

    /**
     * @return the key store password, or null
     */
    public String getKeystorePassword() {
      return keystorePassword;
    }

    /**
     * @param keystorePassword the key store password
     */
    public void setKeystorePassword(String keystorePassword) {
      this.keystorePassword = keystorePassword;
    }

    /**
     * @return the key store type
     */
    public String getKeystoreType() {
      return keystoreType;
    }

    /**
     * @param keystoreType the key store type
     */
    public void setKeystoreType(String keystoreType) {
      this.keystoreType = keystoreType;
    }

    /**
     * @return the alias, or null for the id
     */
    public String getAlias() {
      return alias;
    }

    /**
     * @param alias the alias
     */
    public void setAlias(String alias) {
      this.alias = alias;
    }

    @Override
    public String toString() {
      return "Key[id=" + id + ", algorithm=" + algorithm + "]";
    }
  }

  /** Spring Security integration. */
  public static class Security {

    /** Whether to install the bearer-token filter and the default filter chain. */
    private boolean enabled = true;

    /** Paths anyone may call (Spring path patterns, e.g. {@code /v1_0/authorizations}). */
    private List<String> publicPaths = new ArrayList<>();

    /** Whether to serve the public keys at {@code /.well-known/jwks.json}. */
    private boolean jwksEndpoint;

    /** Creates the defaults. */
    public Security() {}

    /**
     * @return whether the integration is on
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * @param enabled whether the integration is on
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * @return the public paths
     */
    public List<String> getPublicPaths() {
      return publicPaths;
    }

    /**
     * @param publicPaths the public paths
     */
    public void setPublicPaths(List<String> publicPaths) {
      this.publicPaths = publicPaths;
    }

    /**
     * @return whether the JWKS endpoint is served
     */
    public boolean isJwksEndpoint() {
      return jwksEndpoint;
    }

    /**
     * @param jwksEndpoint whether to serve the JWKS endpoint
     */
    public void setJwksEndpoint(boolean jwksEndpoint) {
      this.jwksEndpoint = jwksEndpoint;
    }
  }
}
