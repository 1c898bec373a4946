package io.toutiao.spring.boot;

import io.toutiao.auth.TokenService;
import io.toutiao.spring.boot.security.JwksEndpointFilter;
import io.toutiao.spring.boot.security.TokenVerificationListener;
import io.toutiao.spring.boot.security.ToutiaoAuthenticationEntryPoint;
import io.toutiao.spring.boot.security.ToutiaoBearerTokenFilter;
import io.toutiao.spring.boot.security.ToutiaoTokenAuthenticationProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Spring Security over the {@link TokenService}: the {@link ToutiaoBearerTokenFilter}, an {@code
 * AuthenticationProvider} for bearer tokens, the reference's 401/403 answers, the opt-in JWKS
 * endpoint and, unless the application defines its own {@link SecurityFilterChain}, a stateless
 * chain where the paths of {@code toutiao.auth.security.public-paths} are open and everything else
 * needs a valid access token. Off with {@code toutiao.auth.security.enabled=false}.
 */
@AutoConfiguration(
    after = ToutiaoAuthAutoConfiguration.class,
    beforeName = {
      "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration",
      "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration"
    })
@ConditionalOnClass({TokenService.class, SecurityFilterChain.class, HttpSecurity.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(TokenService.class)
@ConditionalOnProperty(prefix = "toutiao.auth.security", name = "enabled", matchIfMissing = true)
public class ToutiaoSecurityAutoConfiguration {

  /** Creates the configuration. */
  public ToutiaoSecurityAutoConfiguration() {}

  /**
   * The filter (add it to your own chain with {@code addFilterBefore(filter,
   * AnonymousAuthenticationFilter.class)}).
   *
   * @param tokens the token service
   * @param listeners metrics, when on
   * @return the filter
   */
  @Bean
  @ConditionalOnMissingBean
  public ToutiaoBearerTokenFilter toutiaoBearerTokenFilter(
      TokenService tokens, ObjectProvider<TokenVerificationListener> listeners) {
    return new ToutiaoBearerTokenFilter(
        tokens, listeners.getIfUnique(() -> TokenVerificationListener.NONE));
  }

  /**
   * The 401/403 answers.
   *
   * @return the entry point and access-denied handler
   */
  @Bean
  @ConditionalOnMissingBean
  public ToutiaoAuthenticationEntryPoint toutiaoAuthenticationEntryPoint() {
    return new ToutiaoAuthenticationEntryPoint();
  }

  /**
   * Verifies bearer tokens for an {@code AuthenticationManager}; its presence also keeps Spring
   * Boot from creating a user with a generated password.
   *
   * @param tokens the token service
   * @return the provider
   */
  @Bean
  @ConditionalOnMissingBean
  public ToutiaoTokenAuthenticationProvider toutiaoTokenAuthenticationProvider(
      TokenService tokens) {
    return new ToutiaoTokenAuthenticationProvider(tokens);
  }

  /**
   * The JWKS endpoint, when {@code toutiao.auth.security.jwks-endpoint=true}.
   *
   * @param tokens the token service
   * @return the endpoint
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "toutiao.auth.security", name = "jwks-endpoint")
  public JwksEndpointFilter toutiaoJwksEndpoint(TokenService tokens) {
    return new JwksEndpointFilter(tokens);
  }

  /**
   * The default chain: stateless, no sessions, no form login, CSRF off (tokens travel in a header,
   * not a cookie); public paths open; the rest needs a valid access token.
   *
   * @param http the builder
   * @param properties {@code toutiao.auth.*}
   * @param filter the bearer filter
   * @param answers the 401/403 answers
   * @param jwks the JWKS endpoint, when on
   * @return the chain
   * @throws Exception when Spring Security cannot build it
   */
  @Bean
  @ConditionalOnMissingBean(SecurityFilterChain.class)
  public SecurityFilterChain toutiaoSecurityFilterChain(
      HttpSecurity http,
      AuthProperties properties,
      ToutiaoBearerTokenFilter filter,
      ToutiaoAuthenticationEntryPoint answers,
      ObjectProvider<JwksEndpointFilter> jwks)
      throws Exception {
    http.csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .httpBasic(basic -> basic.disable())
        .formLogin(form -> form.disable())
        .logout(logout -> logout.disable())
        .requestCache(cache -> cache.disable())
        .exceptionHandling(e -> e.authenticationEntryPoint(answers).accessDeniedHandler(answers))
        .addFilterBefore(filter, AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(
            requests -> {
              for (String path : properties.getSecurity().getPublicPaths()) {
                requests.requestMatchers(path).permitAll();
              }
              requests.requestMatchers("/error").permitAll();
              requests.anyRequest().authenticated();
            });
    JwksEndpointFilter endpoint = jwks.getIfAvailable();
    if (endpoint != null) {
      http.addFilterBefore(endpoint, ToutiaoBearerTokenFilter.class);
    }
    return http.build();
  }
}
