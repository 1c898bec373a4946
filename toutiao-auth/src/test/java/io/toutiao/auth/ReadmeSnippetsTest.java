package io.toutiao.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The code shown in toutiao-auth/README.md, kept here so it compiles and runs. */
class ReadmeSnippetsTest {

  private int status;

  private void respond(int httpStatus, String message) {
    status = httpStatus;
  }

  @Test
  void quickStart() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String secretFromConfig = Base64.getEncoder().encodeToString(random);
    long userId = 42;

    KeyRing keys =
        KeyRing.of(SigningKey.hmacBase64("2026-06", TokenAlgorithm.HS256, secretFromConfig));
    TokenService tokens =
        new TokenService(
            TokenConfig.custom(keys)
                .issuer("toutiao")
                .revocationStore(
                    new InMemoryRevocationStore()) // or new RedisRevocationStore(jedis) for a fleet
                .build());

    TokenPair login = tokens.issue(userId); // POST /authorizations
    String header = "Bearer " + login.accessToken();

    long id = -1;
    try {
      VerifiedToken me =
          BearerTokens.extract(header) // empty -> anonymous, as in the reference
              .map(tokens::verifyAccess)
              .orElseThrow();
      id = me.userId();
    } catch (AuthException e) {
      respond(e.httpStatus(), e.getMessage()); // 401 / 403 / 503 in one place
    }

    TokenPair renewed =
        tokens.refresh(login.refreshToken()); // PUT /authorizations: a new access token

    assertThat(id).isEqualTo(42);
    assertThat(tokens.verifyAccess(renewed.accessToken()).userId()).isEqualTo(42);
    try {
      tokens.verifyAccess(login.refreshToken());
    } catch (AuthException e) {
      respond(e.httpStatus(), e.getMessage());
    }
    assertThat(status).isEqualTo(403);
  }

  @Test
  void keyRotation() {
    TokenService tokens =
        new TokenService(
            TokenConfig.custom(KeyRing.of(SigningKey.generate("2026-06", TokenAlgorithm.HS256)))
                .build());
    String old = tokens.issue(1).accessToken();

    tokens.updateKeyRing(
        tokens.keyRing().rotateTo(SigningKey.generate("2026-07", TokenAlgorithm.HS256)));
    assertThat(tokens.verifyAccess(old).keyId()).isEqualTo("2026-06");
    assertThat(tokens.verifyAccess(tokens.issue(1).accessToken()).keyId()).isEqualTo("2026-07");
    tokens.updateKeyRing(tokens.keyRing().without("2026-06"));

    assertThat(tokens.keyRing().keys()).extracting(SigningKey::id).containsExactly("2026-07");
  }
}
