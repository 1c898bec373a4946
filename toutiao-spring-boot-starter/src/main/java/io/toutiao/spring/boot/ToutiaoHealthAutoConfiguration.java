package io.toutiao.spring.boot;

import io.toutiao.core.id.SnowflakeIdGenerator;
import io.toutiao.spring.boot.health.CacheCheck;
import io.toutiao.spring.boot.health.Check;
import io.toutiao.spring.boot.health.RedisCheck;
import io.toutiao.spring.boot.health.SearchCheck;
import io.toutiao.spring.boot.health.WorkerIdCheck;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import redis.clients.jedis.UnifiedJedis;

/**
 * Actuator health of the blocks, on Spring Boot 3 ({@code
 * org.springframework.boot.actuate.health}): {@code toutiaoRedis} (a PING), {@code
 * toutiaoElasticsearch} (the cluster's health: red is DOWN), {@code toutiaoWorkerId} (DOWN when the
 * Redis worker-id lease is lost: ids stop) and {@code toutiaoCaches} (each cache's circuit breaker;
 * an open breaker is reported in the details, the status stays UP because reads go on through the
 * loader). Off with {@code toutiao.health.enabled=false}.
 */
@AutoConfiguration(
    after = {
      ToutiaoRedisAutoConfiguration.class,
      ToutiaoIdAutoConfiguration.class,
      ToutiaoCacheAutoConfiguration.class,
      ToutiaoSearchAutoConfiguration.class
    })
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnProperty(prefix = "toutiao.health", name = "enabled", matchIfMissing = true)
public class ToutiaoHealthAutoConfiguration {

  /** Creates the configuration. */
  public ToutiaoHealthAutoConfiguration() {}

  static HealthIndicator indicator(java.util.function.Supplier<Check> check) {
    return () -> {
      Check result = check.get();
      return (result.up() ? Health.up() : Health.down()).withDetails(result.details()).build();
    };
  }

  /**
   * The worker-id lease.
   *
   * @param generator the generator
   * @return the indicator
   */
  @Bean
  @ConditionalOnBean(SnowflakeIdGenerator.class)
  @ConditionalOnMissingBean(name = "toutiaoWorkerIdHealthIndicator")
  public HealthIndicator toutiaoWorkerIdHealthIndicator(SnowflakeIdGenerator generator) {
    return indicator(() -> WorkerIdCheck.check(generator));
  }

  /** Redis. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(UnifiedJedis.class)
  @ConditionalOnBean(UnifiedJedis.class)
  static class RedisHealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "toutiaoRedisHealthIndicator")
    HealthIndicator toutiaoRedisHealthIndicator(UnifiedJedis jedis) {
      return indicator(() -> RedisCheck.check(jedis));
    }
  }

  /** The caches' breakers. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(io.toutiao.cache.TwoLevelCache.class)
  @ConditionalOnBean(ToutiaoCacheManager.class)
  static class CacheHealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "toutiaoCachesHealthIndicator")
    HealthIndicator toutiaoCachesHealthIndicator(ToutiaoCacheManager manager) {
      return indicator(() -> CacheCheck.check(manager));
    }
  }

  /** Elasticsearch. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(co.elastic.clients.elasticsearch.ElasticsearchClient.class)
  @ConditionalOnBean(co.elastic.clients.elasticsearch.ElasticsearchClient.class)
  @ConditionalOnProperty(prefix = "toutiao.search", name = "enabled", matchIfMissing = true)
  static class SearchHealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "toutiaoElasticsearchHealthIndicator")
    HealthIndicator toutiaoElasticsearchHealthIndicator(
        co.elastic.clients.elasticsearch.ElasticsearchClient client) {
      return indicator(() -> SearchCheck.check(client));
    }
  }
}
