package io.toutiao.spring.boot;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * One {@link UnifiedJedis} for every block, from {@code spring.data.redis.*}: a Cluster client when
 * {@code spring.data.redis.cluster.nodes} is set, a Sentinel client when {@code
 * spring.data.redis.sentinel.master} is set, else a pooled standalone client. Backs off when the
 * application defines its own {@code UnifiedJedis}; off with {@code toutiao.redis.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnClass(UnifiedJedis.class)
@ConditionalOnProperty(prefix = "toutiao.redis", name = "enabled", matchIfMissing = true)
public class ToutiaoRedisAutoConfiguration {

  /** Creates the configuration. */
  public ToutiaoRedisAutoConfiguration() {}

  /**
   * The client.
   *
   * @param environment where {@code spring.data.redis.*} is read
   * @return the client, closed with the context
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(UnifiedJedis.class)
  public UnifiedJedis toutiaoJedis(Environment environment) {
    SpringRedisSettings settings =
        Binder.get(environment)
            .bindOrCreate("spring.data.redis", Bindable.of(SpringRedisSettings.class));
    return connect(settings);
  }

  static UnifiedJedis connect(SpringRedisSettings s) {
    DefaultJedisClientConfig.Builder client =
        DefaultJedisClientConfig.builder()
            .socketTimeoutMillis(Math.toIntExact(s.timeout().toMillis()))
            .connectionTimeoutMillis(Math.toIntExact(s.connectTimeout().toMillis()))
            .user(s.username())
            .password(s.password())
            .clientName(s.clientName())
            .ssl(s.ssl().enabled());
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(s.jedis().pool().maxActive());
    pool.setMaxIdle(s.jedis().pool().maxIdle());
    pool.setMinIdle(s.jedis().pool().minIdle());
    pool.setMaxWait(s.jedis().pool().maxWait());
    if (s.cluster().nodes() != null && !s.cluster().nodes().isEmpty()) {
      return RedisClusterClient.builder()
          .nodes(hostsAndPorts("spring.data.redis.cluster.nodes", s.cluster().nodes()))
          .clientConfig(client.build())
          .maxAttempts(s.cluster().maxRedirects())
          .poolConfig(pool)
          .build();
    }
    client.database(s.database());
    if (s.sentinel().master() != null && !s.sentinel().master().isBlank()) {
      if (s.sentinel().nodes() == null || s.sentinel().nodes().isEmpty()) {
        throw new IllegalStateException(
            "spring.data.redis.sentinel.nodes must list the sentinels when"
                + " spring.data.redis.sentinel.master is set");
      }
      return RedisSentinelClient.builder()
          .masterName(s.sentinel().master())
          .sentinels(hostsAndPorts("spring.data.redis.sentinel.nodes", s.sentinel().nodes()))
          .clientConfig(client.build())
          .sentinelClientConfig(
              DefaultJedisClientConfig.builder()
                  .socketTimeoutMillis(Math.toIntExact(s.timeout().toMillis()))
                  .connectionTimeoutMillis(Math.toIntExact(s.connectTimeout().toMillis()))
                  .user(s.sentinel().username())
                  .password(s.sentinel().password())
                  .ssl(s.ssl().enabled())
                  .build())
          .poolConfig(pool)
          .build();
    }
    return RedisClient.builder()
        .hostAndPort(s.host(), s.port())
        .clientConfig(client.build())
        .poolConfig(pool)
        .build();
  }

  private static Set<HostAndPort> hostsAndPorts(String property, List<String> nodes) {
    return nodes.stream()
        .map(
            node -> {
              try {
                return HostAndPort.from(node.strip());
              } catch (RuntimeException e) {
                throw new IllegalStateException(
                    property + " must hold host:port entries, got '" + node + "'", e);
              }
            })
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }
}
