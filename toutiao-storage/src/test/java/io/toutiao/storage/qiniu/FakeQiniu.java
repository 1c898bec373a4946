package io.toutiao.storage.qiniu;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local HTTP server speaking the part of Qiniu's protocol that we use, well enough for the real
 * SDK: form upload, resumable upload v2, stat, delete and CDN refresh/prefetch. It verifies upload
 * tokens (HMAC-SHA1 with the test secret) and their put policy (scope, deadline, size limit, MIME
 * limit, insert-only), and answers with {@code X-Reqid}. Faults can be switched on. Published in
 * the test jar so that applications' tests (the examples') can use it too.
 */
public final class FakeQiniu implements AutoCloseable {

  /** The access key the server accepts. */
  public static final String ACCESS_KEY = "test-access-key";

  /** The secret key it verifies upload tokens with. */
  public static final String SECRET_KEY = "test-secret-key-0123456789";

  static final int KEEP_BYTES_UP_TO = 16 * 1024 * 1024;

  /**
   * A stored object.
   *
   * @param bytes its content (up to 16 MiB kept)
   * @param size its size
   * @param hash its Qiniu etag
   * @param mimeType its MIME type
   * @param putTime when it was stored
   */
  public record Stored(byte[] bytes, long size, String hash, String mimeType, long putTime) {}

  private final HttpServer server;
  private final Gson gson = new Gson();

  /** Key to stored object. */
  public final Map<String, Stored> objects = new ConcurrentHashMap<>();

  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<List<String>> cdnBatches = new CopyOnWriteArrayList<>();
  private final Map<String, Map<Integer, byte[]>> parts = new ConcurrentHashMap<>();
  private final Map<String, Map<Integer, Long>> partSizes = new ConcurrentHashMap<>();

  /** How many of the next requests fail with {@link #failStatus}. */
  public final AtomicInteger failNext = new AtomicInteger();

  /** The status of injected failures. */
  public volatile int failStatus = 503;

  final AtomicInteger omitReqIdNext = new AtomicInteger();
  final AtomicInteger delayRequests = new AtomicInteger();
  volatile long delayMillis;

