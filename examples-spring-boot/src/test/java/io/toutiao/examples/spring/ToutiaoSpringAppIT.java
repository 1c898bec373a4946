package io.toutiao.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The example application's tour over HTTP, with the Redis it starts itself. */
class ToutiaoSpringAppIT {

  static ConfigurableApplicationContext app;
  static String base;
  static Path uploads;
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    uploads = Files.createTempDirectory("toutiao-spring-example");
    app = ToutiaoSpringApp.start("--server.port=0", "--toutiao.storage.local.root=" + uploads);
    base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest.Builder to(String path) {
    return HttpRequest.newBuilder(URI.create(base + path));
  }

  static String login() throws Exception {
    HttpResponse<String> login =
        send(
            to("/v1_0/authorizations")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"mobile\":\"13911111111\",\"code\":\"" + Api.DEMO_CODE + "\"}")));
    assertThat(login.statusCode()).isEqualTo(201);
    return json.readTree(login.body()).path("data").path("token").asText();
  }

  static HttpRequest.BodyPublisher multipart(String boundary, String name, byte[] file) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\""
                + name
                + "\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(file);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return HttpRequest.BodyPublishers.ofByteArray(body.toByteArray());
  }

  static HttpResponse<String> upload(String token, byte[] file) throws Exception {
    String boundary = "toutiao-boundary";
    return send(
        to("/v1_0/user/photo")
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .method("PATCH", multipart(boundary, "photo", file)));
  }

  @Test
  void theTour() throws Exception {
    String token = login();

    HttpResponse<String> me = send(to("/v1_0/user").header("Authorization", "Bearer " + token));
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(json.readTree(me.body()).path("data").path("name").asText()).isEqualTo("用户1111");
    assertThat(send(to("/v1_0/user")).statusCode()).isEqualTo(401);

    Users users = app.getBean(Users.class);
    int reads = users.reads();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> editor = send(to("/v1_0/users/1"));
      assertThat(editor.statusCode()).isEqualTo(200);
      assertThat(json.readTree(editor.body()).path("data").path("name").asText()).isEqualTo("头条小编");
    }
    assertThat(send(to("/v1_0/users/999")).statusCode()).isEqualTo(404);
    assertThat(send(to("/v1_0/users/999")).statusCode()).isEqualTo(404);
    assertThat(users.reads()).as("one read per user, the rest from the cache").isEqualTo(reads + 2);

    BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    HttpResponse<String> photo = upload(token, png.toByteArray());
    assertThat(photo.statusCode()).as(photo.body()).isEqualTo(201);
    String url = json.readTree(photo.body()).path("data").path("photo").asText();
    assertThat(url).contains("/files/");
    JsonNode updated =
        json.readTree(send(to("/v1_0/user").header("Authorization", "Bearer " + token)).body());
    assertThat(updated.path("data").path("photo").asText())
        .as("evicted, then read again")
        .isEqualTo(url);

    HttpResponse<String> svg =
        upload(
            token, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8));
    assertThat(svg.statusCode()).isEqualTo(400);
    assertThat(json.readTree(svg.body()).path("message").asText()).isEqualTo("Invalid image.");

    assertThat(send(to("/v1_0/search?q=" + "头条".replace("头条", "%E5%A4%B4%E6%9D%A1"))).statusCode())
        .as("search is off by default")
        .isEqualTo(503);
    JsonNode health = json.readTree(send(to("/actuator/health")).body());
    assertThat(health.path("status").asText()).isEqualTo("UP");
    assertThat(health.path("components").path("toutiaoWorkerId").path("status").asText())
        .isEqualTo("UP");
  }
}
