package io.toutiao.spring.boot.security;

import io.toutiao.auth.AuthException;
import io.toutiao.auth.BearerTokens;
import io.toutiao.auth.TokenService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads {@code Authorization: Bearer <token>}, verifies it as an access token and, when it is
 * valid, makes the request authenticated as a {@link ToutiaoAuthentication}. As the reference's
 * request filter, an unusable token leaves the request anonymous: public endpoints still answer,
 * and protected ones are refused by {@link ToutiaoAuthenticationEntryPoint} with the reason this
 * filter recorded (401, or 403 for a refresh token or a disabled user). Runs once per request.
 */
public final class ToutiaoBearerTokenFilter extends OncePerRequestFilter {

  /** The request attribute holding the {@link AuthException.Reason} of a refused token. */
  public static final String REFUSED_REASON = ToutiaoBearerTokenFilter.class.getName() + ".REFUSED";

  private final TokenService tokens;
  private final TokenVerificationListener listener;
  private final SecurityContextHolderStrategy contexts =
      SecurityContextHolder.getContextHolderStrategy();

  /**
   * Creates the filter.
   *
   * @param tokens the token service
   * @param listener told of each verification
   */
  public ToutiaoBearerTokenFilter(TokenService tokens, TokenVerificationListener listener) {
    this.tokens = Objects.requireNonNull(tokens, "tokens must not be null");
    this.listener = Objects.requireNonNull(listener, "listener must not be null");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    if (header != null) {
      Optional<String> token = BearerTokens.extract(header);
      if (token.isEmpty()) {
        refuse(request, AuthException.Reason.MALFORMED);
      } else {
        try {
          ToutiaoAuthentication authentication =
              new ToutiaoAuthentication(tokens.verifyAccess(token.get()));
          SecurityContext context = contexts.createEmptyContext();
          context.setAuthentication(authentication);
          contexts.setContext(context);
          listener.onAccepted();
        } catch (AuthException e) {
          refuse(request, e.reason());
        }
      }
    }
    chain.doFilter(request, response);
  }

  private void refuse(HttpServletRequest request, AuthException.Reason reason) {
    request.setAttribute(REFUSED_REASON, reason);
    listener.onRejected(reason);
  }
}
