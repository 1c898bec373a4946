package io.toutiao.examples.backend;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the mini backend finds its services. Every setting is optional: without a Redis URL it
 * starts an embedded Redis, without an Elasticsearch URL an embedded node, without Qiniu keys it
 * stores files in a local folder and serves them itself.
 *
 * <p>From the environment ({@link #fromEnvironment()}):
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>variable</th><th>default</th></tr>
 *   <tr><td>{@code TOUTIAO_HTTP_PORT}</td><td>8080 (0 picks a free port)</td></tr>
 *   <tr><td>{@code TOUTIAO_REDIS_URL}</td><td>embedded redis-server</td></tr>
 *   <tr><td>{@code TOUTIAO_ES_URL}</td><td>embedded Elasticsearch node</td></tr>
 *   <tr><td>{@code TOUTIAO_JWT_SECRET}</td><td>a random key per start (tokens die with the process)</td></tr>
 *   <tr><td>{@code QINIU_ACCESS_KEY}, {@code QINIU_SECRET_KEY}, {@code QINIU_BUCKET},
 *       {@code QINIU_DOMAIN}</td><td>local folder {@code TOUTIAO_FILES_DIR} (a temporary folder)</td></tr>
 *   <tr><td>{@code QINIU_UP_HOST}, {@code QINIU_RS_HOST}, {@code QINIU_API_HOST}</td>
 *       <td>Qiniu's hosts for the zone, required with the keys</td></tr>
 *   <tr><td>{@code QINIU_HTTPS}</td><td>true</td></tr>
 *   <tr><td>{@code TOUTIAO_FEED_ADDRESS}</td><td>an embedded recommendation server (gRPC) on a free
 *       port; {@code host:port} to call a separate one ({@link RecommendationServiceMain})</td></tr>
 *   <tr><td>{@code TOUTIAO_TRACK_SECRET}</td><td>base64 HMAC key of the behaviour tracks (at least
 *       32 bytes); a random one with the embedded server, required with {@code TOUTIAO_FEED_ADDRESS}</td></tr>
 *   <tr><td>{@code TOUTIAO_PUSH_PORT}</td><td>9092: the Socket.IO push node (0 picks a free
 *       port)</td></tr>
 * </table>
 *
 * @param port HTTP port, 0 for any free port
 * @param redisUrl Redis to use, or null for an embedded one
 * @param elasticsearchUrl Elasticsearch to use, or null for an embedded node
 * @param jwtSecret base64 HMAC secret (at least 32 bytes), or null for a random one
 * @param qiniu Qiniu settings, or null for local files
 * @param filesDir where local files go, or null for a temporary folder
 * @param feedAddress {@code host:port} of a separate recommendation service, or null to embed one
 * @param trackSecret base64 track key shared with the recommendation service, or null for random
 * @param pushPort port of the embedded Socket.IO push node, 0 for any free port
 */
public record BackendConfig(
    int port,
    URI redisUrl,
    URI elasticsearchUrl,
    String jwtSecret,
    Qiniu qiniu,
    Path filesDir,
    String feedAddress,
    String trackSecret,
    int pushPort) {

  /**
   * Qiniu settings.
   *
   * @param accessKey access key
   * @param secretKey secret key (never printed)
   * @param bucket bucket
   * @param domain CDN domain of the bucket
   * @param upHost upload host
   * @param rsHost resource-management host
   * @param apiHost API host (CDN refresh)
   * @param https whether the hosts speak https (default true; {@code QINIU_HTTPS=false} for a local
   *     test server)
   */
  public record Qiniu(
      String accessKey,
      String secretKey,
      String bucket,
      String domain,
      String upHost,
      String rsHost,
      String apiHost,
      boolean https) {

    @Override
    public String toString() {
      return "Qiniu[bucket=" + bucket + ", domain=" + domain + ", upHost=" + upHost + "]";
    }
  }

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming a bad setting
   */
  public BackendConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (pushPort < 0 || pushPort > 65535) {
      throw new IllegalArgumentException("TOUTIAO_PUSH_PORT must be 0..65535, got " + pushPort);
    }
    if (feedAddress != null && !feedAddress.matches("[A-Za-z0-9.-]+:[0-9]{1,5}")) {
      throw new IllegalArgumentException(
          "TOUTIAO_FEED_ADDRESS must be host:port, got '" + feedAddress + "'");
    }
    if (feedAddress != null && trackSecret == null) {
      throw new IllegalArgumentException(
          "TOUTIAO_TRACK_SECRET is required with TOUTIAO_FEED_ADDRESS: the app verifies the tracks"
              + " the recommendation service signs");
    }
  }

  /**
   * A configuration with the embedded recommendation server and a random track key (tests and the
   * demo).
   *
   * @param port the HTTP port
   * @param redisUrl Redis, or null for embedded
   * @param elasticsearchUrl Elasticsearch, or null for embedded
   * @param jwtSecret the JWT secret, or null for a random one
   * @param qiniu Qiniu, or null for local files
   * @param filesDir the local files folder, or null for a temporary one
   */
  public BackendConfig(
      int port, URI redisUrl, URI elasticsearchUrl, String jwtSecret, Qiniu qiniu, Path filesDir) {
    this(port, redisUrl, elasticsearchUrl, jwtSecret, qiniu, filesDir, null, null, 0);
  }

  /**
   * A configuration with the push node on a free port.
   *
   * @param port the HTTP port
   * @param redisUrl Redis, or null for embedded
   * @param elasticsearchUrl Elasticsearch, or null for embedded
   * @param jwtSecret the JWT secret, or null for a random one
   * @param qiniu Qiniu, or null for local files
   * @param filesDir the local files folder, or null for a temporary one
   * @param feedAddress a separate recommendation service, or null to embed one
   * @param trackSecret the track key, or null for a random one
   */
  public BackendConfig(
      int port,
      URI redisUrl,
      URI elasticsearchUrl,
      String jwtSecret,
      Qiniu qiniu,
      Path filesDir,
      String feedAddress,
      String trackSecret) {
    this(port, redisUrl, elasticsearchUrl, jwtSecret, qiniu, filesDir, feedAddress, trackSecret, 0);
  }

  /**
   * The same settings on other ports.
   *
   * @param httpPort the HTTP port, 0 for a free one
   * @param socketPort the push node's port, 0 for a free one
   * @return the config
   */
  public BackendConfig withPorts(int httpPort, int socketPort) {
    return new BackendConfig(
        httpPort,
        redisUrl,
        elasticsearchUrl,
        jwtSecret,
        qiniu,
        filesDir,
        feedAddress,
        trackSecret,
        socketPort);
  }

  @Override
  public String toString() {
    return "BackendConfig[port="
        + port
        + ", redis="
        + (redisUrl == null ? "embedded" : redisUrl.getHost() + ":" + redisUrl.getPort())
        + ", elasticsearch="
        + (elasticsearchUrl == null ? "embedded" : elasticsearchUrl)
        + ", jwtSecret="
        + (jwtSecret == null ? "random" : "(set)")
        + ", storage="
        + (qiniu == null ? "local" : qiniu)
        + ", feed="
        + (feedAddress == null ? "embedded" : feedAddress)
        + ", trackSecret="
        + (trackSecret == null ? "random" : "(set)")
        + ", pushPort="
        + pushPort
        + "]";
  }

  /**
   * Embedded everything, on the given port.
   *
   * @param port the HTTP port, 0 for any free port
   * @return the config
   */
  public static BackendConfig embedded(int port) {
    return new BackendConfig(port, null, null, null, null, null);
  }

  /**
   * Reads the settings from the environment.
   *
   * @return the config
   */
  public static BackendConfig fromEnvironment() {
    return from(System.getenv());
  }

  /**
   * Reads the settings from a map shaped like the environment.
   *
   * @param env variable to value
   * @return the config
   * @throws IllegalArgumentException naming a bad or incomplete setting
   */
  public static BackendConfig from(Map<String, String> env) {
    Objects.requireNonNull(env, "env must not be null");
    int port;
    try {
      port = Integer.parseInt(env.getOrDefault("TOUTIAO_HTTP_PORT", "8080").strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "TOUTIAO_HTTP_PORT must be a number, got '" + env.get("TOUTIAO_HTTP_PORT") + "'", e);
    }
    int pushPort;
    try {
      pushPort = Integer.parseInt(env.getOrDefault("TOUTIAO_PUSH_PORT", "9092").strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "TOUTIAO_PUSH_PORT must be a number, got '" + env.get("TOUTIAO_PUSH_PORT") + "'", e);
    }
    Qiniu qiniu = null;
    if (present(env, "QINIU_ACCESS_KEY")) {
      qiniu =
          new Qiniu(
              required(env, "QINIU_ACCESS_KEY"),
              required(env, "QINIU_SECRET_KEY"),
              required(env, "QINIU_BUCKET"),
              required(env, "QINIU_DOMAIN"),
              required(env, "QINIU_UP_HOST"),
              required(env, "QINIU_RS_HOST"),
              required(env, "QINIU_API_HOST"),
              !"false".equalsIgnoreCase(env.getOrDefault("QINIU_HTTPS", "true").strip()));
    }
    return new BackendConfig(
        port,
        uri(env, "TOUTIAO_REDIS_URL").orElse(null),
        uri(env, "TOUTIAO_ES_URL").orElse(null),
        present(env, "TOUTIAO_JWT_SECRET") ? env.get("TOUTIAO_JWT_SECRET").strip() : null,
        qiniu,
        present(env, "TOUTIAO_FILES_DIR") ? Path.of(env.get("TOUTIAO_FILES_DIR").strip()) : null,
        present(env, "TOUTIAO_FEED_ADDRESS") ? env.get("TOUTIAO_FEED_ADDRESS").strip() : null,
        present(env, "TOUTIAO_TRACK_SECRET") ? env.get("TOUTIAO_TRACK_SECRET").strip() : null,
        pushPort);
  }

  private static boolean present(Map<String, String> env, String name) {
    return env.get(name) != null && !env.get(name).isBlank();
  }

  private static String required(Map<String, String> env, String name) {
    if (!present(env, name)) {
      throw new IllegalArgumentException(
          name + " is required when QINIU_ACCESS_KEY is set (Qiniu needs keys, bucket and hosts)");
    }
    return env.get(name).strip();
  }

  private static Optional<URI> uri(Map<String, String> env, String name) {
    if (!present(env, name)) {
      return Optional.empty();
    }
    try {
      URI uri = URI.create(env.get(name).strip());
      if (uri.getHost() == null) {
        throw new IllegalArgumentException(name + " has no host: " + redact(uri));
      }
      return Optional.of(uri);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " is not a URL: " + e.getMessage(), e);
    }
  }

  private static String redact(URI uri) {
    return uri.getUserInfo() == null
        ? uri.toString()
        : uri.toString().replace(uri.getUserInfo(), "***");
  }
}
