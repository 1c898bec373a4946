package io.toutiao.spring.boot.health;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.util.Map;

/** Elasticsearch: the cluster's health; red or no answer is down. */
public final class SearchCheck {

  private SearchCheck() {}

  /**
   * Asks the cluster.
   *
   * @param client the client
   * @return the result
   */
  public static Check check(ElasticsearchClient client) {
    try {
      var health = client.cluster().health();
      String status = health.status().jsonValue();
      return new Check(
          !"red".equals(status),
          Map.of(
              "cluster", health.clusterName(), "status", status, "nodes", health.numberOfNodes()));
    } catch (Exception e) {
      return new Check(false, Map.of("error", Check.error(e)));
    }
  }
}
