package io.toutiao.spring.boot;

import io.toutiao.cache.TwoLevelCache;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import redis.clients.jedis.UnifiedJedis;

/**
 * A {@link ToutiaoCacheManager} of the caches under {@code toutiao.cache.caches}, so
 * {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict} (with {@code @EnableCaching}) go
 * through the two-level cache. Needs a Redis client; backs off when the application defines its own
 * {@link CacheManager}; off with {@code toutiao.cache.enabled=false}. Runs before Spring Boot's own
 * cache configuration, which then backs off.
 */
@AutoConfiguration(
    after = ToutiaoRedisAutoConfiguration.class,
    beforeName = {
      "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration",
      "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration"
    })
@ConditionalOnClass({TwoLevelCache.class, CacheManager.class, UnifiedJedis.class})
@ConditionalOnBean(UnifiedJedis.class)
@ConditionalOnProperty(prefix = "toutiao.cache", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(CacheProperties.class)
public class ToutiaoCacheAutoConfiguration {

  /** Creates the configuration. */
  public ToutiaoCacheAutoConfiguration() {}

  /**
   * The cache manager.
   *
   * @param properties {@code toutiao.cache.*}
   * @param jedis the Redis client
   * @param timers load timing, when metrics are on
   * @return the manager
   */
  @Bean
  @ConditionalOnMissingBean(CacheManager.class)
  public ToutiaoCacheManager cacheManager(
      CacheProperties properties,
      UnifiedJedis jedis,
      ObjectProvider<ToutiaoCache.LoadTimer> timers) {
    return new ToutiaoCacheManager(
        properties, jedis, timers.getIfAvailable(() -> ToutiaoCache.LoadTimer.NONE), null);
  }
}
