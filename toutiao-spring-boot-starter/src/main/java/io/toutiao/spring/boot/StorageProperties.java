package io.toutiao.spring.boot;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code toutiao.storage.*}: where uploaded images go, and how they are checked. */
@ConfigurationProperties(prefix = "toutiao.storage")
public class StorageProperties {

  /** Where objects are stored. */
  public enum Type {
    /** A folder on this machine, served under {@code local.base-url}. */
    LOCAL,
    /** A Qiniu Kodo bucket behind its CDN domain. */
    QINIU
  }

  /** Whether to configure storage. */
  private boolean enabled = true;

  /** Where objects are stored. */
  private Type type = Type.LOCAL;

  /** Whether the content check decodes the whole image (dimensions and structure) too. */
  private boolean deepCheck = true;

  /** Largest accepted image, in bytes (default: the library's). */
  private Integer maxBytes;

  /** The local store. */
  private final Local local = new Local();

  /** The Qiniu store. */
  private final Qiniu qiniu = new Qiniu();

  /** Creates the defaults. */
  public StorageProperties() {}

  /**
   * @return whether storage is configured
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * @param enabled whether to configure storage
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * @return the type
   */
  public Type getType() {
    return type;
  }

  /**
   * @param type the type
   */
  public void setType(Type type) {
    this.type = type;
  }

  /**
   * @return whether the deep check is on
   */
  public boolean isDeepCheck() {
    return deepCheck;
  }

  /**
   * @param deepCheck whether the deep check is on
   */
  public void setDeepCheck(boolean deepCheck) {
    this.deepCheck = deepCheck;
  }

  /**
   * @return the size limit, or null for the library's
   */
  public Integer getMaxBytes() {
    return maxBytes;
  }

  /**
   * @param maxBytes the size limit
   */
  public void setMaxBytes(Integer maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * @return the local store settings
   */
  public Local getLocal() {
    return local;
  }

  /**
   * @return the Qiniu settings
   */
  public Qiniu getQiniu() {
    return qiniu;
  }

  /** The local store. */
  public static class Local {
    /** The folder (required for LOCAL). */
    private Path root;

    /** The URL prefix objects are served under, e.g. {@code https://static.example.com/files}. */
    private String baseUrl = "/files";

    /** Creates the defaults. */
    public Local() {}

    /**
     * @return the folder
     */
    public Path getRoot() {
      return root;
    }

    /**
     * @param root the folder
     */
    public void setRoot(Path root) {
      this.root = root;
    }

    /**
     * @return the URL prefix
     */
    public String getBaseUrl() {
      return baseUrl;
    }

    /**
     * @param baseUrl the URL prefix
     */
    public void setBaseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
    }
  }

  /** The Qiniu store. Keys are never logged. */
  public static class Qiniu {
    /** The access key. */
    private String accessKey;

    /** The secret key. */
    private String secretKey;

    /** The bucket. */
    private String bucket;

    /** The CDN domain objects are served from. */
    private String domain;

    /**
     * Whether the upload, stat and API hosts are spoken to over https (the domain has its own
     * scheme).
     */
    private boolean https = true;

    /** Upload hosts, first preferred (default: the SDK's for the bucket's region). */
    private java.util.List<String> upHosts = new java.util.ArrayList<>();

    /** The stat/delete host (with {@code up-hosts}). */
    private String rsHost;

    /** The API host (with {@code up-hosts}). */
    private String apiHost;

    /** Creates the defaults. */
    public Qiniu() {}

    /**
     * @return the access key
     */
    public String getAccessKey() {
      return accessKey;
    }

    /**
     * @param accessKey the access key
     */
    public void setAccessKey(String accessKey) {
      this.accessKey = accessKey;
    }

    /**
     * @return the secret key
     */
    public String getSecretKey() {
      return secretKey;
    }

    /**
     * @param secretKey the secret key
     */
    public void setSecretKey(String secretKey) {
      this.secretKey = secretKey;
    }

    /**
     * @return the bucket
     */
    public String getBucket() {
      return bucket;
    }

    /**
     * @param bucket the bucket
     */
    public void setBucket(String bucket) {
      this.bucket = bucket;
    }

    /**
     * @return the domain
     */
    public String getDomain() {
      return domain;
    }

    /**
     * @param domain the domain
     */
    public void setDomain(String domain) {
      this.domain = domain;
    }

    /**
     * @return whether URLs use https
     */
    public boolean isHttps() {
      return https;
    }

    /**
     * @param https whether URLs use https
     */
    public void setHttps(boolean https) {
      this.https = https;
    }

    /**
     * @return the upload hosts
     */
    public java.util.List<String> getUpHosts() {
      return upHosts;
    }

    /**
     * @param upHosts the upload hosts
     */
    public void setUpHosts(java.util.List<String> upHosts) {
      this.upHosts = upHosts;
    }

    /**
     * @return the stat/delete host, or null
     */
    public String getRsHost() {
      return rsHost;
    }

    /**
     * @param rsHost the stat/delete host
     */
    public void setRsHost(String rsHost) {
      this.rsHost = rsHost;
    }

    /**
     * @return the API host, or null
     */
    public String getApiHost() {
      return apiHost;
    }

    /**
     * @param apiHost the API host
     */
    public void setApiHost(String apiHost) {
      this.apiHost = apiHost;
    }

    @Override
    public String toString() {
      return "Qiniu[bucket=" + bucket + ", domain=" + domain + "]";
    }
  }
}
