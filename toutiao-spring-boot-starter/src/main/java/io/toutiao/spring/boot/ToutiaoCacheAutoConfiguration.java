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
   * The counters and recent lists under {@code toutiao.cache.counters} and {@code
   * toutiao.cache.recent-lists}, one bean each, named as their entry.
   *
   * @param environment where they are read
   * @return the registrar
   */
  @Bean
  public static org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor
      toutiaoRedisBlocks(org.springframework.core.env.Environment environment) {
    return new RedisBlocksRegistrar(environment);
  }

  /**
   * Jobs that run on one instance of the fleet at a time (the counters' daily correction).
   *
   * @param jedis the client
   * @param properties {@code toutiao.cache.*}
   * @return the scheduler, closed with the context
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public io.toutiao.cache.redis.JobScheduler toutiaoJobScheduler(
      UnifiedJedis jedis, CacheProperties properties) {
    String node = properties.getJobs().getNode();
    if (node == null || node.isBlank()) {
      try {
        node = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        node = "node-" + ProcessHandle.current().pid();
      }
    }
    return new io.toutiao.cache.redis.JobScheduler(jedis, node);
  }

  /**
   * Schedules the daily correction of every counter with {@code correction.at}, from the
   * application's {@link CounterSource} of that counter, as the job {@code <name>-correction}.
   *
   * @param jobs the scheduler
   * @param sources the application's sources
   * @param properties {@code toutiao.cache.*}
   * @param beans where the counters are found
   * @return the scheduling step, run once every bean exists
   */
  @Bean
  public org.springframework.beans.factory.SmartInitializingSingleton toutiaoCounterCorrections(
      io.toutiao.cache.redis.JobScheduler jobs,
      ObjectProvider<CounterSource> sources,
      CacheProperties properties,
      org.springframework.beans.factory.BeanFactory beans) {
    return () -> {
      for (var entry : properties.getCounters().entrySet()) {
        String name = entry.getKey();
        CacheProperties.Correction correction = entry.getValue().getCorrection();
        if (correction.getAt() == null) {
          continue;
        }
        CounterSource source =
            sources
                .orderedStream()
                .filter(s -> name.equals(s.counter()))
                .findFirst()
                .orElseThrow(
                    () ->
                        new ToutiaoPropertyException(
                            "toutiao.cache.counters." + name + ".correction.at",
                            "no CounterSource bean answers counter() = \"" + name + "\"",
                            null));
        io.toutiao.cache.redis.CounterStore store =
            beans.getBean(name, io.toutiao.cache.redis.CounterStore.class);
        jobs.scheduleDaily(
            name + "-correction",
            correction.getAt(),
            correction.getZone(),
            () -> {
              try (java.util.stream.Stream<io.toutiao.cache.redis.CounterStore.Counter> counts =
                  source.counts()) {
                store.rebuild(counts);
              }
            });
      }
    };
  }

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
