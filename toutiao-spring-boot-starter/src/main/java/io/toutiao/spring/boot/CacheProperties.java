package io.toutiao.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code toutiao.cache.*}: the two-level caches behind Spring's {@code @Cacheable}. Every cache is
 * declared under {@code toutiao.cache.caches.<name>}; an unset setting takes the library's default.
 */
@ConfigurationProperties(prefix = "toutiao.cache")
public class CacheProperties {

  /** Whether to create the cache manager. */
  private boolean enabled = true;

  /** The caches, by name (the name {@code @Cacheable} uses). */
  private Map<String, Spec> caches = new LinkedHashMap<>();

  /** Creates the defaults. */
  public CacheProperties() {}

  /**
   * @return whether to create the cache manager
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * @param enabled whether to create the cache manager
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * @return the caches by name
   */
  public Map<String, Spec> getCaches() {
    return caches;
  }

  /**
   * @param caches the caches by name
   */
  public void setCaches(Map<String, Spec> caches) {
    this.caches = caches;
  }

  /** One cache. */
  public static class Spec {

    /** The class values are read back as, from JSON in Redis (required). */
    private Class<?> valueType;

    /** The Redis key pattern; {@code {}} stands for the key (default {@code <name>:{}}). */
    private String keyPattern;

    /** Entries kept in the process (Caffeine). */
    private Long l1MaximumSize;

    /** How long an entry stays in the process. */
    private Duration l1Ttl;

    /** How long a value stays in Redis. */
    private Duration ttl;

    /** Random extra Redis lifetime, up to this, so entries do not expire together. */
    private Duration ttlJitter;

    /** How long "no such record" (a null result) is remembered. */
    private Duration nullTtl;

    /** The longest time a value invalidated on another node may still be served here. */
    private Duration maxStaleness;

    /** Creates the defaults. */
    public Spec() {}

    /**
     * @return the value class
     */
    public Class<?> getValueType() {
      return valueType;
    }

    /**
     * @param valueType the value class
     */
    public void setValueType(Class<?> valueType) {
      this.valueType = valueType;
    }

    /**
     * @return the key pattern, or null
     */
    public String getKeyPattern() {
      return keyPattern;
    }

    /**
     * @param keyPattern the key pattern
     */
    public void setKeyPattern(String keyPattern) {
      this.keyPattern = keyPattern;
    }

    /**
     * @return the L1 size, or null
     */
    public Long getL1MaximumSize() {
      return l1MaximumSize;
    }

    /**
     * @param l1MaximumSize the L1 size
     */
    public void setL1MaximumSize(Long l1MaximumSize) {
      this.l1MaximumSize = l1MaximumSize;
    }

    /**
     * @return the L1 TTL, or null
     */
    public Duration getL1Ttl() {
      return l1Ttl;
    }

    /**
     * @param l1Ttl the L1 TTL
     */
    public void setL1Ttl(Duration l1Ttl) {
      this.l1Ttl = l1Ttl;
    }

    /**
     * @return the Redis TTL, or null
     */
    public Duration getTtl() {
      return ttl;
    }

    /**
     * @param ttl the Redis TTL
     */
    public void setTtl(Duration ttl) {
      this.ttl = ttl;
    }

    /**
     * @return the TTL jitter, or null
     */
    public Duration getTtlJitter() {
      return ttlJitter;
    }

    /**
     * @param ttlJitter the TTL jitter
     */
    public void setTtlJitter(Duration ttlJitter) {
      this.ttlJitter = ttlJitter;
    }

    /**
     * @return the null TTL, or null
     */
    public Duration getNullTtl() {
      return nullTtl;
    }

    /**
     * @param nullTtl the null TTL
     */
    public void setNullTtl(Duration nullTtl) {
      this.nullTtl = nullTtl;
    }

    /**
     * @return the staleness bound, or null
     */
    public Duration getMaxStaleness() {
      return maxStaleness;
    }

    /**
     * @param maxStaleness the staleness bound
     */
    public void setMaxStaleness(Duration maxStaleness) {
      this.maxStaleness = maxStaleness;
    }
  }
}
