package io.toutiao.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsonwebtoken.Jwts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Each classic attack on JWT verification gets the right exception type. */
class AttackTest {

  static final Instant NOW = Instant.parse("2026-06-01T08:00:00Z");
  final MutableClock clock = new MutableClock(NOW);
  final byte[] secret = randomSecret();
  final SigningKey hmacKey = SigningKey.hmac("h1", TokenAlgorithm.HS256, secret);
  final SigningKey rsaKey = SigningKey.generate("r1", TokenAlgorithm.RS256);
  final TokenService hmac =
      new TokenService(
          TokenConfig.custom(KeyRing.of(hmacKey))
              .issuer("toutiao")
              .audience("app")
              .clock(clock)
              .build());
  final TokenService rsa =
      new TokenService(TokenConfig.custom(KeyRing.of(rsaKey)).clock(clock).build());

  static byte[] randomSecret() {
    byte[] bytes = new byte[32];
    new java.security.SecureRandom().nextBytes(bytes);
    return bytes;
  }

  static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String hmacSign(String signingInput, byte[] key) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  String payload(long exp) {
    return b64(
        "{\"user_id\":1,\"refresh\":false,\"iss\":\"toutiao\",\"aud\":\"app\",\"exp\":"
            + exp
            + "}");
  }

  @Test
  void algNoneIsRefused() {
    String token =
        b64("{\"alg\":\"none\",\"kid\":\"h1\"}") + "." + payload(NOW.getEpochSecond() + 60) + ".";
    assertThatThrownBy(() -> hmac.verifyAccess(token)).isInstanceOf(TokenSignatureException.class);
  }

  @Test
  void hs256SignedWithTheRsaPublicKeyIsRefused() throws Exception {
    String input =
        b64("{\"alg\":\"HS256\",\"kid\":\"r1\"}") + "." + payload(NOW.getEpochSecond() + 60);
    String token = input + "." + hmacSign(input, rsaKey.publicKey().getEncoded());

    assertThatThrownBy(() -> rsa.verifyAccess(token))
        .isInstanceOf(TokenSignatureException.class)
        .hasMessageContaining("not allowed for key 'r1'");
  }

  @Test
  void tamperedHeaderPayloadAndSignatureAreRefused() {
    String token = hmac.issue(1).accessToken();
    String[] parts = token.split("\\.");
    String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
    String body = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);

    String otherUser =
        parts[0] + "." + b64(body.replace("\"user_id\":1", "\"user_id\":2")) + "." + parts[2];
    String otherAlg = b64(header.replace("HS256", "HS512")) + "." + parts[1] + "." + parts[2];
    char last = parts[2].charAt(0);
    String badSignature =
        parts[0] + "." + parts[1] + "." + (last == 'A' ? 'B' : 'A') + parts[2].substring(1);

