package io.toutiao.push;

/**
 * Verifies the token a client connects with and says whose connection it is. The host wires its
 * token service here, e.g. {@code token -> new PushUser(Long.toString(tokens.verify(token,
 * TokenType.ACCESS).userId()))}.
 *
 * <p>Fails closed: a thrown exception (of any type) or a null result refuses the connection. The
 * token is never logged or echoed by the server; the exception's message is logged at debug level
 * only, so it must not contain the token either.
 */
@FunctionalInterface
public interface PushAuthenticator {

  /**
   * Verifies a token.
   *
   * @param token the token as the client sent it (never null or empty)
   * @return the user the connection belongs to
   * @throws Exception when the token is not valid
   */
  PushUser authenticate(String token) throws Exception;
}
