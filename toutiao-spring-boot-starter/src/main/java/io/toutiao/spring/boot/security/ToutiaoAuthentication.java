package io.toutiao.spring.boot.security;

import io.toutiao.auth.VerifiedToken;
import java.util.Objects;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * An authenticated request: the principal is the user id ({@code Long}), the authorities are the
 * token's roles as {@code ROLE_<role>}, and {@link #getToken()} gives every claim. The token text
 * itself is not kept ({@link #getCredentials()} is null).
 */
public final class ToutiaoAuthentication extends AbstractAuthenticationToken {

  private static final long serialVersionUID = 1L;

  private final transient VerifiedToken token;
  private final Long userId;

  /**
   * Creates the authentication of a verified token.
   *
   * @param token the verified access token
   */
  public ToutiaoAuthentication(VerifiedToken token) {
    super(
        AuthorityUtils.createAuthorityList(
            Objects.requireNonNull(token, "token must not be null").roles().stream()
                .map(role -> "ROLE_" + role)
                .toArray(String[]::new)));
    this.token = token;
    this.userId = token.userId();
    setAuthenticated(true);
  }

  /**
   * Returns the verified token.
   *
   * @return the token's claims
   */
  public VerifiedToken getToken() {
    return token;
  }

  @Override
  public Object getCredentials() {
    return null;
  }

  /**
   * Returns the user id.
   *
   * @return the {@code user_id} claim
   */
  @Override
  public Long getPrincipal() {
    return userId;
  }

  @Override
  public String getName() {
    return Long.toString(userId);
  }
}
