package io.toutiao.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toutiao.auth.TokenPair;
import io.toutiao.auth.TokenService;
import io.toutiao.spring.boot.security.ToutiaoAuthentication;
import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A real web application on a random port: the bearer filter, the reference's 401/403 answers, the
 * JWKS endpoint, token meters, and Actuator health going DOWN with Redis and UP after.
 */
@RedisTest
class WebIT {

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableMethodSecurity
  static class App {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    @Bean
    Endpoints endpoints() {
      return new Endpoints();
    }
  }

  @RestController
  static class Endpoints {
    @GetMapping("/v1_0/user")
    Map<String, Object> me(@AuthenticationPrincipal Long userId) {
      return Map.of("id", userId);
    }

    @GetMapping("/v1_0/admin")
    @PreAuthorize("hasRole('admin')")
    Map<String, Object> admin() {
      return Map.of("ok", true);
    }

    @GetMapping("/v1_0/articles")
    Map<String, Object> articles(org.springframework.security.core.Authentication who) {
      return Map.of("user", who instanceof ToutiaoAuthentication t ? t.getName() : "anonymous");
    }
  }

  static ConfigurableApplicationContext app;
  static URI base;
  static TokenService tokens;
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start(RedisServer redis, @TempDir Path keys) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    Path privatePem = keys.resolve("es256.key");
    Path publicPem = keys.resolve("es256.pub");
    Files.writeString(privatePem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    Files.writeString(publicPem, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    List<String> properties = new ArrayList<>(Fixtures.properties(redis));
    properties.addAll(
        List.of(
            "server.port=0",
            "toutiao.auth.keys[1].id=ec1",
            "toutiao.auth.keys[1].algorithm=ES256",
            "toutiao.auth.keys[1].private-key=file:" + privatePem,
            "toutiao.auth.keys[1].public-key=file:" + publicPem,
            "toutiao.auth.active-key=ec1",
            "toutiao.auth.security.public-paths=/v1_0/articles,/actuator/health",
            "toutiao.auth.security.jwks-endpoint=true",
            "management.endpoints.web.exposure.include=health",
            "management.endpoint.health.show-details=always",
            // search is off here; Spring Boot's own client would look for a node on :9200
            "management.health.elasticsearch.enabled=false"));
    app =
        new SpringApplicationBuilder(App.class).properties(properties.toArray(String[]::new)).run();
    base =
        URI.create(
            "http://127.0.0.1:"
                + Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
    tokens = app.getBean(TokenService.class);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  static HttpResponse<String> get(String path, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String message(HttpResponse<String> response) throws IOException {
    return json.readTree(response.body()).path("message").asText();
  }

  @Test
  void protectedEndpointsAnswerAsTheReference() throws Exception {
    HttpResponse<String> none = get("/v1_0/user", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(message(none)).isEqualTo("User must be authorized.");
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");

    TokenPair pair = tokens.issue(1234);
    HttpResponse<String> ok = get("/v1_0/user", "Bearer " + pair.accessToken());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(json.readTree(ok.body()).path("id").asLong()).isEqualTo(1234);
    assertThat(tokens.verifyAccess(pair.accessToken()).keyId()).isEqualTo("ec1");

    HttpResponse<String> refresh = get("/v1_0/user", "Bearer " + pair.refreshToken());
    assertThat(refresh.statusCode()).isEqualTo(403);
    assertThat(message(refresh)).isEqualTo("Do not use refresh token.");

    String access = pair.accessToken();
    String tampered =
        access.substring(0, access.length() - 2) + (access.endsWith("A") ? "BA" : "AA");
    assertThat(get("/v1_0/user", "Bearer " + tampered).statusCode()).isEqualTo(401);
    assertThat(get("/v1_0/user", "Bearer ").statusCode()).isEqualTo(401);
    assertThat(get("/v1_0/user", "Basic dXNlcjpwYXNz").statusCode()).isEqualTo(401);
  }

  @Test
  void publicPathsAnswerAnonymousOrSignedIn() throws Exception {
    HttpResponse<String> anonymous = get("/v1_0/articles", null);
    assertThat(anonymous.statusCode()).isEqualTo(200);
    assertThat(json.readTree(anonymous.body()).path("user").asText()).isEqualTo("anonymous");
    assertThat(get("/v1_0/articles", "Bearer not.a.token").statusCode())
        .as("an unusable token on a public path is anonymous, as the reference")
        .isEqualTo(200);
    HttpResponse<String> signedIn =
        get("/v1_0/articles", "Bearer " + tokens.issue(7).accessToken());
    assertThat(json.readTree(signedIn.body()).path("user").asText()).isEqualTo("7");
  }

  @Test
  void rolesAreAuthorities() throws Exception {
    String user = tokens.issueAccessToken(8, List.of(), Map.of());
    HttpResponse<String> denied = get("/v1_0/admin", "Bearer " + user);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(message(denied)).isEqualTo("Forbidden.");
    String admin = tokens.issueAccessToken(9, List.of("admin"), Map.of());
    assertThat(get("/v1_0/admin", "Bearer " + admin).statusCode()).isEqualTo(200);
  }

  @Test
  void theJwksEndpointServesThePublicKeysOnly() throws Exception {
    HttpResponse<String> jwks = get("/.well-known/jwks.json", null);
    assertThat(jwks.statusCode()).isEqualTo(200);
    assertThat(jwks.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/jwk-set+json"));
    JsonNode keys = json.readTree(jwks.body()).path("keys");
    assertThat(keys).hasSize(1);
    assertThat(keys.get(0).path("kid").asText()).isEqualTo("ec1");
    assertThat(keys.get(0).path("kty").asText()).isEqualTo("EC");
    assertThat(keys.get(0).has("d")).as("no private part").isFalse();
    assertThat(jwks.body()).doesNotContain(Fixtures.SECRET).doesNotContain("\"oct\"");
  }

  @Test
  void verificationsAreCountedByReason() throws Exception {
    MeterRegistry meters = app.getBean(MeterRegistry.class);
    double before = count(meters, "rejected", "wrong_token_type");
    double accepted = count(meters, "accepted", "none");
    TokenPair pair = tokens.issue(55);
    get("/v1_0/user", "Bearer " + pair.refreshToken());
    get("/v1_0/user", "Bearer " + pair.accessToken());
    assertThat(count(meters, "rejected", "wrong_token_type")).isEqualTo(before + 1);
    assertThat(count(meters, "accepted", "none")).isEqualTo(accepted + 1);
  }

  static double count(MeterRegistry meters, String result, String reason) {
    var counter =
        meters
            .find("toutiao.auth.verifications")
            .tags("result", result, "reason", reason)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void healthGoesDownWithRedisAndUpAfter(RedisServer redis) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(redis.isManaged());
    String body = get("/actuator/health", null).body();
    JsonNode up = json.readTree(body);
    assertThat(up.path("status").asText()).as(body).isEqualTo("UP");
    assertThat(up.path("components").path("toutiaoRedis").path("status").asText()).isEqualTo("UP");
    assertThat(
            up.path("components").path("toutiaoWorkerId").path("details").path("workerId").asLong())
        .isEqualTo(3);
    assertThat(up.path("components").path("toutiaoCaches").path("details").path("profile").asText())
        .isEqualTo("closed");
    redis.stop();
    try {
      HttpResponse<String> down = get("/actuator/health", null);
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(
              json.readTree(down.body())
                  .path("components")
                  .path("toutiaoRedis")
                  .path("status")
                  .asText())
          .isEqualTo("DOWN");
    } finally {
      redis.restart();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    HttpResponse<String> again;
    do {
      again = get("/actuator/health", null);
    } while (again.statusCode() != 200 && System.nanoTime() < deadline);
    assertThat(again.statusCode()).isEqualTo(200);
  }
}
