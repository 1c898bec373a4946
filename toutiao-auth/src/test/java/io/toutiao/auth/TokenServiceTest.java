package io.toutiao.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenServiceTest {

  static final Instant NOW = Instant.parse("2026-06-01T08:00:00Z");

  final MutableClock clock = new MutableClock(NOW);
  final SigningKey k1 = SigningKey.generate("k1", TokenAlgorithm.HS256);
  final InMemoryRevocationStore store = new InMemoryRevocationStore(clock);

  TokenService service(TokenConfig.Builder builder) {
    return new TokenService(builder.clock(clock).build());
  }

  TokenService service() {
    return service(TokenConfig.custom(KeyRing.of(k1)).revocationStore(store));
  }

  @Test
  void issuesTheReferenceClaimsAndLifetimes() {
    TokenService tokens = service();
    TokenPair pair = tokens.issue(42);

    VerifiedToken access = tokens.verifyAccess(pair.accessToken());
    VerifiedToken refresh = tokens.verifyRefresh(pair.refreshToken());

    assertThat(access.type()).isEqualTo(TokenType.ACCESS);
    assertThat(access.userId()).isEqualTo(42);
    assertThat(access.claims()).containsEntry("refresh", false);
    assertThat(access.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(2)));
    assertThat(access.issuedAt()).isEqualTo(NOW);
    assertThat(access.keyId()).isEqualTo("k1");
    assertThat(refresh.type()).isEqualTo(TokenType.REFRESH);
    assertThat(refresh.expiresAt()).isEqualTo(NOW.plus(Duration.ofDays(14)));
    assertThat(refresh.claims()).containsEntry("refresh", true);
    assertThat(pair.accessExpiresAt()).isEqualTo(access.expiresAt());
  }

  @Test
  void carriesRolesAndCustomClaims() {
    TokenService tokens = service();
    TokenPair pair =
        tokens.issue(7, List.of("admin", "editor"), Map.of("tenant", "news", "level", 3));

    VerifiedToken access = tokens.verifyAccess(pair.accessToken());

    assertThat(access.roles()).containsExactly("admin", "editor");
    assertThat(access.hasRole("admin")).isTrue();
    assertThat(access.claim("tenant", String.class)).contains("news");
    assertThat(access.claim("level", Long.class)).contains(3L);
    assertThat(tokens.verifyAccess(tokens.refresh(pair.refreshToken()).accessToken()).roles())
        .containsExactly("admin", "editor");
  }

  @Test
  void refusesReservedClaimNames() {
    TokenService tokens = service();
    assertThatThrownBy(() -> tokens.issue(1, List.of(), Map.of("exp", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'exp'");
    assertThatThrownBy(() -> tokens.issue(1, List.of(), Map.of("user_id", 2)))
        .hasMessageContaining("'user_id'");
  }

  @Test
  void aRefreshTokenIsRefusedAsAccessAndTheReverse() {
    TokenService tokens = service();
    TokenPair pair = tokens.issue(1);

    assertThatThrownBy(() -> tokens.verifyAccess(pair.refreshToken()))
        .isInstanceOf(WrongTokenTypeException.class)
        .hasMessage("Do not use refresh token.")
        .satisfies(e -> assertThat(((AuthException) e).httpStatus()).isEqualTo(403));
    assertThatThrownBy(() -> tokens.refresh(pair.accessToken()))
        .isInstanceOf(WrongTokenTypeException.class);
  }

  @Test
  void refreshIssuesANewAccessTokenOnly() {
    TokenService tokens = service();
    TokenPair pair = tokens.issue(5);
    clock.advance(Duration.ofHours(3));

    TokenPair renewed = tokens.refresh(pair.refreshToken());

    assertThat(renewed.refreshToken()).isNull();
    assertThat(tokens.verifyAccess(renewed.accessToken()).userId()).isEqualTo(5);
    assertThat(tokens.refresh(pair.refreshToken()).accessToken()).isNotNull();
  }

  @Test
  void rotationDetectsReuseAndRevokesTheFamily() {
    TokenService tokens =
        service(
            TokenConfig.custom(KeyRing.of(k1)).revocationStore(store).rotateRefreshTokens(true));
    TokenPair login = tokens.issue(9);
    TokenPair second = tokens.refresh(login.refreshToken());
    assertThat(second.refreshToken()).isNotNull();
    TokenPair third = tokens.refresh(second.refreshToken());

    assertThatThrownBy(() -> tokens.refresh(login.refreshToken()))
        .isInstanceOf(RefreshTokenReusedException.class)
        .hasMessageContaining("already used");
    assertThatThrownBy(() -> tokens.refresh(third.refreshToken()))
        .isInstanceOf(TokenRevokedException.class)
        .hasMessageContaining("family");
  }

  @Test
  void rotationNeedsARevocationStore() {
    assertThatThrownBy(() -> TokenConfig.custom(KeyRing.of(k1)).rotateRefreshTokens(true).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("revocation store");
  }

  @Test
  void expiryHonoursTheClockSkewExactly() {
    TokenService tokens =
        service(TokenConfig.custom(KeyRing.of(k1)).clockSkew(Duration.ofSeconds(30)).cacheSize(0));
    String access = tokens.issue(1).accessToken();
    Instant exp = NOW.plus(Duration.ofHours(2));

    clock.set(exp);
    assertThat(tokens.verifyAccess(access).userId()).isEqualTo(1);
    clock.set(exp.plusSeconds(30).minusMillis(1));
    assertThat(tokens.verifyAccess(access).userId()).as("inside the skew").isEqualTo(1);
    clock.set(exp.plusSeconds(30));
    assertThatThrownBy(() -> tokens.verifyAccess(access))
        .as("RFC 7519: expired on or after exp (plus the skew)")
        .isInstanceOf(TokenExpiredException.class)
        .satisfies(e -> assertThat(((TokenExpiredException) e).expiredAt()).isEqualTo(exp))
        .satisfies(e -> assertThat(((AuthException) e).httpStatus()).isEqualTo(401));
  }

  @Test
  void theCacheNeverServesAnExpiredOrRevokedToken() {
    TokenService tokens =
        service(TokenConfig.custom(KeyRing.of(k1)).revocationStore(store).clockSkew(Duration.ZERO));
    TokenPair pair = tokens.issue(3);
    VerifiedToken first = tokens.verifyAccess(pair.accessToken());
    assertThat(tokens.verifyAccess(pair.accessToken())).isEqualTo(first);

    tokens.revoke(first);
    assertThatThrownBy(() -> tokens.verifyAccess(pair.accessToken()))
        .isInstanceOf(TokenRevokedException.class);

    String other = tokens.issue(4).accessToken();
    tokens.verifyAccess(other);
    clock.advance(Duration.ofHours(2).plusSeconds(1));
    assertThatThrownBy(() -> tokens.verifyAccess(other)).isInstanceOf(TokenExpiredException.class);
  }

  @Test
  void revokingAllOfAUsersTokensSparesLaterOnesAndOtherUsers() {
    TokenService tokens = service();
    String before = tokens.issue(11).accessToken();
    String otherUser = tokens.issue(12).accessToken();
    tokens.verifyAccess(before);
    clock.advance(Duration.ofMillis(1));

    tokens.revokeAllForUser(11);
    clock.advance(Duration.ofMillis(1));
    String after = tokens.issue(11).accessToken();

    assertThatThrownBy(() -> tokens.verifyAccess(before))
        .isInstanceOf(TokenRevokedException.class)
        .hasMessageContaining("user 11");
    assertThat(tokens.verifyAccess(after).userId()).isEqualTo(11);
    assertThat(tokens.verifyAccess(otherUser).userId()).isEqualTo(12);
  }

  @Test
  void aDisabledUserIsDenied() {
    Set<Long> disabled = ConcurrentHashMap.newKeySet();
    TokenService tokens =
        service(TokenConfig.custom(KeyRing.of(k1)).userStatusChecker(id -> !disabled.contains(id)));
    String access = tokens.issue(8).accessToken();
    tokens.verifyAccess(access);
    disabled.add(8L);

    assertThatThrownBy(() -> tokens.verifyAccess(access))
        .isInstanceOf(UserDisabledException.class)
        .hasMessage("User denied.")
        .satisfies(e -> assertThat(((AuthException) e).httpStatus()).isEqualTo(403));
  }

  @Test
  void rotatedKeysKeepOldTokensValidUntilTheKeyIsRemoved() {
    TokenService tokens = service();
    String old = tokens.issue(1).accessToken();
    SigningKey k2 = SigningKey.generate("k2", TokenAlgorithm.ES256);

    tokens.updateKeyRing(tokens.keyRing().rotateTo(k2));
    String fresh = tokens.issue(1).accessToken();

    assertThat(tokens.verifyAccess(old).keyId()).isEqualTo("k1");
    assertThat(tokens.verifyAccess(fresh).keyId()).isEqualTo("k2");
    tokens.updateKeyRing(tokens.keyRing().without("k1"));
    assertThatThrownBy(() -> tokens.verifyAccess(old))
        .isInstanceOf(UnknownKeyException.class)
        .hasMessageContaining("'k1'");
    assertThat(tokens.verifyAccess(fresh).userId()).isEqualTo(1);
  }

  @Test
  void asymmetricAlgorithmsRoundTrip() {
    for (TokenAlgorithm algorithm :
        List.of(
            TokenAlgorithm.RS256,
            TokenAlgorithm.ES256,
            TokenAlgorithm.EdDSA,
            TokenAlgorithm.HS384,
            TokenAlgorithm.HS512)) {
      TokenService tokens =
          service(TokenConfig.custom(KeyRing.of(SigningKey.generate("a-" + algorithm, algorithm))));
      assertThat(tokens.verifyAccess(tokens.issue(77).accessToken()).userId())
          .as("%s", algorithm)
          .isEqualTo(77);
    }
  }

  @Test
  void verifiesWithAVerifyOnlyPublicKey() {
    SigningKey signer = SigningKey.generate("rsa-1", TokenAlgorithm.RS256);
    TokenService issuer = service(TokenConfig.custom(KeyRing.of(signer)));
    TokenService verifier =
        service(
            TokenConfig.custom(
                KeyRing.of(
                    k1,
                    List.of(
                        SigningKey.verifyOnly(
                            "rsa-1", TokenAlgorithm.RS256, signer.publicKey())))));

    assertThat(verifier.verifyAccess(issuer.issue(3).accessToken()).keyId()).isEqualTo("rsa-1");
  }

  @Test
  void concurrentIssueAndVerifyAllSucceedWithUniqueIds() throws Exception {
    TokenService tokens = service();
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Set<String> ids = ConcurrentHashMap.newKeySet();
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long user = t;
      results.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < 1000; i++) {
                  VerifiedToken verified = tokens.verifyAccess(tokens.issue(user).accessToken());
                  assertThat(verified.userId()).isEqualTo(user);
                  ids.add(verified.tokenId());
                }
                return 1000;
              }));
    }
    int total = 0;
    for (Future<Integer> result : results) {
      total += result.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(total).isEqualTo(4000);
    assertThat(ids).hasSize(4000);
  }

  @Test
  void verifiesTheRfc7515AppendixA1Example() {
    String token =
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
            + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
            + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    SigningKey rfcKey =
        SigningKey.hmacBase64(
            "rfc7515",
            TokenAlgorithm.HS256,
            "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
    clock.set(Instant.ofEpochSecond(1300819380).minusSeconds(60));
    TokenService tokens = service(TokenConfig.custom(KeyRing.of(rfcKey)).requireUserId(false));

    VerifiedToken verified = tokens.verifyAccess(token);

    assertThat(verified.claims())
        .containsEntry("iss", "joe")
        .containsEntry("http://example.com/is_root", true);
    assertThat(verified.expiresAt()).isEqualTo(Instant.ofEpochSecond(1300819380));
    clock.set(Instant.ofEpochSecond(1300819380).plusSeconds(3600));
    assertThatThrownBy(
            () ->
                service(TokenConfig.custom(KeyRing.of(rfcKey)).requireUserId(false))
                    .verifyAccess(token))
        .isInstanceOf(TokenExpiredException.class);
  }
}
