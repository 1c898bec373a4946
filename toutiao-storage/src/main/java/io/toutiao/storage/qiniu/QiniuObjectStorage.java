package io.toutiao.storage.qiniu;

import com.qiniu.cdn.CdnManager;
import com.qiniu.common.QiniuException;
import com.qiniu.http.Response;
import com.qiniu.storage.BucketManager;
import com.qiniu.storage.Configuration;
import com.qiniu.storage.Region;
import com.qiniu.storage.UploadManager;
import com.qiniu.storage.model.FileInfo;
import com.qiniu.util.Auth;
import com.qiniu.util.StringMap;
import io.toutiao.storage.ImageFormat;
import io.toutiao.storage.ObjectStat;
import io.toutiao.storage.ObjectStorage;
import io.toutiao.storage.StorageException;
import io.toutiao.storage.StorageUnavailableException;
import io.toutiao.storage.StoredObject;
import io.toutiao.storage.internal.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link ObjectStorage} on Qiniu Kodo through the official SDK ({@code qiniu-java-sdk} 7.19):
 * form upload for small content, resumable upload (API v2, bounded memory) above the threshold,
 * stat, delete, public, signed and anti-leech URLs.
 *
 * <p>Hosts come from the {@link QiniuConfig}, never from the SDK's automatic region lookup. A
 * response counts as a success only when the SDK says it is OK (it can return a failed response
 * without throwing). Qiniu's refusals become {@link QiniuStorageException} subtypes (401/403, 413,
 * 579, 614, 631); 5xx answers are retried by the SDK ({@code retryMax}) and then, like network
 * failures and timeouts, become {@link StorageUnavailableException}. Thread-safe.
 */
public final class QiniuObjectStorage implements ObjectStorage {

  private final QiniuConfig config;
  private final Auth auth;
  private final UploadManager uploads;
  private final BucketManager buckets;

  /**
   * Creates the store.
   *
   * @param config the configuration
   */
  public QiniuObjectStorage(QiniuConfig config) {
    this.config = Objects.requireNonNull(config, "config must not be null");
    this.auth = Auth.create(config.accessKey(), config.secretKey());
    Configuration sdk = sdkConfiguration(config);
    this.uploads = new UploadManager(sdk);
    this.buckets = new BucketManager(auth, sdk);
  }

  static Configuration sdkConfiguration(QiniuConfig config) {
    String[] up = config.upHosts().toArray(String[]::new);
    Region region =
        new Region.Builder()
            .region("toutiao")
            .srcUpHost(up)
            .accUpHost(up)
            .rsHost(config.rsHost())
            .rsfHost(config.rsHost())
            .apiHost(config.apiHost())
            .iovipHost(config.rsHost())
            .ucHost(config.apiHost())
            .build();
    Configuration sdk = Configuration.create(region);
    sdk.useHttpsDomains = config.https();
    sdk.putThreshold = config.putThreshold();
    sdk.resumableUploadAPIVersion = Configuration.ResumableUploadAPIVersion.V2;
    sdk.connectTimeout = (int) config.connectTimeout().toSeconds();
    sdk.readTimeout = (int) config.readTimeout().toSeconds();
    sdk.writeTimeout = (int) config.writeTimeout().toSeconds();
    sdk.retryMax = config.retryMax();
    return sdk;
  }

  /**
   * Creates an upload token for a key (or for the bucket when {@code key} is null) with the
   * configured put policy: deadline, size limit, MIME limit and insert-only.
   *
   * @param key the key, or null to let the uploader or Qiniu choose
   * @return the token, for clients that upload directly to Qiniu
   */
  public String uploadToken(String key) {
    StringMap policy = new StringMap().put("fsizeLimit", config.maxObjectBytes());
    if (config.mimeLimit() != null) {
      policy.put("mimeLimit", config.mimeLimit());
    }
    if (config.insertOnly()) {
      policy.put("insertOnly", 1);
    }
    return auth.uploadToken(config.bucket(), key, config.tokenTtl().toSeconds(), policy, true);
  }

  @Override
  public StoredObject put(byte[] bytes, String contentType) {
    Objects.requireNonNull(bytes, "bytes must not be null");
    String key =
        config
            .keyStrategy()
            .keyFor(Digests.sha256Hex(bytes, bytes.length), ImageFormat.extensionOf(contentType));
    return putBytes(key == null ? null : ObjectStorage.checkKey(key), bytes, contentType);
  }

  @Override
  public StoredObject put(String key, byte[] bytes, String contentType) {
    return putBytes(ObjectStorage.checkKey(key), bytes, contentType);
  }

  /**
   * Uploads bytes under a checked key, or under the name Qiniu gives them when {@code key} is null.
   */
  private StoredObject putBytes(String key, byte[] bytes, String contentType) {
    return upload(
        key,
        () -> uploads.put(bytes, key, uploadToken(key), null, contentType, false),
        bytes.length);
  }

  @Override
  public StoredObject put(String key, InputStream in, long length, String contentType) {
    ObjectStorage.checkKey(key);
    Objects.requireNonNull(in, "in must not be null");
    return upload(
        key,
        () -> uploads.put(in, length, key, uploadToken(key), null, contentType, false),
        length);
  }

