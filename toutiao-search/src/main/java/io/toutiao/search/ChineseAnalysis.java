package io.toutiao.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the best Chinese analyzer the cluster has: {@code ik_max_word} (IK plugin), else {@code
 * smartcn}, else {@code cjk} (bigrams), else {@code standard} (single characters), by asking the
 * cluster to analyze a sample.
 */
public final class ChineseAnalysis {

  /** The analyzers tried, best first. */
  public static final List<String> CANDIDATES =
      List.of("ik_max_word", "smartcn", "cjk", "standard");

  private static final Logger LOG = LoggerFactory.getLogger(ChineseAnalysis.class);

  private ChineseAnalysis() {}

  /**
   * Detects the analyzer.
   *
   * @param client the client
   * @return the first candidate the cluster knows
   */
  public static String detect(ElasticsearchClient client) {
    for (String analyzer : CANDIDATES) {
      try {
        client.indices().analyze(a -> a.analyzer(analyzer).text("中华人民共和国"));
        LOG.info("Chinese text will be analysed with '{}'", analyzer);
        return analyzer;
      } catch (Exception e) {
        if (SearchException.translate("analyze", e)
            instanceof SearchException.Unavailable unavailable) {
          throw unavailable;
        }
      }
    }
    return "standard";
  }
}
