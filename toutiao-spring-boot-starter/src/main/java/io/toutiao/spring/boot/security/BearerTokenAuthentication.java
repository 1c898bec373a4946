package io.toutiao.spring.boot.security;

import java.util.List;
import java.util.Objects;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A bearer token not verified yet, for {@link ToutiaoTokenAuthenticationProvider} (as an
 * application's own filters or an {@code AuthenticationManager} use it). Its {@code toString()}
 * never shows the token.
 */
public final class BearerTokenAuthentication extends AbstractAuthenticationToken {

  private static final long serialVersionUID = 1L;

  private final String token;

  /**
   * Wraps a token.
   *
   * @param token the compact token (without {@code Bearer })
   */
  public BearerTokenAuthentication(String token) {
    super(List.of());
    this.token = Objects.requireNonNull(token, "token must not be null");
  }

  @Override
  public String getCredentials() {
    return token;
  }

  @Override
  public Object getPrincipal() {
    return null;
  }

  @Override
  public String toString() {
    return "BearerTokenAuthentication[token hidden]";
  }
}
