package io.toutiao.spring.boot;

import io.toutiao.cache.CacheConfig;
import io.toutiao.cache.Codecs;
import io.toutiao.cache.TwoLevelCache;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Spring {@link CacheManager} of the caches declared under {@code toutiao.cache.caches}. A name
 * that is not declared has no cache (Spring then reports it), so every cache has a known value
 * type: values are stored in Redis as JSON and read back as that type only, never as a class named
 * in the data.
 */
public final class ToutiaoCacheManager implements CacheManager, DisposableBean {

  private final Map<String, ToutiaoCache> caches;

  /**
   * Creates the caches.
   *
   * @param properties {@code toutiao.cache.*}
   * @param jedis the Redis client
   * @param timer times loads (metrics), or {@link ToutiaoCache.LoadTimer#NONE}
   * @param listener told of breaker and resync events, or null
   * @throws ToutiaoPropertyException when a cache's settings are not usable, naming the property
   */
  public ToutiaoCacheManager(
      CacheProperties properties,
      UnifiedJedis jedis,
      ToutiaoCache.LoadTimer timer,
      io.toutiao.cache.CacheListener listener) {
    Map<String, ToutiaoCache> built = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, CacheProperties.Spec> entry : properties.getCaches().entrySet()) {
        String name = entry.getKey();
        Class<?> type = type(name, entry.getValue());
        built.put(
            name,
            new ToutiaoCache(create(name, type, entry.getValue(), jedis, listener), type, timer));
      }
    } catch (RuntimeException e) {
      built.values().forEach(cache -> cache.getNativeCache().close());
      throw e;
    }
    this.caches = Collections.unmodifiableMap(built);
  }

  private static Class<?> type(String name, CacheProperties.Spec spec) {
    if (spec.getValueType() == null) {
      throw new ToutiaoPropertyException(
          "toutiao.cache.caches." + name + ".value-type",
          "must name the class of the cached values (they are read back from JSON as it)",
          null);
    }
    return spec.getValueType();
  }

  @SuppressWarnings("unchecked")
  private static TwoLevelCache<Object, Object> create(
      String name,
      Class<?> valueType,
      CacheProperties.Spec spec,
      UnifiedJedis jedis,
      io.toutiao.cache.CacheListener listener) {
    String prefix = "toutiao.cache.caches." + name + ".";
    Class<Object> type = (Class<Object>) valueType;
    CacheConfig.Builder<Object, Object> builder =
        CacheConfig.builder(name)
            .codec(Codecs.json(type))
            .loader(
                key -> {
                  throw new IllegalStateException(
                      "cache '" + name + "' loads through Spring's cached method only");
                });
    CacheConfig<Object, Object> defaults = builder.build();
    String property = prefix + "key-pattern";
    try {
      if (spec.getKeyPattern() != null) {
        builder.keyPattern(spec.getKeyPattern());
      }
      // an unset L1 TTL or jitter follows a shorter Redis TTL (at most it, at most a tenth of it)
      java.time.Duration ttl = spec.getTtl() != null ? spec.getTtl() : defaults.ttl();
      property = prefix + "l1-maximum-size";
      builder.l1(
          spec.getL1MaximumSize() != null ? spec.getL1MaximumSize() : defaults.l1MaximumSize(),
          spec.getL1Ttl() != null ? spec.getL1Ttl() : min(defaults.l1Ttl(), ttl));
      property = prefix + "ttl";
      builder.ttl(
          ttl,
          spec.getTtlJitter() != null
              ? spec.getTtlJitter()
              : min(defaults.ttlJitter(), wholeMillis(ttl.dividedBy(10))));
      property = prefix + "null-ttl";
      builder.nullTtl(
          spec.getNullTtl() != null ? spec.getNullTtl() : defaults.nullTtl(),
          defaults.nullTtlJitter());
      property = prefix + "max-staleness";
      if (spec.getMaxStaleness() != null) {
        builder.maxStaleness(spec.getMaxStaleness());
      }
      if (spec.getBloomFilterExpectedKeys() != 0) {
        try {
          builder.bloomFilter(
              io.toutiao.cache.BloomFilter.create(
                  spec.getBloomFilterExpectedKeys(), spec.getBloomFilterFalsePositiveRate()));
        } catch (IllegalArgumentException e) {
          property =
              prefix
                  + (String.valueOf(e.getMessage()).startsWith("falsePositiveRate")
                      ? "bloom-filter-false-positive-rate"
                      : "bloom-filter-expected-keys");
          throw e;
        }
      }
      if (listener != null) {
        builder.listener(listener);
      }
      CacheConfig<Object, Object> config;
      try {
        config = builder.build();
      } catch (IllegalArgumentException e) {
        property = prefix + settingNamed(e.getMessage());
        throw e;
      }
      return new TwoLevelCache<>(config, jedis);
    } catch (IllegalArgumentException e) {
      throw new ToutiaoPropertyException(property, e.getMessage(), e);
    }
  }

  private static java.time.Duration min(java.time.Duration a, java.time.Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static java.time.Duration wholeMillis(java.time.Duration d) {
    return java.time.Duration.ofMillis(d.toMillis());
  }

  /** The setting a validation message of {@link CacheConfig.Builder#build()} is about. */
  private static String settingNamed(String message) {
    String text = String.valueOf(message);
    String[][] settings = {
      {"L1 maximum size", "l1-maximum-size"},
      {"L1 ttl", "l1-ttl"},
      {"null ttl", "null-ttl"},
      {"ttl jitter", "ttl-jitter"},
      {"ttl", "ttl"},
      {"max staleness", "max-staleness"}
    };
    for (String[] setting : settings) {
      if (text.startsWith(setting[0])) {
        return setting[1];
      }
    }
    return "*";
  }

  @Override
  public Cache getCache(String name) {
    return caches.get(name);
  }

  @Override
  public Collection<String> getCacheNames() {
    return caches.keySet();
  }

  /**
   * Returns the caches.
   *
   * @return every cache, in declaration order
   */
  public List<ToutiaoCache> caches() {
    return new ArrayList<>(caches.values());
  }

  /** Closes every cache (its subscriber share and scheduler). */
  @Override
  public void destroy() {
    caches.values().forEach(cache -> cache.getNativeCache().close());
  }
}
