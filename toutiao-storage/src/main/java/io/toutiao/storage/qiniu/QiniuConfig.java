package io.toutiao.storage.qiniu;

import io.toutiao.storage.KeyStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Immutable Qiniu configuration, validated when built. Hosts are always explicit: the SDK's
 * automatic region lookup (which queries Qiniu's servers first) is never used. Keys never appear in
 * {@link #toString()}.
 *
 * <p>Defaults: upload tokens valid 1800 s (the reference), insert-only, MIME limit {@code image/*},
 * size limit 10 MiB, resumable upload (API v2, 4 MiB parts) above 4 MiB, https, connect 10 s / read
 * 30 s / write 30 s timeouts, 3 retries, server-assigned keys (Qiniu names objects by their content
 * hash, as in the reference).
 */
public final class QiniuConfig {

  private final String accessKey;
  private final String secretKey;
  private final String bucket;
  private final String domain;
  private final List<String> upHosts;
  private final String rsHost;
  private final String apiHost;
  private final String cdnServer;
  private final boolean https;
  private final Duration tokenTtl;
  private final boolean insertOnly;
  private final String mimeLimit;
  private final long maxObjectBytes;
  private final int putThreshold;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration writeTimeout;
  private final int retryMax;
  private final KeyStrategy keyStrategy;
  private final String antiLeechKey;

  private QiniuConfig(Builder b) {
    this.accessKey = b.accessKey;
    this.secretKey = b.secretKey;
    this.bucket = b.bucket;
    this.domain = b.domain;
    this.upHosts = List.copyOf(b.upHosts);
    this.rsHost = b.rsHost;
    this.apiHost = b.apiHost;
    this.cdnServer = b.cdnServer;
    this.https = b.https;
    this.tokenTtl = b.tokenTtl;
    this.insertOnly = b.insertOnly;
    this.mimeLimit = b.mimeLimit;
    this.maxObjectBytes = b.maxObjectBytes;
    this.putThreshold = b.putThreshold;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.writeTimeout = b.writeTimeout;
    this.retryMax = b.retryMax;
    this.keyStrategy = b.keyStrategy;
    this.antiLeechKey = b.antiLeechKey;
  }

  /**
   * Starts a configuration.
   *
   * @param accessKey the access key (AK)
   * @param secretKey the secret key (SK)
   * @param bucket the bucket
   * @param domain the CDN or bucket domain objects are served at, e.g. {@code
   *     https://img.example.com}
   * @return a builder
   */
  public static Builder builder(String accessKey, String secretKey, String bucket, String domain) {
    return new Builder(accessKey, secretKey, bucket, domain);
  }

  String accessKey() {
    return accessKey;
  }

  String secretKey() {
    return secretKey;
  }

  /**
   * @return the bucket
   */
  public String bucket() {
    return bucket;
  }

  /**
   * @return the domain objects are served at
   */
  public String domain() {
    return domain;
  }

  /**
   * @return upload hosts, first preferred
   */
  public List<String> upHosts() {
    return upHosts;
  }

  /**
   * @return the host of stat and delete
   */
  public String rsHost() {
    return rsHost;
  }

  /**
   * @return the API host
   */
  public String apiHost() {
    return apiHost;
  }

  /**
   * @return the CDN API server, e.g. {@code https://fusion.qiniuapi.com}
   */
  public String cdnServer() {
    return cdnServer;
  }

  /**
   * @return whether hosts are spoken to over https
   */
  public boolean https() {
    return https;
  }

  /**
   * @return upload token lifetime
   */
  public Duration tokenTtl() {
    return tokenTtl;
  }

  /**
   * @return whether uploads refuse to overwrite
   */
  public boolean insertOnly() {
    return insertOnly;
  }

  /**
   * @return the MIME limit of the put policy, or null
   */
  public String mimeLimit() {
    return mimeLimit;
  }

  /**
   * @return the size limit of the put policy
   */
  public long maxObjectBytes() {
    return maxObjectBytes;
  }

  /**
   * @return size above which uploads are resumable
   */
  public int putThreshold() {
    return putThreshold;
  }

  /**
   * @return connect timeout
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * @return read timeout
   */
  public Duration readTimeout() {
    return readTimeout;
  }

  /**
   * @return write timeout
   */
  public Duration writeTimeout() {
    return writeTimeout;
  }

  /**
   * @return retries of failed requests
   */
  public int retryMax() {
    return retryMax;
  }

  /**
   * @return how keys are chosen when the caller gives none
   */
  public KeyStrategy keyStrategy() {
    return keyStrategy;
  }

  String antiLeechKey() {
    return antiLeechKey;
  }

  @Override
  public String toString() {
    return "QiniuConfig[bucket="
        + bucket
        + ", domain="
        + domain
        + ", upHosts="
        + upHosts
        + ", rsHost="
        + rsHost
        + ", accessKey="
        + (accessKey.length() > 4 ? accessKey.substring(0, 4) + "..." : "***")
        + ", secretKey=***]";
  }

  /** Builds a {@link QiniuConfig}. Not thread-safe. */
  public static final class Builder {
    private final String accessKey;
    private final String secretKey;
    private final String bucket;
    private final String domain;
    private List<String> upHosts = List.of("up.qiniup.com");
    private String rsHost = "rs.qiniuapi.com";
    private String apiHost = "api.qiniuapi.com";
    private String cdnServer = "https://fusion.qiniuapi.com";
    private boolean https = true;
    private Duration tokenTtl = Duration.ofSeconds(1800);
    private boolean insertOnly = true;
    private String mimeLimit = "image/*";
    private long maxObjectBytes = 10L * 1024 * 1024;
    private int putThreshold = 4 * 1024 * 1024;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(30);
    private Duration writeTimeout = Duration.ofSeconds(30);
    private int retryMax = 3;
    private KeyStrategy keyStrategy = KeyStrategy.SERVER_ASSIGNED;
    private String antiLeechKey;

    private Builder(String accessKey, String secretKey, String bucket, String domain) {
      this.accessKey = requireText(accessKey, "accessKey");
      this.secretKey = requireText(secretKey, "secretKey");
      this.bucket = requireText(bucket, "bucket");
      this.domain = requireText(domain, "domain");
    }

    private static String requireText(String value, String name) {
      Objects.requireNonNull(value, name + " must not be null");
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return value.trim();
    }

    /**
     * Sets the hosts explicitly (the region), e.g. {@code up-z0.qiniup.com}, {@code
     * rs-z0.qiniuapi.com}.
     *
     * @param upHosts upload hosts, first preferred
     * @param rsHost stat/delete host
     * @param apiHost API host
     * @return this builder
     */
    public Builder hosts(List<String> upHosts, String rsHost, String apiHost) {
      if (upHosts.isEmpty()) {
        throw new IllegalArgumentException("at least one upload host is needed");
      }
      this.upHosts = List.copyOf(upHosts);
      this.rsHost = requireText(rsHost, "rsHost");
      this.apiHost = requireText(apiHost, "apiHost");
      return this;
    }

    /**
     * Sets the CDN API server (default {@code https://fusion.qiniuapi.com}).
     *
     * @param server the server URL
     * @return this builder
     */
    public Builder cdnServer(String server) {
      this.cdnServer = requireText(server, "cdnServer");
      return this;
    }

    /**
     * Chooses https (default) or http for the hosts.
     *
     * @param https true for https
     * @return this builder
     */
    public Builder https(boolean https) {
      this.https = https;
      return this;
    }

    /**
     * Sets the put policy.
     *
     * @param tokenTtl upload token lifetime, 1 s to 7 days (default 1800 s)
     * @param insertOnly refuse to overwrite (default true)
     * @param mimeLimit e.g. {@code image/*}, or null for any
     * @param maxObjectBytes at least 1 (default 10 MiB)
     * @return this builder
     */
    public Builder putPolicy(
        Duration tokenTtl, boolean insertOnly, String mimeLimit, long maxObjectBytes) {
      if (tokenTtl.compareTo(Duration.ofSeconds(1)) < 0
          || tokenTtl.compareTo(Duration.ofDays(7)) > 0) {
        throw new IllegalArgumentException(
            "token ttl must be between 1 s and 7 days, got " + tokenTtl);
      }
      if (maxObjectBytes < 1) {
        throw new IllegalArgumentException(
            "maxObjectBytes must be positive, got " + maxObjectBytes);
      }
      this.tokenTtl = tokenTtl;
      this.insertOnly = insertOnly;
      this.mimeLimit = mimeLimit;
      this.maxObjectBytes = maxObjectBytes;
      return this;
    }

    /**
     * Sets the size above which uploads are resumable (default 4 MiB).
     *
     * @param bytes 1 MiB to 1 GiB
     * @return this builder
     */
    public Builder putThreshold(int bytes) {
      if (bytes < 1024 * 1024 || bytes > 1024 * 1024 * 1024) {
        throw new IllegalArgumentException(
            "putThreshold must be between 1 MiB and 1 GiB, got " + bytes);
      }
      this.putThreshold = bytes;
      return this;
    }

    /**
     * Sets timeouts and retries.
     *
     * @param connect connect timeout (whole seconds, at least 1)
     * @param read read timeout
     * @param write write timeout
     * @param retryMax retries of failed requests, 0 to 10
     * @return this builder
     */
    public Builder timeouts(Duration connect, Duration read, Duration write, int retryMax) {
      for (Duration timeout : List.of(connect, read, write)) {
        if (timeout.toSeconds() < 1) {
          throw new IllegalArgumentException("timeouts must be at least 1 s, got " + timeout);
        }
      }
      if (retryMax < 0 || retryMax > 10) {
        throw new IllegalArgumentException("retryMax must be between 0 and 10, got " + retryMax);
      }
      this.connectTimeout = connect;
      this.readTimeout = read;
      this.writeTimeout = write;
      this.retryMax = retryMax;
      return this;
    }

    /**
     * Sets how keys are chosen when the caller gives none (default: Qiniu assigns its content
     * hash).
     *
     * @param strategy the strategy
     * @return this builder
     */
    public Builder keyStrategy(KeyStrategy strategy) {
      this.keyStrategy = Objects.requireNonNull(strategy, "strategy must not be null");
      return this;
    }

    /**
     * Sets the CDN timestamp anti-leech key, for {@link QiniuObjectStorage#antiLeechUrl}.
     *
     * @param key the key configured on the CDN domain
     * @return this builder
     */
    public Builder antiLeechKey(String key) {
      this.antiLeechKey = requireText(key, "antiLeechKey");
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the config
     */
    public QiniuConfig build() {
      return new QiniuConfig(this);
    }
  }
}