  /**
   * Starts the server on a free loopback port.
   *
   * @throws IOException when it cannot listen
   */
  public FakeQiniu() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
  }

  /**
   * @return {@code 127.0.0.1:<port>}, for every Qiniu host setting (with https off)
   */
  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  QiniuConfig.Builder config(String bucket) {
    return QiniuConfig.builder(ACCESS_KEY, SECRET_KEY, bucket, "https://img.example.com")
        .hosts(List.of(host()), host(), host())
        .cdnServer("http://" + host())
        .https(false);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      requests.add(exchange.getRequestMethod() + " " + path);
      if (delayRequests.get() > 0 && delayRequests.getAndDecrement() > 0) {
        Thread.sleep(delayMillis);
      }
      if (failNext.get() > 0 && failNext.getAndDecrement() > 0) {
        drain(exchange.getRequestBody());
        reply(exchange, failStatus, "{\"error\":\"injected fault\"}");
        return;
      }
      if (path.equals("/") && exchange.getRequestMethod().equals("POST")) {
        formUpload(exchange);
      } else if (path.startsWith("/buckets/")) {
        resumable(exchange, path);
      } else if (path.startsWith("/stat/")) {
        stat(exchange, path.substring(6));
      } else if (path.startsWith("/delete/")) {
        delete(exchange, path.substring(8));
      } else if (path.startsWith("/v2/tune/")) {
        cdn(exchange);
      } else {
        reply(exchange, 404, "{\"error\":\"no such endpoint " + path + "\"}");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | IOException e) {
      e.printStackTrace();
      throw e;
    }
  }

  // --- upload tokens ---

  private record Policy(
      String bucket,
      String key,
      long deadline,
      boolean insertOnly,
      long sizeLimit,
      String mimeLimit) {}

  private Policy verifyToken(String token) {
    String[] parts = token == null ? new String[0] : token.split(":");
    if (parts.length != 3 || !parts[0].equals(ACCESS_KEY)) {
      return null;
    }
    if (!parts[1].equals(hmacSha1(parts[2]))) {
      return null;
    }
    JsonObject policy =
        gson.fromJson(
            new String(Base64.getUrlDecoder().decode(parts[2]), StandardCharsets.UTF_8),
            JsonObject.class);
    String scope = policy.get("scope").getAsString();
    int colon = scope.indexOf(':');
    return new Policy(
        colon < 0 ? scope : scope.substring(0, colon),
        colon < 0 ? null : scope.substring(colon + 1),
        policy.get("deadline").getAsLong(),
        policy.has("insertOnly") && policy.get("insertOnly").getAsInt() == 1,
        policy.has("fsizeLimit") ? policy.get("fsizeLimit").getAsLong() : Long.MAX_VALUE,
        policy.has("mimeLimit") ? policy.get("mimeLimit").getAsString() : null);
  }

  static String hmacSha1(String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(SECRET_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getUrlEncoder()
          .encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Checks the policy for a finished object; returns an error reply or null. */
  private String[] refuse(Policy policy, String key, long size, String mime) {
    if (policy == null) {
      return new String[] {"401", "{\"error\":\"bad token\"}"};
    }
    if (policy.deadline() < System.currentTimeMillis() / 1000) {
      return new String[] {"401", "{\"error\":\"token out of date\"}"};
    }
    if (policy.key() != null && !policy.key().equals(key)) {
      return new String[] {"403", "{\"error\":\"key doesn't match with scope\"}"};
    }
    if (size > policy.sizeLimit()) {
      return new String[] {"413", "{\"error\":\"exceeds fsizeLimit\"}"};
    }
    if (policy.mimeLimit() != null
        && policy.mimeLimit().endsWith("/*")
        && (mime == null
            || !mime.startsWith(
                policy.mimeLimit().substring(0, policy.mimeLimit().length() - 1)))) {
      return new String[] {"403", "{\"error\":\"limited mimeType\"}"};
    }
    if (policy.insertOnly() && objects.containsKey(policy.bucket() + ":" + key)) {
      return new String[] {"614", "{\"error\":\"file exists\"}"};
    }
    return null;
  }

  // --- form upload ---

  private void formUpload(HttpExchange exchange) throws IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    byte[] body = exchange.getRequestBody().readAllBytes();
    Map<String, byte[]> fields = new HashMap<>();
    Map<String, String> types = new HashMap<>();
    parseMultipart(
        body, type.substring(type.indexOf("boundary=") + 9).replace("\"", ""), fields, types);
    Policy policy = verifyToken(text(fields.get("token")));
    byte[] file = fields.get("file");
    String hash = etag(file);
    String key = fields.containsKey("key") ? text(fields.get("key")) : hash;
    String[] refused = refuse(policy, key, file.length, types.get("file"));
    if (refused != null) {
      reply(exchange, Integer.parseInt(refused[0]), refused[1]);
      return;
    }
    store(policy.bucket(), key, file, file.length, hash, types.get("file"));
    reply(exchange, 200, "{\"hash\":\"" + hash + "\",\"key\":\"" + key + "\"}");
  }

  private static void parseMultipart(
      byte[] body, String boundary, Map<String, byte[]> fields, Map<String, String> types) {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    int at = indexOf(body, delimiter, 0);
    while (at >= 0) {
      int start = at + delimiter.length;
      if (start + 2 <= body.length && body[start] == '-' && body[start + 1] == '-') {
        return;
      }
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
      int next = indexOf(body, delimiter, headersEnd);
      String headers = new String(body, start, headersEnd - start, StandardCharsets.UTF_8);
      java.util.regex.Matcher nameMatch =
          java.util.regex.Pattern.compile("[; ]name=\"([^\"]*)\"").matcher(headers);
      String name = nameMatch.find() ? nameMatch.group(1) : "";
      byte[] value = java.util.Arrays.copyOfRange(body, headersEnd + 4, next - 2);
      fields.put(name, value);
      for (String line : headers.split("\r\n")) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:")) {
          types.put(name, line.substring(13).trim());
        }
      }
      at = next;
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  // --- resumable upload v2 ---

  private void resumable(HttpExchange exchange, String path) throws IOException {
    String[] segments = path.split("/");
    // /buckets/{bucket}/objects/{encodedKey}/uploads[/{uploadId}[/{partNumber}]]
    String bucket = segments[2];
    String encodedKey = segments[4];
    String key =
        encodedKey.equals("~")
            ? null
            : new String(Base64.getUrlDecoder().decode(encodedKey), StandardCharsets.UTF_8);
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    Policy policy =
        authorization != null && authorization.startsWith("UpToken ")
            ? verifyToken(authorization.substring(8))
            : null;
    if (policy == null || !policy.bucket().equals(bucket)) {
      drain(exchange.getRequestBody());
      reply(exchange, 401, "{\"error\":\"bad token\"}");
      return;
    }
    if (segments.length == 6) {
      String uploadId = java.util.UUID.randomUUID().toString();
      parts.put(uploadId, new ConcurrentHashMap<>());
      partSizes.put(uploadId, new ConcurrentHashMap<>());
      reply(
          exchange,
          200,
          "{\"uploadId\":\""
              + uploadId
              + "\",\"expireAt\":"
              + (System.currentTimeMillis() / 1000 + 604800)
              + "}");
      return;
    }
    String uploadId = segments[6];
    if (segments.length == 8) {
      int partNumber = Integer.parseInt(segments[7]);
      MessageDigest md5 = digest("MD5");
      long size = 0;
      ByteArrayOutputStream kept = new ByteArrayOutputStream();
      try (InputStream in = exchange.getRequestBody()) {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
          md5.update(buffer, 0, n);
          size += n;
          if (size <= KEEP_BYTES_UP_TO) {
            kept.write(buffer, 0, n);
          }
        }
      }
      partSizes.get(uploadId).put(partNumber, size);
      if (size <= KEEP_BYTES_UP_TO) {
        parts.get(uploadId).put(partNumber, kept.toByteArray());
      }
      String hex = java.util.HexFormat.of().formatHex(md5.digest());
      reply(exchange, 200, "{\"etag\":\"" + hex + "\",\"md5\":\"" + hex + "\"}");
      return;
    }
    JsonObject complete =
        gson.fromJson(
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
            JsonObject.class);
    String mime =
        complete.has("mimeType") && !complete.get("mimeType").isJsonNull()
            ? complete.get("mimeType").getAsString()
            : null;
    long total = partSizes.get(uploadId).values().stream().mapToLong(Long::longValue).sum();
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    boolean keep = total <= KEEP_BYTES_UP_TO;
    List<Integer> numbers = new ArrayList<>(partSizes.get(uploadId).keySet());
    java.util.Collections.sort(numbers);
    for (int number : numbers) {
      if (keep) {
        content.writeBytes(parts.get(uploadId).get(number));
      }
    }
    String hash = keep ? etag(content.toByteArray()) : "large-" + total;
    String finalKey = key == null ? hash : key;
    String[] refused = refuse(policy, finalKey, total, mime);
    if (refused != null) {
      reply(exchange, Integer.parseInt(refused[0]), refused[1]);
      return;
    }
    store(bucket, finalKey, keep ? content.toByteArray() : null, total, hash, mime);
    parts.remove(uploadId);
    reply(exchange, 200, "{\"hash\":\"" + hash + "\",\"key\":\"" + finalKey + "\"}");
  }

  // --- management ---

  private boolean managementAuthorized(HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    return authorization != null && authorization.startsWith("Qiniu " + ACCESS_KEY + ":");
  }

  private void stat(HttpExchange exchange, String entry) throws IOException {
    drain(exchange.getRequestBody());
    if (!managementAuthorized(exchange)) {
      reply(exchange, 401, "{\"error\":\"bad token\"}");
      return;
    }
    Stored stored =
        objects.get(new String(Base64.getUrlDecoder().decode(entry), StandardCharsets.UTF_8));
    if (stored == null) {
      reply(exchange, 612, "{\"error\":\"no such file or directory\"}");
      return;
    }
    reply(
        exchange,
        200,
        "{\"fsize\":"
            + stored.size()
            + ",\"hash\":\""
            + stored.hash()
            + "\",\"mimeType\":\""
            + stored.mimeType()
            + "\",\"putTime\":"
            + stored.putTime()
            + ",\"type\":0}");
  }

  private void delete(HttpExchange exchange, String entry) throws IOException {
    drain(exchange.getRequestBody());
    if (!managementAuthorized(exchange)) {
      reply(exchange, 401, "{\"error\":\"bad token\"}");
      return;
    }
    Stored removed =
        objects.remove(new String(Base64.getUrlDecoder().decode(entry), StandardCharsets.UTF_8));
    reply(
        exchange,
        removed == null ? 612 : 200,
        removed == null ? "{\"error\":\"no such file or directory\"}" : "{}");
  }

  private void cdn(HttpExchange exchange) throws IOException {
    JsonObject request =
        gson.fromJson(
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
            JsonObject.class);
    List<String> batch = new ArrayList<>();
    for (String field : new String[] {"urls", "dirs"}) {
      if (request.has(field) && request.get(field).isJsonArray()) {
        request.get(field).getAsJsonArray().forEach(e -> batch.add(e.getAsString()));
      }
    }
    cdnBatches.add(batch);
    reply(
        exchange,
        200,
        "{\"code\":200,\"error\":\"success\",\"requestId\":\"r1\",\"invalidUrls\":null,\"invalidDirs\":null,\"urlQuotaDay\":500,\"urlSurplusDay\":400,\"dirQuotaDay\":10,\"dirSurplusDay\":9}");
  }

  // --- helpers ---

  private void store(String bucket, String key, byte[] bytes, long size, String hash, String mime) {
    objects.put(
        bucket + ":" + key,
        new Stored(bytes, size, hash, mime, System.currentTimeMillis() * 10_000));
  }

  private void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (omitReqIdNext.get() > 0 && omitReqIdNext.getAndDecrement() > 0) {
      // no X-Reqid: the SDK must not treat this as a success
    } else {
      exchange.getResponseHeaders().set("X-Reqid", "fake-" + System.nanoTime());
    }
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static void drain(InputStream in) throws IOException {
    in.transferTo(java.io.OutputStream.nullOutputStream());
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  static String etag(byte[] bytes) {
    return "Fk"
        + java.util.HexFormat.of().formatHex(digest("SHA-1").digest(bytes)).substring(0, 26);
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
