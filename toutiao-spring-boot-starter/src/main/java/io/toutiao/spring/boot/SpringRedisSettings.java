package io.toutiao.spring.boot;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The part of Spring Boot's {@code spring.data.redis.*} properties the Redis client is built from,
 * read from the environment directly so the same properties work on Spring Boot 3 and 4 (whose
 * property classes live in different places) and without Spring Data Redis.
 *
 * @param host standalone host
 * @param port standalone port
 * @param database database index (standalone and Sentinel)
 * @param username ACL user name, or null
 * @param password password, or null
 * @param timeout read timeout
 * @param connectTimeout connect timeout
 * @param clientName {@code CLIENT SETNAME}, or null
 * @param ssl TLS settings
 * @param sentinel Sentinel settings (used when {@code master} is set)
 * @param cluster Cluster settings (used when {@code nodes} is not empty)
 * @param jedis pool settings
 */
record SpringRedisSettings(
    @DefaultValue("localhost") String host,
    @DefaultValue("6379") int port,
    @DefaultValue("0") int database,
    String username,
    String password,
    @DefaultValue("2s") Duration timeout,
    @DefaultValue("2s") Duration connectTimeout,
    String clientName,
    @DefaultValue Ssl ssl,
    @DefaultValue Sentinel sentinel,
    @DefaultValue Cluster cluster,
    @DefaultValue Jedis jedis) {

  /**
   * @param enabled whether to speak TLS
   */
  record Ssl(@DefaultValue("false") boolean enabled) {}

  /**
   * @param master the master's name
   * @param nodes {@code host:port} of the sentinels
   * @param username ACL user of the sentinels
   * @param password password of the sentinels
   */
  record Sentinel(String master, List<String> nodes, String username, String password) {}

  /**
   * @param nodes {@code host:port} seeds
   * @param maxRedirects redirections to follow
   */
  record Cluster(List<String> nodes, @DefaultValue("5") int maxRedirects) {}

  /**
   * @param pool connection pool
   */
  record Jedis(@DefaultValue Pool pool) {}

  /**
   * @param maxActive connections at most
   * @param maxIdle idle connections kept
   * @param minIdle idle connections kept at least
   * @param maxWait how long a caller waits for a connection (negative: for ever)
   */
  record Pool(
      @DefaultValue("8") int maxActive,
      @DefaultValue("8") int maxIdle,
      @DefaultValue("0") int minIdle,
      @DefaultValue("-1ms") Duration maxWait) {}
}
