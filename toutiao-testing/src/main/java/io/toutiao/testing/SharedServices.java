package io.toutiao.testing;

import java.net.URI;
import java.util.Arrays;

/** The per-JVM instances behind the extensions, created on first use. */
final class SharedServices {

  static final String REDIS_URL = "TOUTIAO_REDIS_URL";
  static final String REDIS_CLUSTER_NODES = "TOUTIAO_REDIS_CLUSTER_NODES";
  static final String ES_URL = "TOUTIAO_ES_URL";

  private static RedisServer redis;
  private static RedisCluster cluster;
  private static ElasticsearchServer elasticsearch;
  private static RedisSentinel sentinel;
  private static ElasticsearchCluster elasticsearchCluster;

  private SharedServices() {}

  static synchronized RedisServer redis() {
    if (redis == null) {
      String url = setting(REDIS_URL);
      redis = url != null ? RedisServer.external(URI.create(url)) : RedisServer.start();
    }
    return redis;
  }

  static synchronized RedisCluster cluster() {
    if (cluster == null) {
      String nodes = setting(REDIS_CLUSTER_NODES);
      cluster =
          nodes != null
              ? RedisCluster.external(
                  Arrays.stream(nodes.split(","))
                      .map(String::trim)
                      .map(
                          node ->
                              URI.create(node.startsWith("redis://") ? node : "redis://" + node))
                      .toList())
              : RedisCluster.start();
    }
    return cluster;
  }

  static synchronized ElasticsearchServer elasticsearch() {
    if (elasticsearch == null) {
      String url = setting(ES_URL);
      elasticsearch =
          url != null ? ElasticsearchServer.external(URI.create(url)) : ElasticsearchServer.start();
    }
    return elasticsearch;
  }

  /** Always started here: fault tests need to kill and pause its processes. */
  static synchronized RedisSentinel sentinel() {
    if (sentinel == null) {
      sentinel = RedisSentinel.start();
    }
    return sentinel;
  }

  /** Always started here: fault tests need to kill and pause its nodes. */
  static synchronized ElasticsearchCluster elasticsearchCluster() {
    if (elasticsearchCluster == null) {
      elasticsearchCluster = ElasticsearchCluster.start();
    }
    return elasticsearchCluster;
  }

  /** A system property (lower-case, dots) wins over the environment variable of the same name. */
  private static String setting(String variable) {
    String property =
        System.getProperty(variable.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
    String value = property != null ? property : System.getenv(variable);
    return value == null || value.isBlank() ? null : value.trim();
  }
}
