package io.toutiao.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.StringReader;
import java.util.Objects;

/**
 * Versioned indexes behind aliases: readers and writers use the alias ({@code articles}), which
 * points at a versioned index ({@code articles_v1}), so mappings can change without downtime.
 * Thread-safe.
 */
public final class IndexManager {

  private final ElasticsearchClient client;
  private final String chineseAnalyzer;

  /**
   * Creates the manager, detecting the Chinese analyzer once.
   *
   * @param client the client
   */
  public IndexManager(ElasticsearchClient client) {
    this(client, ChineseAnalysis.detect(client));
  }

  /**
   * Creates the manager with a chosen Chinese analyzer (overriding detection).
   *
   * @param client the client
   * @param chineseAnalyzer e.g. {@code ik_max_word}
   */
  public IndexManager(ElasticsearchClient client, String chineseAnalyzer) {
    this.client = Objects.requireNonNull(client, "client must not be null");
    this.chineseAnalyzer =
        Objects.requireNonNull(chineseAnalyzer, "chineseAnalyzer must not be null");
  }

  /**
   * Returns the analyzer used for Chinese text fields.
   *
   * @return the analyzer name
   */
  public String chineseAnalyzer() {
    return chineseAnalyzer;
  }

  /**
   * Makes sure the alias exists, creating {@code <name>_v1} behind it when it does not.
   *
   * @param spec the index spec
   * @return the concrete index the alias points at
   */
  public String ensure(IndexSpec spec) {
    String alias = spec.name();
    try {
      if (client.indices().existsAlias(a -> a.name(alias)).value()) {
        return client.indices().getAlias(a -> a.name(alias)).result().keySet().iterator().next();
      }
      String index = alias + "_v1";
      client
          .indices()
          .create(
              c ->
                  c.index(index)
                      .withJson(new StringReader(spec.toJson(chineseAnalyzer)))
                      .aliases(alias, a -> a));
      return index;
    } catch (Exception e) {
      throw SearchException.translate("create index " + alias, e);
    }
  }

  /**
   * Deletes an alias's index and the alias (for tests and tear-down).
   *
   * @param spec the spec
   */
  public void drop(IndexSpec spec) {
    try {
      if (client.indices().existsAlias(a -> a.name(spec.name())).value()) {
        for (String index : client.indices().getAlias(a -> a.name(spec.name())).result().keySet()) {
          client.indices().delete(d -> d.index(index));
        }
      }
    } catch (Exception e) {
      throw SearchException.translate("drop index " + spec.name(), e);
    }
  }
}
