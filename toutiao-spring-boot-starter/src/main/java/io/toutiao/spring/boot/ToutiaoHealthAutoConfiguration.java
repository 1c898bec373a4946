package io.toutiao.spring.boot;

import io.toutiao.core.id.LeasedWorkerIdAssigner;
import io.toutiao.core.id.SnowflakeIdGenerator;
import io.toutiao.core.id.WorkerIdAssigner;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * Actuator health of the blocks: {@code toutiaoRedis} (a PING), {@code toutiaoElasticsearch} (the
 * cluster's health: red is DOWN), {@code toutiaoWorkerId} (DOWN when the Redis worker-id lease is
 * lost: ids stop) and {@code toutiaoCaches} (each cache's circuit breaker; an open breaker is
 * reported in the details, the status stays UP because reads go on through the loader). Spring Boot
 * 3's Actuator; off with {@code toutiao.health.enabled=false}.
 */
@AutoConfiguration(
    after = {
      ToutiaoRedisAutoConfiguration.class,
      ToutiaoIdAutoConfiguration.class,
      ToutiaoCacheAutoConfiguration.class,
      ToutiaoSearchAutoConfiguration.class
    })
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnProperty(prefix = "toutiao.health", name = "enabled", matchIfMissing = true)
public class ToutiaoHealthAutoConfiguration {

  /** Creates the configuration. */
  public ToutiaoHealthAutoConfiguration() {}

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
    return () -> {
      WorkerIdAssigner assigner = generator.config().workerIdAssigner();
      if (assigner instanceof LeasedWorkerIdAssigner leased && !leased.isHeld()) {
        return Health.down()
            .withDetail("lease", "lost: no ids are issued until it is back")
            .build();
      }
      return Health.up().withDetail("workerId", generator.currentWorkerId()).build();
    };
  }

  /** Redis. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(UnifiedJedis.class)
  @ConditionalOnBean(UnifiedJedis.class)
  static class RedisHealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "toutiaoRedisHealthIndicator")
    HealthIndicator toutiaoRedisHealthIndicator(UnifiedJedis jedis) {
      return () -> {
        long started = System.nanoTime();
        try {
          String reply = jedis.ping();
          return Health.up()
              .withDetail("ping", reply)
              .withDetail("millis", (System.nanoTime() - started) / 1_000_000)
              .build();
        } catch (RuntimeException e) {
          return Health.down()
              .withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage())
              .build();
        }
      };
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
      return () -> {
        Map<String, Object> breakers = new LinkedHashMap<>();
        for (ToutiaoCache cache : manager.caches()) {
          breakers.put(
              cache.getName(),
              cache.getNativeCache().stats().circuitOpen()
                  ? "open: Redis bypassed, reads go to the loader"
                  : "closed");
        }
        return Health.up().withDetails(breakers).build();
      };
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
      return () -> {
        try {
          var health = client.cluster().health();
          String status = health.status().jsonValue();
          Health.Builder builder = "red".equals(status) ? Health.down() : Health.up();
          return builder
              .withDetail("cluster", health.clusterName())
              .withDetail("status", status)
              .withDetail("nodes", health.numberOfNodes())
              .build();
        } catch (Exception e) {
          return Health.down()
              .withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage())
              .build();
        }
      };
    }
  }
}
