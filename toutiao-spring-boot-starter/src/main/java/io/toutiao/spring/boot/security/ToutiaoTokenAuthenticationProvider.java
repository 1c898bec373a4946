package io.toutiao.spring.boot.security;

import io.toutiao.auth.AuthException;
import io.toutiao.auth.TokenService;
import java.util.Objects;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Verifies a {@link BearerTokenAuthentication} with the {@link TokenService} (access tokens only)
 * and yields a {@link ToutiaoAuthentication}; a refused token is a {@code BadCredentialsException}
 * whose cause is the library's {@link AuthException} (its reason tells why).
 */
public final class ToutiaoTokenAuthenticationProvider implements AuthenticationProvider {

  private final TokenService tokens;

  /**
   * Creates the provider.
   *
   * @param tokens the token service
   */
  public ToutiaoTokenAuthenticationProvider(TokenService tokens) {
    this.tokens = Objects.requireNonNull(tokens, "tokens must not be null");
  }

  @Override
  public Authentication authenticate(Authentication authentication) throws AuthenticationException {
    String token = ((BearerTokenAuthentication) authentication).getCredentials();
    try {
      return new ToutiaoAuthentication(tokens.verifyAccess(token));
    } catch (AuthException e) {
      throw new BadCredentialsException("token refused: " + e.reason(), e);
    }
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return BearerTokenAuthentication.class.isAssignableFrom(authentication);
  }
}
