package io.toutiao.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.ReadmeApp;
import io.toutiao.auth.TokenService;
import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/** The starter's README: its YAML (read from the file) and its code, started for real. */
@RedisTest
class ReadmeSnippetsIT {

  /** The first {@code yaml} block of the starter's README. */
  static String readmeYaml() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("```yaml\n") + "```yaml\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  @Test
  void theReadmeApplicationStartsFromTheReadmeYaml(RedisServer redis) throws Exception {
    List<PropertySource<?>> yaml =
        new YamlPropertySourceLoader()
            .load("README.md", new ByteArrayResource(readmeYaml().getBytes("UTF-8")));
    SpringApplication application = new SpringApplication(ReadmeApp.class);
    application.addInitializers(
        context -> {
          var sources = context.getEnvironment().getPropertySources();
          yaml.forEach(sources::addLast);
          sources.addFirst(
              new MapPropertySource(
                  "test",
                  Map.of(
                      "spring.data.redis.port",
                      redis.port(),
                      "TOKEN_SECRET",
                      Fixtures.SECRET,
                      "server.port",
                      0,
                      "management.health.elasticsearch.enabled",
                      false,
                      "toutiao.storage.local.root",
                      Fixtures.UPLOADS.toString())));
        });
    try (ConfigurableApplicationContext context = application.run()) {
      ReadmeApp.Profiles profiles = context.getBean(ReadmeApp.Profiles.class);
      String token = context.getBean(TokenService.class).issue(42).accessToken();
      int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
      HttpClient http = HttpClient.newHttpClient();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> me =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1_0/user"))
                    .header("Authorization", "Bearer " + token)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("头条号 42");
      }
      assertThat(profiles.loads()).isEqualTo(1);
      assertThat(redis.command("EXISTS", "user:42:profile")).isEqualTo(1L);
      profiles.updated(42);
      profiles.profile(42);
      assertThat(profiles.loads()).isEqualTo(2);
      HttpResponse<String> anonymous =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1_0/user")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
    }
  }
}