    assertThatThrownBy(() -> hmac.verifyAccess(otherUser))
        .isInstanceOf(TokenSignatureException.class);
    assertThatThrownBy(() -> hmac.verifyAccess(otherAlg))
        .isInstanceOf(TokenSignatureException.class);
    assertThatThrownBy(() -> hmac.verifyAccess(badSignature))
        .isInstanceOf(TokenSignatureException.class);
  }

  @Test
  void expiredAndNotYetValidTokensAreRefused() {
    String token = hmac.issue(1).accessToken();
    clock.advance(Duration.ofHours(3));
    assertThatThrownBy(() -> hmac.verifyAccess(token)).isInstanceOf(TokenExpiredException.class);

    clock.set(NOW);
    String future =
        sign(
            claims(1, "toutiao", "app")
                .notBefore(Date.from(NOW.plusSeconds(600)))
                .expiration(Date.from(NOW.plusSeconds(3600))));
    assertThatThrownBy(() -> hmac.verifyAccess(future))
        .isInstanceOf(TokenNotYetValidException.class);

    String issuedInFuture =
        sign(
            claims(1, "toutiao", "app")
                .issuedAt(Date.from(NOW.plusSeconds(600)))
                .expiration(Date.from(NOW.plusSeconds(3600))));
    assertThatThrownBy(() -> hmac.verifyAccess(issuedInFuture))
        .isInstanceOf(TokenNotYetValidException.class);
  }

  /** The claims of a well-formed token for the {@code hmac} service, varied by each attack. */
  private static io.jsonwebtoken.JwtBuilder claims(Object userId, String issuer, String audience) {
    io.jsonwebtoken.JwtBuilder builder =
        Jwts.builder().issuer(issuer).audience().add(audience).and();
    return userId == null ? builder : builder.claim("user_id", userId);
  }

  private String sign(io.jsonwebtoken.JwtBuilder builder) {
    SecretKey key = new SecretKeySpec(secret, "HmacSHA256");
    return builder.header().keyId("h1").and().signWith(key, Jwts.SIG.HS256).compact();
  }

  @Test
  void wrongIssuerOrAudienceIsRefused() {
    String wrongIssuer = sign(claims(1, "evil", "app").expiration(Date.from(NOW.plusSeconds(60))));
    String wrongAudience =
        sign(claims(1, "toutiao", "other").expiration(Date.from(NOW.plusSeconds(60))));

    assertThatThrownBy(() -> hmac.verifyAccess(wrongIssuer))
        .isInstanceOf(ClaimMismatchException.class)
        .hasMessageContaining("'iss'");
    assertThatThrownBy(() -> hmac.verifyAccess(wrongAudience))
        .isInstanceOf(ClaimMismatchException.class)
        .hasMessageContaining("'aud'");
  }

  @Test
  void aTokenWithoutExpIsRefused() {
    String noExp = sign(claims(1, "toutiao", "app"));
    assertThatThrownBy(() -> hmac.verifyAccess(noExp))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("no exp");
  }

  @Test
  void anUnknownKidIsRefused() {
    TokenService foreign =
        new TokenService(
            TokenConfig.custom(KeyRing.of(SigningKey.generate("x9", TokenAlgorithm.HS256)))
                .issuer("toutiao")
                .audience("app")
                .clock(clock)
                .build());
    assertThatThrownBy(() -> hmac.verifyAccess(foreign.issue(1).accessToken()))
        .isInstanceOf(UnknownKeyException.class)
        .hasMessageContaining("'x9'");
  }

  @Test
  void oversizedAndGarbageTokensAreRefusedAsMalformed() {
    assertThatThrownBy(() -> hmac.verifyAccess("a".repeat(10_000)))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("longer than the maximum of 8192");
    assertThatThrownBy(() -> hmac.verifyAccess("")).isInstanceOf(MalformedTokenException.class);
    assertThatThrownBy(() -> hmac.verifyAccess(null)).isInstanceOf(MalformedTokenException.class);
    for (String garbage :
        new String[] {
          "abc", "a.b.c", "not a token", "\u0000\u0001.\u0002.", "eyJ.eyJ.sig", "....."
        }) {
      assertThatThrownBy(() -> hmac.verifyAccess(garbage))
          .as(garbage)
          .isInstanceOf(AuthException.class);
    }
  }

  @Test
  void aMissingOrNonNumericUserIdIsRefused() {
    String noUser = sign(claims(null, "toutiao", "app").expiration(Date.from(NOW.plusSeconds(60))));
    String textUser =
        sign(claims("alice", "toutiao", "app").expiration(Date.from(NOW.plusSeconds(60))));
    assertThatThrownBy(() -> hmac.verifyAccess(noUser))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("'user_id'");
    assertThatThrownBy(() -> hmac.verifyAccess(textUser))
        .isInstanceOf(MalformedTokenException.class);
  }

  @Test
  void messagesAndToStringNeverContainSecretsOrTheToken() {
    String token = hmac.issue(1).accessToken();
    String tampered = token.substring(0, token.length() - 2) + "xx";
    String base64Secret = Base64.getEncoder().encodeToString(secret);

    Throwable failure =
        org.assertj.core.api.Assertions.catchThrowable(() -> hmac.verifyAccess(tampered));

    assertThat(failure.getMessage()).doesNotContain(tampered).doesNotContain(base64Secret);
    assertThat(hmacKey.toString()).doesNotContain(base64Secret).contains("h1");
    assertThat(hmac.config().toString()).doesNotContain(base64Secret);
    assertThat(hmac.issue(1).toString()).doesNotContain("eyJ");
  }
}
