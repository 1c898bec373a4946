package io.toutiao.spring.boot.security;

import io.toutiao.auth.AuthException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * The reference's answers for a protected endpoint: 401 {@code {"message": "User must be
 * authorized."}} without a usable token; 403 {@code "Do not use refresh token."} for a refresh
 * token; 403 {@code "User denied."} for a disabled user; 503 when revocations cannot be checked
 * (tokens fail closed); 403 {@code "Forbidden."} for an authenticated user without the role.
 */
public final class ToutiaoAuthenticationEntryPoint
    implements AuthenticationEntryPoint, AccessDeniedHandler {

  /** Creates the entry point. */
  public ToutiaoAuthenticationEntryPoint() {}

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
      throws IOException {
    Object reason = request.getAttribute(ToutiaoBearerTokenFilter.REFUSED_REASON);
    if (reason == AuthException.Reason.WRONG_TOKEN_TYPE) {
      write(response, 403, "Do not use refresh token.");
    } else if (reason == AuthException.Reason.USER_DISABLED) {
      write(response, 403, "User denied.");
    } else if (reason == AuthException.Reason.REVOCATION_UNAVAILABLE) {
      write(response, 503, "Authorization cannot be checked now.");
    } else {
      response.setHeader("WWW-Authenticate", "Bearer");
      write(response, 401, "User must be authorized.");
    }
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
      throws IOException {
    write(response, 403, "Forbidden.");
  }

  private static void write(HttpServletResponse response, int status, String message)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/json;charset=UTF-8");
    response
        .getOutputStream()
        .write(("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
  }
}
