package io.toutiao.examples.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * A small client of the mini backend's HTTP API on {@link HttpClient}, for the tour and the tests.
 */
public final class HttpApi {

  /**
   * An answer.
   *
   * @param status the HTTP status
   * @param body the JSON body (a missing node when there is none)
   * @param bytes the raw body
   * @param contentType the Content-Type header, or empty
   */
  public record Response(int status, JsonNode body, byte[] bytes, String contentType) {

    /**
     * @return the envelope's {@code data}
     */
    public JsonNode data() {
      return body.path("data");
    }

    /**
     * @return the envelope's {@code message}
     */
    public String message() {
      return body.path("message").asText();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * Creates the client.
   *
   * @param base e.g. {@code http://127.0.0.1:8080}
   */
  public HttpApi(String base) {
    this.base = base;
  }

  /**
   * GET.
   *
   * @param path the path and query (already encoded)
   * @param token a bearer token, or null
   * @return the answer
   */
  public Response get(String path, String token) {
    return send(request(path, token).GET());
  }

  /**
   * POST with a JSON body.
   *
   * @param path the path
   * @param body the body (Jackson-serialisable), or null for none
   * @param token a bearer token, or null
   * @return the answer
   */
  public Response post(String path, Object body, String token) {
    return send(request(path, token).POST(json(body)).header("Content-Type", "application/json"));
  }

  /**
   * POSTs a JSON body with extra headers.
   *
   * @param path e.g. {@code /v1_0/articles}
   * @param body a map or record serialised as JSON
   * @param token the access token, or null
   * @param headers name, value, name, value ...
   * @return the answer
   */
  public Response post(String path, Object body, String token, String... headers) {
    HttpRequest.Builder request =
        request(path, token).POST(json(body)).header("Content-Type", "application/json");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  /**
   * PUT with a JSON body.
   *
   * @param path the path
   * @param body the body, or null
   * @param token a bearer token, or null
   * @return the answer
   */
  public Response put(String path, Object body, String token) {
    return send(request(path, token).PUT(json(body)).header("Content-Type", "application/json"));
  }

  /**
   * DELETE.
   *
   * @param path the path
   * @param token a bearer token, or null
   * @return the answer
   */
  public Response delete(String path, String token) {
    return send(request(path, token).DELETE());
  }

  /**
   * PATCH with a multipart form of files.
   *
   * @param path the path
   * @param files field name to (file name, bytes)
   * @param token a bearer token, or null
   * @return the answer
   */
  public Response patchFiles(
      String path, Map<String, Map.Entry<String, byte[]>> files, String token) {
    String boundary = "----toutiao" + UUID.randomUUID();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    files.forEach(
        (field, file) -> {
          String head =
              "--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\""
                  + field
                  + "\"; filename=\""
                  + file.getKey()
                  + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
          out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
          out.writeBytes(file.getValue());
          out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        });
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return send(
        request(path, token)
            .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary));
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
            .timeout(Duration.ofSeconds(30));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private static HttpRequest.BodyPublisher json(Object body) {
    if (body == null) {
      return HttpRequest.BodyPublishers.noBody();
    }
    try {
      return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      String type = response.headers().firstValue("Content-Type").orElse("");
      JsonNode body = MissingNode.getInstance();
      if (type.startsWith("application/json") && response.body().length > 0) {
        body = JSON.readTree(response.body());
      }
      return new Response(response.statusCode(), body, response.body(), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
