package io.toutiao.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.IncorrectClaimException;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.JwtParserBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.MissingClaimException;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.UnsupportedJwtException;
import io.jsonwebtoken.security.SecurityException;
import io.toutiao.auth.internal.JjwtAlgorithms;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Issues and verifies JWT access and refresh tokens, secure by default.
 *
 * <pre>{@code
 * TokenService tokens = new TokenService(TokenConfig.custom(keyRing).build());
 * TokenPair pair = tokens.issue(userId);                         // after login
 * VerifiedToken me = tokens.verifyAccess(bearerToken);           // on every request
 * TokenPair renewed = tokens.refresh(pair.refreshToken());      // PUT /authorizations
 * }</pre>
 *
 * <p><b>Verification</b> refuses, with a typed {@link AuthException}: tokens longer than the
 * configured maximum (before any decoding); unsigned tokens ({@code alg: none}); a {@code kid} not
 * in the key ring; an {@code alg} that is not the one bound to the key (no HMAC/RSA confusion); a
 * bad signature; a missing or passed {@code exp}; {@code nbf}/{@code iat} in the future; a wrong
 * {@code iss}/{@code aud} when configured; a missing user id; the wrong token type; revoked tokens;
 * disabled users. Time checks allow the configured clock skew.
 *
 * <p>Thread-safe. The key ring can be replaced at run time with {@link #updateKeyRing(KeyRing)}.
 */
public final class TokenService {

  private static final String ROLES = "roles";
  private static final String FAMILY = "fam";
  private static final String ISSUED_AT_MILLIS = "iat_ms";
  private static final String FAMILY_PREFIX = "fam:";
  private static final String USED_PREFIX = "used:";
  private static final Set<String> RESERVED =
      Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", ROLES, FAMILY, ISSUED_AT_MILLIS);

  private final TokenConfig config;
  private final Clock clock;
  private final RevocationStore revocations;
  private final Cache<String, Cached> cache;
  private volatile Verifier verifier;

  /** A key ring and the parser built for it, replaced together. */
  private record Verifier(KeyRing ring, JwtParser parser) {}

  /** A cached verification, valid only while the verifier it was made with is current. */
  private record Cached(Verifier verifier, VerifiedToken token) {}

  /**
   * Creates the service.
   *
   * @param config the validated configuration
   */
  public TokenService(TokenConfig config) {
    this.config = Objects.requireNonNull(config, "config must not be null");
    this.clock = config.clock();
    this.revocations = config.revocationStore();
    this.cache = config.cacheSize() == 0 ? null : newCache(config.cacheSize(), clock);
    install(config.keyRing());
  }

  private static Cache<String, Cached> newCache(int size, Clock clock) {
    return Caffeine.newBuilder()
        .maximumSize(size)
        .expireAfter(
            new Expiry<String, Cached>() {
              @Override
              public long expireAfterCreate(String token, Cached cached, long now) {
                return Math.max(
                    0, Duration.between(clock.instant(), cached.token().expiresAt()).toNanos());
              }

              @Override
              public long expireAfterUpdate(String token, Cached cached, long now, long remaining) {
                return remaining;
              }

              @Override
              public long expireAfterRead(String token, Cached cached, long now, long remaining) {
                return remaining;
              }
            })
        .build();
  }

  /**
   * Replaces the key ring (key rotation). New tokens are signed with the new active key; cached
   * verifications are dropped, so tokens of removed keys stop working at once.
   *
   * @param newKeyRing the new ring
   */
  public synchronized void updateKeyRing(KeyRing newKeyRing) {
    install(Objects.requireNonNull(newKeyRing, "newKeyRing must not be null"));
    if (cache != null) {
      cache.invalidateAll();
    }
  }

  private void install(KeyRing ring) {
    JwtParserBuilder builder =
        Jwts.parser()
            .keyLocator(new KeyLocator(ring))
            .clock(() -> Date.from(clock.instant()))
            .clockSkewSeconds(config.clockSkew().toSeconds());
    if (config.issuer() != null) {
      builder.requireIssuer(config.issuer());
    }
    if (config.audience() != null) {
      builder.requireAudience(config.audience());
    }
    this.verifier = new Verifier(ring, builder.build());
  }

  /**
   * Returns the current key ring.
   *
   * @return the ring
   */
  public KeyRing keyRing() {
    return verifier.ring();
  }

  /**
   * Returns the public keys as a JWKS document for other verifiers.
   *
   * @return JSON text
   */
  public String jwks() {
    return verifier.ring().toJwks();
  }

  /**
   * Issues an access token and a refresh token (a new refresh-token family) for a user.
   *
   * @param userId the user
   * @return both tokens
   */
  public TokenPair issue(long userId) {
    return issue(userId, List.of(), Map.of());
  }

  /**
   * Issues an access token and a refresh token with roles and extra claims in the access token (the
   * roles are also kept in the refresh token so refreshed access tokens keep them).
   *
   * @param userId the user
   * @param roles role names, may be empty
   * @param claims extra access-token claims; registered and toutiao claim names are refused
   * @return both tokens
   */
  public TokenPair issue(long userId, Collection<String> roles, Map<String, ?> claims) {
    return issuePair(userId, List.copyOf(roles), checkClaims(claims), newId());
  }

  /**
   * Issues an access token only.
   *
   * @param userId the user
   * @param roles role names, may be empty
   * @param claims extra claims; registered and toutiao claim names are refused
   * @return the compact token
   */
  public String issueAccessToken(long userId, Collection<String> roles, Map<String, ?> claims) {
    return sign(
        TokenType.ACCESS, userId, List.copyOf(roles), checkClaims(claims), null, clock.instant());
  }

  private TokenPair issuePair(
      long userId, List<String> roles, Map<String, ?> claims, String family) {
    Instant now = clock.instant();
    String access = sign(TokenType.ACCESS, userId, roles, claims, null, now);
    String refresh = sign(TokenType.REFRESH, userId, roles, Map.of(), family, now);
    return new TokenPair(
        access, now.plus(config.accessTtl()), refresh, now.plus(config.refreshTtl()));
  }

  private String sign(
      TokenType type,
      long userId,
      List<String> roles,
      Map<String, ?> claims,
      String family,
      Instant now) {
    SigningKey key = verifier.ring().active();
    Duration ttl = type == TokenType.ACCESS ? config.accessTtl() : config.refreshTtl();
    JwtBuilder builder =
        Jwts.builder()
            .header()
            .keyId(key.id())
            .and()
            .id(newId())
            .issuedAt(Date.from(now))
            .expiration(Date.from(now.plus(ttl)))
            .claim(ISSUED_AT_MILLIS, now.toEpochMilli())
            .claim(config.userIdClaim(), userId)
            .claim(config.refreshClaim(), type == TokenType.REFRESH);
    if (config.issuer() != null) {
      builder.issuer(config.issuer());
    }
    if (config.audience() != null) {
      builder.audience().add(config.audience()).and();
    }
    if (!roles.isEmpty()) {
      builder.claim(ROLES, roles);
    }
    if (family != null) {
      builder.claim(FAMILY, family);
    }
    claims.forEach(builder::claim);
    return JjwtAlgorithms.signWith(builder, key.signingKey(), key.algorithm()).compact();
  }

  private Map<String, ?> checkClaims(Map<String, ?> claims) {
    Objects.requireNonNull(claims, "claims must not be null");
    for (String name : claims.keySet()) {
      if (RESERVED.contains(name)
          || name.equals(config.userIdClaim())
          || name.equals(config.refreshClaim())) {
        throw new IllegalArgumentException(
            "claim '" + name + "' is set by the token service and cannot be given");
      }
    }
    return claims;
  }

  private static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Verifies an access token.
   *
   * @param token the compact token (without {@code Bearer })
   * @return the verified token
   * @throws AuthException (a subtype) when it is refused; {@link WrongTokenTypeException} for a
   *     refresh token
   */
  public VerifiedToken verifyAccess(String token) {
    return verify(token, TokenType.ACCESS);
  }

  /**
   * Verifies a refresh token (without using it up).
   *
   * @param token the compact token
   * @return the verified token
   * @throws AuthException when it is refused; {@link WrongTokenTypeException} for an access token
   */
  public VerifiedToken verifyRefresh(String token) {
    return verify(token, TokenType.REFRESH);
  }

  /**
   * Verifies a token of the expected type.
   *
   * @param token the compact token
   * @param expected access or refresh
   * @return the verified token
   * @throws AuthException when it is refused
   */
  public VerifiedToken verify(String token, TokenType expected) {
    if (token == null || token.isEmpty()) {
      throw new MalformedTokenException("no token given");
    }
    if (token.length() > config.maxTokenLength()) {
      throw new MalformedTokenException(
          "token is "
              + token.length()
              + " characters, longer than the maximum of "
              + config.maxTokenLength());
    }
    CompactTokens.requireCanonical(token);
    Cached cached = cache == null ? null : cache.getIfPresent(token);
    VerifiedToken verified;
    if (cached == null || cached.verifier() != verifier) {
      // Made with a key ring that was replaced since: verify again against the current one.
      verified = parseWithCurrentRing(token);
    } else {
      verified = cached.token();
      if (!clock.instant().isBefore(verified.expiresAt().plus(config.clockSkew()))) {
        cache.invalidate(token);
        throw new TokenExpiredException(verified.expiresAt(), null);
      }
    }
    if (verified.type() != expected) {
      throw new WrongTokenTypeException(
          verified.type() == TokenType.REFRESH
              ? "Do not use refresh token."
              : "an access token cannot be used where a refresh token is expected");
    }
    checkRevocation(verified);
    if (verified.userId() >= 0 && !config.userStatusChecker().isEnabled(verified.userId())) {
      throw new UserDisabledException("User denied.");
    }
    return verified;
  }

  /**
   * Verifies against the current key ring and caches the result. If the ring is replaced while
   * parsing, the token is verified again, so once {@link #updateKeyRing} returns no verification
   * made with a removed key is returned or used from the cache.
   */
  private VerifiedToken parseWithCurrentRing(String token) {
    StrictJson.check(token, config);
    while (true) {
      Verifier used = verifier;
      VerifiedToken parsed = parse(used.parser(), token);
      if (cache != null) {
        cache.put(token, new Cached(used, parsed));
      }
      if (verifier == used) {
        return parsed;
      }
    }
  }

  private VerifiedToken parse(JwtParser parser, String token) {
    Jws<Claims> jws;
    try {
      jws = parser.parseSignedClaims(token);
    } catch (AuthException e) {
      throw e;
    } catch (ExpiredJwtException e) {
      throw new TokenExpiredException(e.getClaims().getExpiration().toInstant(), e);
    } catch (PrematureJwtException e) {
      throw new TokenNotYetValidException(
          "token is not valid before " + e.getClaims().getNotBefore().toInstant(), e);
    } catch (IncorrectClaimException | MissingClaimException e) {
      throw new ClaimMismatchException(
          "claim '" + e.getClaimName() + "' does not match the configuration", e);
    } catch (UnsupportedJwtException e) {
      // jjwt's messages may quote the header: not passed on, and no cause attached.
      throw new TokenSignatureException("only signed tokens (JWS) are accepted");
    } catch (SecurityException e) {
      throw new TokenSignatureException("signature verification failed");
    } catch (JwtException | IllegalArgumentException e) {
      throw new MalformedTokenException("token is not a well-formed JWS");
    }
    try {
      return toVerified(jws);
    } catch (AuthException e) {
      throw e;
    } catch (RuntimeException e) {
      // A claim of a type the strict reading let through (it should not): still our type.
      throw new MalformedTokenException("a claim of the token has the wrong type");
    }
  }

  private VerifiedToken toVerified(Jws<Claims> jws) {
    Claims claims = jws.getPayload();
    Date expiration = claims.getExpiration();
    if (expiration == null) {
      throw new MalformedTokenException(
          "token has no exp claim; tokens without an expiry are refused");
    }
    // RFC 7519 4.1.4: expired on or after exp (jjwt accepts exp == now).
    if (!clock.instant().isBefore(expiration.toInstant().plus(config.clockSkew()))) {
      throw new TokenExpiredException(expiration.toInstant(), null);
    }
    Instant issuedAt = issuedAt(claims);
    if (issuedAt != null && issuedAt.isAfter(clock.instant().plus(config.clockSkew()))) {
      throw new TokenNotYetValidException("token was issued in the future, at " + issuedAt);
    }
    Object refresh = claims.get(config.refreshClaim());
    if (refresh != null && !(refresh instanceof Boolean)) {
      throw new MalformedTokenException("claim '" + config.refreshClaim() + "' must be a boolean");
    }
    TokenType type = Boolean.TRUE.equals(refresh) ? TokenType.REFRESH : TokenType.ACCESS;
    return new VerifiedToken(
        type,
        userId(claims),
        claims.getId(),
        claims.get(FAMILY, String.class),
        jws.getHeader().getKeyId(),
        issuedAt,
        expiration.toInstant(),
        roles(claims),
        // jjwt's parsed claims are immutable already; a view avoids copying them per verification.
        Collections.unmodifiableMap(claims));
  }

  private static Instant issuedAt(Claims claims) {
    Object millis = claims.get(ISSUED_AT_MILLIS);
    if (millis instanceof Number number) {
      return Instant.ofEpochMilli(number.longValue());
    }
    Date iat = claims.getIssuedAt();
    return iat == null ? null : iat.toInstant();
  }

  private long userId(Claims claims) {
    Object value = claims.get(config.userIdClaim());
    if (value instanceof Number number
        && number.longValue() >= 0
        && number.doubleValue() == number.longValue()) {
      return number.longValue();
    }
    if (config.userIdAsString() && value instanceof String text) {
      // the strict reading checked it is the decimal digits of a long
      return Long.parseLong(text);
    }
    if (value == null && !config.requireUserId()) {
      return -1;
    }
    throw new MalformedTokenException(
        value == null
            ? "token has no '" + config.userIdClaim() + "' claim"
            : "claim '" + config.userIdClaim() + "' is not a non-negative integer");
  }

  private static List<String> roles(Claims claims) {
    Object roles = claims.get(ROLES);
    if (roles == null) {
      return List.of();
    }
    if (roles instanceof Collection<?> list && list.stream().allMatch(String.class::isInstance)) {
      return list.stream().map(String.class::cast).toList();
    }
    throw new MalformedTokenException("claim 'roles' must be a list of strings");
  }

  private void checkRevocation(VerifiedToken token) {
    if (revocations == null) {
      return;
    }
    if (token.tokenId() != null && revocations.isRevoked(token.tokenId())) {
      throw new TokenRevokedException("token " + token.tokenId() + " was revoked");
    }
    if (token.familyId() != null && revocations.isRevoked(FAMILY_PREFIX + token.familyId())) {
      throw new TokenRevokedException(
          "the refresh-token family of token " + token.tokenId() + " was revoked");
    }
    if (token.userId() >= 0) {
      Instant before = revocations.userRevokedBefore(token.userId()).orElse(null);
      // A token without iat counts as issued at the epoch: revoking a user's tokens covers it.
      Instant issued = token.issuedAt() != null ? token.issuedAt() : Instant.EPOCH;
      if (before != null && !issued.isAfter(before)) {
        throw new TokenRevokedException(
            "all tokens of user " + token.userId() + " issued up to " + before + " were revoked");
      }
    }
  }

  /**
   * Exchanges a refresh token for a new access token (the reference's behaviour). With rotation on,
   * also issues a new refresh token of the same family and uses the old one up; presenting it again
   * revokes the whole family and throws {@link RefreshTokenReusedException}.
   *
   * @param refreshToken the refresh token
   * @return the new tokens ({@link TokenPair#refreshToken()} is null without rotation)
   * @throws AuthException when the refresh token is refused (the reference answers 403)
   */
  public TokenPair refresh(String refreshToken) {
    VerifiedToken verified = verifyRefresh(refreshToken);
    if (!config.rotateRefreshTokens()) {
      Instant now = clock.instant();
      String access =
          sign(TokenType.ACCESS, verified.userId(), verified.roles(), Map.of(), null, now);
      return new TokenPair(access, now.plus(config.accessTtl()), null, null);
    }
    Instant keepUntil = verified.expiresAt().plus(config.clockSkew());
    if (verified.tokenId() == null
        || !revocations.markUsed(USED_PREFIX + verified.tokenId(), keepUntil)) {
      if (verified.familyId() != null) {
        revocations.revoke(
            FAMILY_PREFIX + verified.familyId(),
            clock.instant().plus(config.refreshTtl()).plus(config.clockSkew()));
      }
      throw new RefreshTokenReusedException(
          "refresh token "
              + verified.tokenId()
              + " was already used; its family has been revoked, the user must log in again");
    }
    String family = verified.familyId() != null ? verified.familyId() : newId();
    return issuePair(verified.userId(), verified.roles(), Map.of(), family);
  }

  /**
   * Revokes one token until it expires.
   *
   * @param token a verified token
   * @throws IllegalStateException without a revocation store
   */
  public void revoke(VerifiedToken token) {
    if (token.tokenId() == null) {
      throw new IllegalArgumentException(
          "the token has no jti and cannot be revoked alone; revoke the user's tokens instead");
    }
    // Cached verifications need no purge: revocation is checked on every cache hit.
    requireStore().revoke(token.tokenId(), token.expiresAt().plus(config.clockSkew()));
  }

  /**
   * Revokes every token of a user issued up to now (logout everywhere, password change). Tokens
   * issued afterwards work.
   *
   * @param userId the user
   * @throws IllegalStateException without a revocation store
   */
  public void revokeAllForUser(long userId) {
    Instant now = clock.instant();
    requireStore().revokeUser(userId, now, now.plus(config.refreshTtl()).plus(config.clockSkew()));
  }

  private RevocationStore requireStore() {
    if (revocations == null) {
      throw new IllegalStateException(
          "no revocation store is configured; set TokenConfig.custom(...).revocationStore(...)");
    }
    return revocations;
  }

  /**
   * Returns the configuration.
   *
   * @return the config
   */
  public TokenConfig config() {
    return config;
  }

  @Override
  public String toString() {
    return "TokenService[" + verifier.ring() + "]";
  }

  /** Finds the key named by {@code kid} and insists the token's {@code alg} is the key's. */
  private static final class KeyLocator extends LocatorAdapter<Key> {
    private final KeyRing ring;

    KeyLocator(KeyRing ring) {
      this.ring = ring;
    }

    @Override
    protected Key locate(JwsHeader header) {
      String kid = header.getKeyId();
      SigningKey key = kid == null ? ring.active() : ring.find(kid);
      if (key == null) {
        throw new UnknownKeyException("no key with kid " + quote(kid) + " in the key ring");
      }
      if (!key.algorithm().jwaName().equals(header.getAlgorithm())) {
        throw new TokenSignatureException(
            "algorithm "
                + quote(header.getAlgorithm())
                + " is not allowed for key '"
                + key.id()
                + "', which is bound to "
                + key.algorithm());
      }
      return key.verificationKey();
    }

    /** Quoted, at most 32 characters, anything outside printable ASCII as a \\u escape. */
    private static String quote(String text) {
      if (text == null) {
        return "(none)";
      }
      StringBuilder out = new StringBuilder("'");
      int shown = Math.min(text.length(), 32);
      for (int i = 0; i < shown; i++) {
        char c = text.charAt(i);
        if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
          out.append(c);
        } else {
          out.append(String.format("\\u%04x", (int) c));
        }
      }
      out.append('\'');
      if (text.length() > shown) {
        out.append(" (").append(text.length()).append(" characters)");
      }
      return out.toString();
    }
  }
}
