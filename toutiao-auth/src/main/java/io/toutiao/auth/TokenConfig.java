package io.toutiao.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable configuration of a {@link TokenService}, validated when built.
 *
 * <pre>{@code
 * TokenConfig config = TokenConfig.custom(KeyRing.of(SigningKey.hmacBase64("k1", TokenAlgorithm.HS256, secret)))
 *     .issuer("toutiao")
 *     .revocationStore(new InMemoryRevocationStore())
 *     .build();
 * }</pre>
 *
 * <p>Defaults (the reference's where it has one): access tokens 2 h, refresh tokens 14 d, claims
 * {@code user_id} (required) and {@code refresh}, no issuer or audience, clock skew {@value
 * #DEFAULT_CLOCK_SKEW_SECONDS} s, tokens longer than {@value #DEFAULT_MAX_TOKEN_LENGTH} characters
 * refused before parsing, no refresh-token rotation, no revocation store, every user enabled, a
 * verified-token cache of {@value #DEFAULT_CACHE_SIZE} entries, the system clock.
 */
public final class TokenConfig {

  /** Default access-token lifetime: 2 hours. */
  public static final Duration DEFAULT_ACCESS_TTL = Duration.ofHours(2);

  /** Default refresh-token lifetime: 14 days. */
  public static final Duration DEFAULT_REFRESH_TTL = Duration.ofDays(14);

  /** Default tolerance for clocks of issuer and verifier that disagree: {@value} seconds. */
  public static final long DEFAULT_CLOCK_SKEW_SECONDS = 30;

  /** Default longest token accepted, checked before any parsing: {@value} characters. */
  public static final int DEFAULT_MAX_TOKEN_LENGTH = 8192;

  /** Default size of the verified-token cache: {@value} entries. */
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  private final KeyRing keyRing;
  private final String issuer;
  private final String audience;
  private final String userIdClaim;
  private final String refreshClaim;
  private final boolean requireUserId;
  private final boolean userIdAsString;
  private final Duration accessTtl;
  private final Duration refreshTtl;
  private final Duration clockSkew;
  private final int maxTokenLength;
  private final boolean rotateRefreshTokens;
  private final RevocationStore revocationStore;
  private final UserStatusChecker userStatusChecker;
  private final int cacheSize;
  private final Clock clock;

  private TokenConfig(Builder b) {
    this.keyRing = b.keyRing;
    this.issuer = b.issuer;
    this.audience = b.audience;
    this.userIdClaim = b.userIdClaim;
    this.refreshClaim = b.refreshClaim;
    this.requireUserId = b.requireUserId;
    this.userIdAsString = b.userIdAsString;
    this.accessTtl = b.accessTtl;
    this.refreshTtl = b.refreshTtl;
    this.clockSkew = b.clockSkew;
    this.maxTokenLength = b.maxTokenLength;
    this.rotateRefreshTokens = b.rotateRefreshTokens;
    this.revocationStore = b.revocationStore;
    this.userStatusChecker = b.userStatusChecker;
    this.cacheSize = b.cacheSize;
    this.clock = b.clock;
  }

  /**
   * Starts a configuration.
   *
   * @param keyRing the keys to sign and verify with
   * @return a builder with the defaults
   */
  public static Builder custom(KeyRing keyRing) {
    return new Builder(keyRing);
  }

  /**
   * @return the initial key ring
   */
  public KeyRing keyRing() {
    return keyRing;
  }

  /**
   * @return the issuer written and required, or null
   */
  public String issuer() {
    return issuer;
  }

  /**
   * @return the audience written and required, or null
   */
  public String audience() {
    return audience;
  }

  /**
   * @return the user-id claim name, {@code user_id} by default
   */
  public String userIdClaim() {
    return userIdClaim;
  }

  /**
   * @return the refresh-flag claim name, {@code refresh} by default
   */
  public String refreshClaim() {
    return refreshClaim;
  }

  /**
   * @return whether tokens without a user id are refused (true by default)
   */
  public boolean requireUserId() {
    return requireUserId;
  }

  /**
   * @return whether a user id written as a decimal string is accepted (besides a JSON integer)
   */
  public boolean userIdAsString() {
    return userIdAsString;
  }

  /**
   * @return access-token lifetime
   */
  public Duration accessTtl() {
    return accessTtl;
  }

  /**
   * @return refresh-token lifetime
   */
  public Duration refreshTtl() {
    return refreshTtl;
  }

  /**
   * @return tolerated clock difference
   */
  public Duration clockSkew() {
    return clockSkew;
  }

  /**
   * @return longest token accepted
   */
  public int maxTokenLength() {
    return maxTokenLength;
  }

  /**
   * @return whether refresh issues a new refresh token and detects reuse
   */
  public boolean rotateRefreshTokens() {
    return rotateRefreshTokens;
  }

  /**
   * @return the revocation store, or null
   */
  public RevocationStore revocationStore() {
    return revocationStore;
  }

  /**
   * @return the user-status hook
   */
  public UserStatusChecker userStatusChecker() {
    return userStatusChecker;
  }

  /**
   * @return verified-token cache size, 0 when off
   */
  public int cacheSize() {
    return cacheSize;
  }

  /**
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "TokenConfig[keyRing="
        + keyRing
        + ", issuer="
        + issuer
        + ", audience="
        + audience
        + ", accessTtl="
        + accessTtl
        + ", refreshTtl="
        + refreshTtl
        + ", clockSkew="
        + clockSkew
        + ", rotateRefreshTokens="
        + rotateRefreshTokens
        + ", cacheSize="
        + cacheSize
        + "]";
  }

  /** Builds a {@link TokenConfig}. Not thread-safe. */
  public static final class Builder {
    private final KeyRing keyRing;
    private String issuer;
    private String audience;
    private String userIdClaim = "user_id";
    private String refreshClaim = "refresh";
    private boolean requireUserId = true;
    private boolean userIdAsString;
    private Duration accessTtl = DEFAULT_ACCESS_TTL;
    private Duration refreshTtl = DEFAULT_REFRESH_TTL;
    private Duration clockSkew = Duration.ofSeconds(DEFAULT_CLOCK_SKEW_SECONDS);
    private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;
    private boolean rotateRefreshTokens;
    private RevocationStore revocationStore;
    private UserStatusChecker userStatusChecker = UserStatusChecker.ALL_ENABLED;
    private int cacheSize = DEFAULT_CACHE_SIZE;
    private Clock clock = Clock.systemUTC();

    private Builder(KeyRing keyRing) {
      this.keyRing = Objects.requireNonNull(keyRing, "keyRing must not be null");
    }

    /**
     * Writes {@code iss} into tokens and requires it when verifying.
     *
     * @param issuer e.g. {@code toutiao}; null for none
     * @return this builder
     */
    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    /**
     * Writes {@code aud} into tokens and requires it when verifying.
     *
     * @param audience e.g. {@code toutiao-app}; null for none
     * @return this builder
     */
    public Builder audience(String audience) {
      this.audience = audience;
      return this;
    }

    /**
     * Renames the user-id and refresh-flag claims (defaults {@code user_id}, {@code refresh}).
     *
     * @param userIdClaim the user-id claim
     * @param refreshClaim the refresh-flag claim
     * @return this builder
     */
    public Builder claimNames(String userIdClaim, String refreshClaim) {
      this.userIdClaim = Objects.requireNonNull(userIdClaim, "userIdClaim must not be null");
      this.refreshClaim = Objects.requireNonNull(refreshClaim, "refreshClaim must not be null");
      return this;
    }

    /**
     * Whether tokens without a user-id claim are refused (default true). Turn off only to verify
     * foreign tokens that identify no user.
     *
     * @param requireUserId true to require it
     * @return this builder
     */
    public Builder requireUserId(boolean requireUserId) {
      this.requireUserId = requireUserId;
      return this;
    }

    /**
     * Also accepts a user id written as a JSON string of decimal digits (within {@code long}), for
     * tokens of issuers that write ids as strings to keep them exact in JavaScript. Default false:
     * only a JSON integer that is exactly a non-negative {@code long} is a user id.
     *
     * @param accept true to accept decimal strings too
     * @return this builder
     */
    public Builder userIdAsString(boolean accept) {
      this.userIdAsString = accept;
      return this;
    }

    /**
     * Sets token lifetimes.
     *
     * @param access access-token lifetime, 1 s to 1 day (default 2 h)
     * @param refresh refresh-token lifetime, at least the access lifetime, at most 365 d (default
     *     14 d)
     * @return this builder
     */
    public Builder lifetimes(Duration access, Duration refresh) {
      this.accessTtl = Objects.requireNonNull(access, "access lifetime must not be null");
      this.refreshTtl = Objects.requireNonNull(refresh, "refresh lifetime must not be null");
      return this;
    }

    /**
     * Sets the tolerated difference between the issuer's and the verifier's clocks (default 30 s).
     *
     * @param skew 0 to 5 minutes
     * @return this builder
     */
    public Builder clockSkew(Duration skew) {
      this.clockSkew = Objects.requireNonNull(skew, "skew must not be null");
      return this;
    }

    /**
     * Sets the longest token accepted; longer ones are refused before any decoding (default 8192).
     *
     * @param maxTokenLength 256 to 65536 characters
     * @return this builder
     */
    public Builder maxTokenLength(int maxTokenLength) {
      this.maxTokenLength = maxTokenLength;
      return this;
    }

    /**
     * Turns on refresh-token rotation: {@code refresh} also issues a new refresh token, each
     * refresh token works once, and a second use revokes its whole family. Needs a revocation
     * store.
     *
     * @param rotate true to rotate
     * @return this builder
     */
    public Builder rotateRefreshTokens(boolean rotate) {
      this.rotateRefreshTokens = rotate;
      return this;
    }

    /**
     * Sets where revocations live (default none: revocation calls fail).
     *
     * @param store the store, or null
     * @return this builder
     */
    public Builder revocationStore(RevocationStore store) {
      this.revocationStore = store;
      return this;
    }

    /**
     * Sets the hook that can refuse disabled users (default: all enabled).
     *
     * @param checker the hook
     * @return this builder
     */
    public Builder userStatusChecker(UserStatusChecker checker) {
      this.userStatusChecker = Objects.requireNonNull(checker, "checker must not be null");
      return this;
    }

    /**
     * Sets the size of the cache of verified tokens, keyed by the exact token text (default 10,000;
     * 0 turns it off). Entries never outlive the token; revocation and user status are checked on
     * every hit.
     *
     * @param entries 0 to 10,000,000
     * @return this builder
     */
    public Builder cacheSize(int entries) {
      this.cacheSize = entries;
      return this;
    }

    /**
     * Sets the clock (default UTC system clock); tests pass a fixed or movable one.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the config
     * @throws IllegalArgumentException naming a value outside its range
     * @throws IllegalStateException for conflicting settings
     */
    public TokenConfig build() {
      checkDuration("access lifetime", accessTtl, Duration.ofSeconds(1), Duration.ofDays(1));
      checkDuration("refresh lifetime", refreshTtl, accessTtl, Duration.ofDays(365));
      checkDuration("clock skew", clockSkew, Duration.ZERO, Duration.ofMinutes(5));
      if (maxTokenLength < 256 || maxTokenLength > 65536) {
        throw new IllegalArgumentException(
            "maxTokenLength must be between 256 and 65536, got " + maxTokenLength);
      }
      if (cacheSize < 0 || cacheSize > 10_000_000) {
        throw new IllegalArgumentException(
            "cacheSize must be between 0 and 10000000, got " + cacheSize);
      }
      if (userIdClaim.equals(refreshClaim)) {
        throw new IllegalArgumentException(
            "the user-id and refresh claims need different names, both are '" + userIdClaim + "'");
      }
      if (rotateRefreshTokens && revocationStore == null) {
        throw new IllegalStateException(
            "refresh-token rotation needs a revocation store to detect reuse; set revocationStore(...)");
      }
      return new TokenConfig(this);
    }

    private static void checkDuration(String name, Duration value, Duration min, Duration max) {
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ", got " + value);
      }
    }
  }
}
