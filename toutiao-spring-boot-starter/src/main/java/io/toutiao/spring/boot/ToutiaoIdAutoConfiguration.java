package io.toutiao.spring.boot;

import io.toutiao.cache.redis.RedisWorkerIdAssigner;
import io.toutiao.core.id.SnowflakeConfig;
import io.toutiao.core.id.SnowflakeIdGenerator;
import io.toutiao.core.id.SnowflakeListener;
import io.toutiao.core.id.WorkerIdAssigner;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import redis.clients.jedis.UnifiedJedis;

/**
 * A {@link SnowflakeIdGenerator} from {@code toutiao.ids.*}, its worker id from a property, a
 * variable, the StatefulSet ordinal or a Redis lease. Backs off when the application defines its
 * own generator; off with {@code toutiao.ids.enabled=false}.
 */
@AutoConfiguration(after = ToutiaoRedisAutoConfiguration.class)
@ConditionalOnClass(SnowflakeIdGenerator.class)
@ConditionalOnProperty(prefix = "toutiao.ids", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(IdProperties.class)
public class ToutiaoIdAutoConfiguration {

  /** Creates the configuration. */
  public ToutiaoIdAutoConfiguration() {}

  /**
   * The worker id of this process, when the application did not define how to get one.
   *
   * @param properties {@code toutiao.ids.*}
   * @param redisLeases the Redis lease, when Redis and toutiao-cache are there
   * @return the assigner
   */
  @Bean
  @ConditionalOnMissingBean(WorkerIdAssigner.class)
  public WorkerIdAssigner toutiaoWorkerIdAssigner(
      IdProperties properties, ObjectProvider<RedisLeaseFactory> redisLeases) {
    IdProperties.Source source = properties.getWorkerIdSource();
    if (source == IdProperties.Source.AUTO) {
      source =
          properties.getWorkerId() != null
              ? IdProperties.Source.FIXED
              : redisLeases.getIfAvailable() != null ? IdProperties.Source.REDIS : null;
      if (source == null) {
        throw new ToutiaoPropertyException(
            "toutiao.ids.worker-id",
            "no worker id: set it, or set toutiao.ids.worker-id-source to ENVIRONMENT or"
                + " STATEFULSET, or add toutiao-cache and Redis for a leased worker id",
            null);
      }
    }
    switch (source) {
      case FIXED -> {
        if (properties.getWorkerId() == null) {
          throw new ToutiaoPropertyException(
              "toutiao.ids.worker-id", "must be set when the worker-id source is FIXED", null);
        }
        long id = properties.getWorkerId();
        if (id < 0 || id > 31) {
          throw new ToutiaoPropertyException(
              "toutiao.ids.worker-id", "must be 0 to 31 (5 bits), got " + id, null);
        }
        return WorkerIdAssigner.fixed(id);
      }
      case ENVIRONMENT -> {
        return WorkerIdAssigner.fromEnvironment(properties.getEnvironmentVariable());
      }
      case STATEFULSET -> {
        return WorkerIdAssigner.fromStatefulSetOrdinal();
      }
      default -> {
        RedisLeaseFactory leases = redisLeases.getIfAvailable();
        if (leases == null) {
          throw new ToutiaoPropertyException(
              "toutiao.ids.worker-id-source",
              "REDIS needs toutiao-cache on the class path and a Redis client",
              null);
        }
        return leases.create(properties);
      }
    }
  }

  /**
   * The generator.
   *
   * @param properties {@code toutiao.ids.*}
   * @param assigner the worker id
   * @param listeners metrics, when Micrometer is there
   * @return the generator
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(SnowflakeIdGenerator.class)
  public SnowflakeIdGenerator toutiaoIdGenerator(
      IdProperties properties,
      WorkerIdAssigner assigner,
      ObjectProvider<SnowflakeListener> listeners) {
    long datacenter = properties.getDatacenterId();
    if (datacenter < 0 || datacenter > 31) {
      throw new ToutiaoPropertyException(
          "toutiao.ids.datacenter-id", "must be 0 to 31 (5 bits), got " + datacenter, null);
    }
    SnowflakeConfig.Builder config =
        SnowflakeConfig.custom().datacenterId(datacenter).workerIdAssigner(assigner);
    SnowflakeListener listener = listeners.getIfUnique();
    if (listener != null) {
      config.listener(listener);
    }
    try {
      return new SnowflakeIdGenerator(config.build());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ToutiaoPropertyException(
          "toutiao.ids.worker-id-source",
          "could not obtain a worker id (" + e.getMessage() + ")",
          e);
    }
  }

  /** Makes Redis worker-id leases, when toutiao-cache and a Redis client are there. */
  @FunctionalInterface
  public interface RedisLeaseFactory {
    /**
     * Creates the lease holder.
     *
     * @param properties {@code toutiao.ids.*}
     * @return the assigner
     */
    WorkerIdAssigner create(IdProperties properties);
  }

  /** The Redis lease, kept apart so the class loads without toutiao-cache. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({RedisWorkerIdAssigner.class, UnifiedJedis.class})
  @ConditionalOnBean(UnifiedJedis.class)
  static class RedisLeaseConfiguration {

    @Bean
    RedisLeaseFactory toutiaoRedisLeaseFactory(UnifiedJedis jedis) {
      return properties -> {
        Duration ttl = properties.getLeaseTtl();
        try {
          return RedisWorkerIdAssigner.builder(jedis)
              .datacenterId(properties.getDatacenterId())
              .ttl(ttl)
              .build();
        } catch (IllegalArgumentException e) {
          throw new ToutiaoPropertyException("toutiao.ids.lease-ttl", e.getMessage(), e);
        }
      };
    }
  }
}
