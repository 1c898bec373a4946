package io.toutiao.spring.boot.security;

import io.toutiao.auth.TokenService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves {@code GET /.well-known/jwks.json}: the public keys of the key ring (never HMAC secrets),
 * for services that verify our tokens (Spring's resource server with {@code jwk-set-uri}). Cached
 * by clients for 5 minutes, so a new key should be added some minutes before it signs.
 */
public final class JwksEndpointFilter extends OncePerRequestFilter {

  /** The path served. */
  public static final String PATH = "/.well-known/jwks.json";

  private final TokenService tokens;

  /**
   * Creates the endpoint.
   *
   * @param tokens the token service
   */
  public JwksEndpointFilter(TokenService tokens) {
    this.tokens = Objects.requireNonNull(tokens, "tokens must not be null");
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !PATH.equals(request.getRequestURI().substring(request.getContextPath().length()));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
      response.setHeader("Allow", "GET, HEAD");
      response.sendError(405);
      return;
    }
    byte[] body = tokens.jwks().getBytes(StandardCharsets.UTF_8);
    response.setStatus(200);
    response.setContentType("application/jwk-set+json");
    response.setHeader("Cache-Control", "public, max-age=300");
    response.setContentLength(body.length);
    if ("GET".equals(request.getMethod())) {
      response.getOutputStream().write(body);
    }
  }
}
