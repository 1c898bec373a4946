package io.toutiao.spring.boot;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code toutiao.cache.*}: the two-level caches behind Spring's {@code @Cacheable} (each declared
 * under {@code toutiao.cache.caches.<name>}; an unset setting takes the library's default), and the
 * Redis building blocks: counters, recent lists and the job scheduler (one bean per entry, named by
 * its key in the map).
 */
@ConfigurationProperties(prefix = "toutiao.cache")
public class CacheProperties {

  /** Whether to create the cache manager. */
  private boolean enabled = true;

  /** The caches, by name (the name {@code @Cacheable} uses). */
  private Map<String, Spec> caches = new LinkedHashMap<>();

  /** Counters (one sorted set each), by bean name. */
  private Map<String, Counter> counters = new LinkedHashMap<>();

  /** Bounded per-user lists, by bean name. */
  private Map<String, RecentListSpec> recentLists = new LinkedHashMap<>();

  /** The job scheduler. */
  private Jobs jobs = new Jobs();

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

  /**
   * @return the counters
   */
  public Map<String, Counter> getCounters() {
    return counters;
  }

  /**
   * @param counters the counters
   */
  public void setCounters(Map<String, Counter> counters) {
    this.counters = counters;
  }

  /**
   * @return the recent lists
   */
  public Map<String, RecentListSpec> getRecentLists() {
    return recentLists;
  }

  /**
   * @param recentLists the recent lists
   */
  public void setRecentLists(Map<String, RecentListSpec> recentLists) {
    this.recentLists = recentLists;
  }

  /**
   * @return the job settings
   */
  public Jobs getJobs() {
    return jobs;
  }

  /**
   * @param jobs the job settings
   */
  public void setJobs(Jobs jobs) {
    this.jobs = jobs;
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

    /**
     * Keys expected in the Bloom filter against penetration (0: no filter). The application fills
     * it with every existing Redis key ({@code getNativeCache().config().bloomFilter().put(..)}); a
     * key the filter rules out is answered "absent" without Redis or the method.
     */
    private long bloomFilterExpectedKeys;

    /** The Bloom filter's false-positive rate. */
    private double bloomFilterFalsePositiveRate = 0.01;

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

    /**
     * @return the expected keys, 0 for no filter
     */
    public long getBloomFilterExpectedKeys() {
      return bloomFilterExpectedKeys;
    }

    /**
     * @param bloomFilterExpectedKeys the expected keys, 0 for no filter
     */
    public void setBloomFilterExpectedKeys(long bloomFilterExpectedKeys) {
      this.bloomFilterExpectedKeys = bloomFilterExpectedKeys;
    }

    /**
     * @return the false-positive rate
     */
    public double getBloomFilterFalsePositiveRate() {
      return bloomFilterFalsePositiveRate;
    }

    /**
     * @param bloomFilterFalsePositiveRate the false-positive rate
     */
    public void setBloomFilterFalsePositiveRate(double bloomFilterFalsePositiveRate) {
      this.bloomFilterFalsePositiveRate = bloomFilterFalsePositiveRate;
    }
  }

  /** One counter. */
  public static class Counter {
    /** The sorted-set key, e.g. {@code count:art:liking}. */
    private String key;

    /** The daily correction (rebuild from the application's {@code CounterSource}). */
    private Correction correction = new Correction();

    /** Creates the defaults. */
    public Counter() {}

    /**
     * @return the key
     */
    public String getKey() {
      return key;
    }

    /**
     * @param key the key
     */
    public void setKey(String key) {
      this.key = key;
    }

    /**
     * @return the correction
     */
    public Correction getCorrection() {
      return correction;
    }

    /**
     * @param correction the correction
     */
    public void setCorrection(Correction correction) {
      this.correction = correction;
    }
  }

  /** A daily correction, on one instance of the fleet. */
  public static class Correction {
    /** The local time it runs at; none: no correction. */
    private LocalTime at;

    /** The zone of {@code at}. */
    private ZoneId zone = ZoneId.systemDefault();

    /** Creates the defaults. */
    public Correction() {}

    /**
     * @return the time, or null
     */
    public LocalTime getAt() {
      return at;
    }

    /**
     * @param at the time
     */
    public void setAt(LocalTime at) {
      this.at = at;
    }

    /**
     * @return the zone
     */
    public ZoneId getZone() {
      return zone;
    }

    /**
     * @param zone the zone
     */
    public void setZone(ZoneId zone) {
      this.zone = zone;
    }
  }

  /** One family of bounded lists. */
  public static class RecentListSpec {
    /** The key, {@code {}} standing for the user id. */
    private String keyPattern;

    /** Items kept per user (1 to 10,000). */
    private int capacity = 100;

    /** Creates the defaults. */
    public RecentListSpec() {}

    /**
     * @return the key pattern
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
     * @return the capacity
     */
    public int getCapacity() {
      return capacity;
    }

    /**
     * @param capacity the capacity
     */
    public void setCapacity(int capacity) {
      this.capacity = capacity;
    }
  }

  /** The job scheduler. */
  public static class Jobs {
    /** This instance's name in the run history (default: the host name). */
    private String node;

    /** Creates the defaults. */
    public Jobs() {}

    /**
     * @return the node name, or null
     */
    public String getNode() {
      return node;
    }

    /**
     * @param node the node name
     */
    public void setNode(String node) {
      this.node = node;
    }
  }
}
