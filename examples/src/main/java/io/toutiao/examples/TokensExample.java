package io.toutiao.examples;

import io.toutiao.auth.AuthException;
import io.toutiao.auth.KeyRing;
import io.toutiao.auth.SigningKey;
import io.toutiao.auth.TokenAlgorithm;
import io.toutiao.auth.TokenConfig;
import io.toutiao.auth.TokenPair;
import io.toutiao.auth.TokenService;
import io.toutiao.auth.redis.RedisRevocationStore;
import io.toutiao.testing.RedisServer;
import redis.clients.jedis.RedisClient;

/** JWT access and refresh tokens with revocation in an embedded Redis. Runnable from an IDE. */
public final class TokensExample {

  private TokensExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   * @throws Exception when a service fails
   */
  public static void main(String[] args) throws Exception {
    try (RedisServer redis = RedisServer.start();
        RedisClient jedis = RedisClient.create(redis.host(), redis.port())) {
      run(jedis);
    }
  }

  static void run(RedisClient jedis) {
    Console.step("JWT tokens (toutiao-auth): HS256, access 2 h, refresh 14 d, revocation in Redis");
    TokenService tokens =
        new TokenService(
            TokenConfig.custom(KeyRing.of(SigningKey.generate("2026-11", TokenAlgorithm.HS256)))
                .issuer("toutiao")
                .revocationStore(new RedisRevocationStore(jedis))
                .build());
    TokenPair login = tokens.issue(1);
    Console.say(
        "issue(1) -> access token of "
            + login.accessToken().length()
            + " chars, expires "
            + login.accessExpiresAt());
    Console.say("verifyAccess -> user " + tokens.verifyAccess(login.accessToken()).userId());
    try {
      tokens.verifyAccess(login.refreshToken());
    } catch (AuthException e) {
      Console.say(
          "refresh token used as access token -> "
              + e.httpStatus()
              + " \""
              + e.getMessage()
              + "\"");
    }
    TokenPair renewed = tokens.refresh(login.refreshToken());
    tokens.revokeAllForUser(1);
    try {
      tokens.verifyAccess(renewed.accessToken());
    } catch (AuthException e) {
      Console.say("after logout everywhere -> " + e.httpStatus() + " (" + e.reason() + ")");
    }
  }
}