  @Override
  public StoredObject put(String key, Path file, String contentType) {
    ObjectStorage.checkKey(key);
    try {
      long size = Files.size(file);
      return upload(
          key,
          () -> uploads.put(file.toFile(), key, uploadToken(key), null, contentType, false),
          size);
    } catch (IOException e) {
      throw new StorageUnavailableException("cannot read " + file, e);
    }
  }

  private interface Call {
    Response run() throws QiniuException;
  }

  private StoredObject upload(String key, Call call, long size) {
    Response response = execute("upload " + (key == null ? "(server-named object)" : key), call);
    Map<String, Object> body;
    try {
      body = response.jsonToMap().map();
    } catch (QiniuException e) {
      throw new StorageUnavailableException("Qiniu answered the upload with an unreadable body", e);
    }
    String storedKey = String.valueOf(body.get("key"));
    return new StoredObject(
        storedKey, publicUrl(storedKey), size, String.valueOf(body.get("hash")));
  }

  private Response execute(String action, Call call) {
    Response response;
    try {
      response = call.run();
    } catch (QiniuException e) {
      throw translate(action, e.code(), e.response == null ? null : e.response.reqId, e);
    }
    if (response == null || !response.isOK()) {
      int status = response == null ? -1 : response.statusCode;
      String reqId = response == null ? null : response.reqId;
      throw translate(action + " (the SDK reported a failed response)", status, reqId, null);
    }
    return response;
  }

  static StorageException translate(String action, int status, String reqId, Throwable cause) {
    String message = "Qiniu could not " + action;
    return switch (status) {
      case 401, 403 ->
          new QiniuStorageException.AuthFailed(
              status, reqId, message + ": access or upload token refused", cause);
      case 413 ->
          new QiniuStorageException.TooLarge(
              status, reqId, message + ": larger than the put policy allows", cause);
      case 579 ->
          new QiniuStorageException.CallbackFailed(
              status, reqId, message + ": the upload callback failed", cause);
      case 614 ->
          new QiniuStorageException.ObjectExists(
              status, reqId, message + ": the key exists and uploads are insert-only", cause);
      case 631 ->
          new QiniuStorageException.BucketNotFound(
              status, reqId, message + ": no such bucket", cause);
      default -> {
        if (status >= 400 && status < 500 || status == 612) {
          yield new QiniuStorageException(status, reqId, message, cause);
        }
        yield new StorageUnavailableException(
            message
                + ": "
                + (status <= 0 ? "no answer (network failure or timeout)" : "status " + status)
                + (reqId == null ? "" : ", reqid " + reqId),
            cause);
      }
    };
  }

  @Override
  public Optional<ObjectStat> stat(String key) {
    ObjectStorage.checkKey(key);
    try {
      FileInfo info = buckets.stat(config.bucket(), key);
      Instant putTime = Instant.ofEpochSecond(0, info.putTime * 100);
      return Optional.of(new ObjectStat(key, info.fsize, info.hash, info.mimeType, putTime));
    } catch (QiniuException e) {
      if (e.code() == 612) {
        return Optional.empty();
      }
      throw translate("stat " + key, e.code(), e.response == null ? null : e.response.reqId, e);
    }
  }

  @Override
  public boolean delete(String key) {
    ObjectStorage.checkKey(key);
    try {
      Response response = buckets.delete(config.bucket(), key);
      if (!response.isOK()) {
        throw translate("delete " + key, response.statusCode, response.reqId, null);
      }
      return true;
    } catch (QiniuException e) {
      if (e.code() == 612) {
        return false;
      }
      throw translate("delete " + key, e.code(), e.response == null ? null : e.response.reqId, e);
    }
  }

  @Override
  public String publicUrl(String key) {
    return ObjectStorage.joinUrl(config.domain(), ObjectStorage.checkKey(key));
  }

  /**
   * Returns a signed download URL for a private bucket ({@code e=<deadline>&token=...}).
   *
   * @param key the key
   * @param ttl how long the URL works
   * @return the URL
   */
  public String privateUrl(String key, Duration ttl) {
    return auth.privateDownloadUrl(publicUrl(key), ttl.toSeconds());
  }

  /**
   * Returns a CDN timestamp anti-leech URL ({@code sign=...&t=...}) for the configured key.
   *
   * @param key the key
   * @param ttl how long the URL works
   * @return the URL
   * @throws IllegalStateException when no anti-leech key is configured
   */
  public String antiLeechUrl(String key, Duration ttl) {
    if (config.antiLeechKey() == null) {
      throw new IllegalStateException(
          "no anti-leech key is configured; set QiniuConfig.Builder.antiLeechKey");
    }
    URI domain = URI.create(config.domain());
    String host = domain.getScheme() + "://" + domain.getAuthority();
    String path =
        (domain.getPath() == null ? "" : domain.getPath().replaceAll("/$", ""))
            + "/"
            + ObjectStorage.checkKey(key);
    long deadline = Instant.now().plus(ttl).getEpochSecond();
    try {
      return CdnManager.createTimestampAntiLeechUrl(
          host, path.substring(1), null, config.antiLeechKey(), deadline);
    } catch (QiniuException e) {
      throw new StorageUnavailableException("cannot sign an anti-leech URL for " + key, e);
    }
  }

  Auth auth() {
    return auth;
  }

  @Override
  public String toString() {
    return "QiniuObjectStorage[" + config + "]";
  }
}
