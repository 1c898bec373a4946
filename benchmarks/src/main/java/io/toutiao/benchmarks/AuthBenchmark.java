package io.toutiao.benchmarks;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.toutiao.auth.KeyRing;
import io.toutiao.auth.SigningKey;
import io.toutiao.auth.TokenAlgorithm;
import io.toutiao.auth.TokenConfig;
import io.toutiao.auth.TokenService;
import io.toutiao.auth.VerifiedToken;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * JWT issue and verify: {@link TokenService} beside raw jjwt 0.12 and auth0 java-jwt 4, with the
 * same key, the same claims ({@code kid}, {@code jti}, {@code iat}, {@code exp}, {@code user_id},
 * {@code refresh}) and the same checks (signature with the algorithm pinned to the key, {@code exp}
 * required, {@code user_id} read as a long, the token type checked). {@code verify} runs ours with
 * the verified-token cache off; {@code verifyRepeated} with it on (its default). Asymmetric
 * algorithms: verify only, ours without cache beside raw jjwt.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class AuthBenchmark {

  private static final Duration TTL = Duration.ofHours(2);

  private TokenService toutiao;
  private TokenService toutiaoCached;
  private TokenService toutiaoRs256;
  private TokenService toutiaoEs256;
  private TokenService toutiaoEd25519;
  private SecretKey secretKey;
  private JwtParser jjwtParser;
  private JwtParser jjwtRs256;
  private JwtParser jjwtEs256;
  private JwtParser jjwtEd25519;
  private Algorithm javajwtAlgorithm;
  private JWTVerifier javajwtVerifier;
  private String token;
  private String tokenRs256;
  private String tokenEs256;
  private String tokenEd25519;

  /** Creates keys, services, parsers and one token per algorithm. */
  @Setup
  public void setUp() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    SigningKey hmac = SigningKey.hmac("k1", TokenAlgorithm.HS256, secret);
    toutiao = new TokenService(TokenConfig.custom(KeyRing.of(hmac)).cacheSize(0).build());
    toutiaoCached = new TokenService(TokenConfig.custom(KeyRing.of(hmac)).build());
    secretKey = new SecretKeySpec(secret, "HmacSHA256");
    jjwtParser = Jwts.parser().verifyWith(secretKey).build();
    javajwtAlgorithm = Algorithm.HMAC256(secret);
    javajwtVerifier =
        JWT.require(javajwtAlgorithm).withClaimPresence("user_id").withClaimPresence("exp").build();
    token = toutiao.issue(123456789L).accessToken();

    SigningKey rsa = SigningKey.generate("r1", TokenAlgorithm.RS256);
    SigningKey ec = SigningKey.generate("e1", TokenAlgorithm.ES256);
    SigningKey ed = SigningKey.generate("d1", TokenAlgorithm.EdDSA);
    toutiaoRs256 = new TokenService(TokenConfig.custom(KeyRing.of(rsa)).cacheSize(0).build());
    toutiaoEs256 = new TokenService(TokenConfig.custom(KeyRing.of(ec)).cacheSize(0).build());
    toutiaoEd25519 = new TokenService(TokenConfig.custom(KeyRing.of(ed)).cacheSize(0).build());
    tokenRs256 = toutiaoRs256.issue(1).accessToken();
    tokenEs256 = toutiaoEs256.issue(1).accessToken();
    tokenEd25519 = toutiaoEd25519.issue(1).accessToken();
    jjwtRs256 = parserFor(rsa.publicKey());
    jjwtEs256 = parserFor(ec.publicKey());
    jjwtEd25519 = parserFor(ed.publicKey());
  }

  private static JwtParser parserFor(PublicKey key) {
    return Jwts.parser().verifyWith(key).build();
  }

  private static String newId() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Ours: an HS256 access token.
   *
   * @return the token
   */
  @Benchmark
  public String toutiao_issue() {
    return toutiao.issueAccessToken(123456789L, java.util.List.of(), java.util.Map.of());
  }

  /**
   * jjwt: the same claims.
   *
   * @return the token
   */
  @Benchmark
  public String jjwt_issue() {
    Instant now = Instant.now();
    return Jwts.builder()
        .header()
        .keyId("k1")
        .and()
        .id(newId())
        .issuedAt(Date.from(now))
        .expiration(Date.from(now.plus(TTL)))
        .claim("iat_ms", now.toEpochMilli())
        .claim("user_id", 123456789L)
        .claim("refresh", false)
        .signWith(secretKey, Jwts.SIG.HS256)
        .compact();
  }

  /**
   * java-jwt: the same claims.
   *
   * @return the token
   */
  @Benchmark
  public String javajwt_issue() {
    Instant now = Instant.now();
    return JWT.create()
        .withKeyId("k1")
        .withJWTId(newId())
        .withIssuedAt(now)
        .withExpiresAt(now.plus(TTL))
        .withClaim("iat_ms", now.toEpochMilli())
        .withClaim("user_id", 123456789L)
        .withClaim("refresh", false)
        .sign(javajwtAlgorithm);
  }

  /**
   * Ours, cache off.
   *
   * @return the user id
   */
  @Benchmark
  public long toutiao_verify() {
    return toutiao.verifyAccess(token).userId();
  }

  /**
   * jjwt with the same checks.
   *
   * @return the user id
   */
  @Benchmark
  public long jjwt_verify() {
    return jjwtVerify(jjwtParser, token);
  }

  private static long jjwtVerify(JwtParser parser, String jwt) {
    Claims claims = parser.parseSignedClaims(jwt).getPayload();
    if (claims.getExpiration() == null || Boolean.TRUE.equals(claims.get("refresh"))) {
      throw new IllegalStateException("refused");
    }
    return ((Number) claims.get("user_id")).longValue();
  }

  /**
   * java-jwt with the same checks.
   *
   * @return the user id
   */
  @Benchmark
  public long javajwt_verify() {
    DecodedJWT jwt = javajwtVerifier.verify(token);
    if (Boolean.TRUE.equals(jwt.getClaim("refresh").asBoolean())) {
      throw new IllegalStateException("refused");
    }
    return jwt.getClaim("user_id").asLong();
  }

  /**
   * Ours, the same token again with the verified-token cache on (the default).
   *
   * @return the user id
   */
  @Benchmark
  public long toutiao_verifyRepeated() {
    VerifiedToken verified = toutiaoCached.verifyAccess(token);
    return verified.userId();
  }

  /**
   * jjwt, the same token again.
   *
   * @return the user id
   */
  @Benchmark
  public long jjwt_verifyRepeated() {
    return jjwtVerify(jjwtParser, token);
  }

  /**
   * @return user id
   */
  @Benchmark
  public long toutiao_verifyRs256() {
    return toutiaoRs256.verifyAccess(tokenRs256).userId();
  }

  /**
   * @return user id
   */
  @Benchmark
  public long jjwt_verifyRs256() {
    return jjwtVerify(jjwtRs256, tokenRs256);
  }

  /**
   * @return user id
   */
  @Benchmark
  public long toutiao_verifyEs256() {
    return toutiaoEs256.verifyAccess(tokenEs256).userId();
  }

  /**
   * @return user id
   */
  @Benchmark
  public long jjwt_verifyEs256() {
    return jjwtVerify(jjwtEs256, tokenEs256);
  }

  /**
   * @return user id
   */
  @Benchmark
  public long toutiao_verifyEd25519() {
    return toutiaoEd25519.verifyAccess(tokenEd25519).userId();
  }

  /**
   * @return user id
   */
  @Benchmark
  public long jjwt_verifyEd25519() {
    return jjwtVerify(jjwtEd25519, tokenEd25519);
  }
}
