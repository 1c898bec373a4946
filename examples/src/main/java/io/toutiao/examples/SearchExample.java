package io.toutiao.examples;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.toutiao.search.ArticleSearch;
import io.toutiao.search.BulkWriter;
import io.toutiao.search.IndexManager;
import io.toutiao.search.IndexSpec;
import io.toutiao.search.SearchClientFactory;
import io.toutiao.testing.ElasticsearchServer;
import java.io.IOException;
import java.util.List;

/**
 * Chinese article search on an embedded Elasticsearch node: index, bulk, highlights. Runnable from
 * an IDE.
 */
public final class SearchExample {

  private SearchExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   * @throws Exception when a service fails
   */
  public static void main(String[] args) throws Exception {
    try (ElasticsearchServer es = ElasticsearchServer.start()) {
      run(es);
    }
  }

  /** An article as the search index stores it. */
  public record Article(
      long article_id,
      long user_id,
      String title,
      String content,
      int status,
      String create_time) {}

  static void run(ElasticsearchServer es) throws IOException {
    ElasticsearchClient client = SearchClientFactory.create(es.httpUri());
    try {
      IndexManager indexes = new IndexManager(client);
      String index = indexes.ensure(IndexSpec.articles().shards(1).replicas(0).build());
      Console.say(
          "Chinese analyzer detected: "
              + indexes.chineseAnalyzer()
              + "; alias 'articles' -> "
              + index);
      List<Article> articles =
          List.of(
              new Article(1, 1, "人工智能改变新闻推荐", "算法让每个人看到不同的头条", 2, "2026-11-27T08:00:00Z"),
              new Article(2, 1, "今日头条发布新版客户端", "新版支持离线阅读", 2, "2026-11-27T09:00:00Z"),
              new Article(3, 2, "人工智能草稿", "尚未审核", 1, "2026-11-27T10:00:00Z"));
      try (BulkWriter<Article> writer =
          new BulkWriter<>(
              client,
              "articles",
              a -> Long.toString(a.article_id()),
              (id, reason) -> Console.say("failed " + id + ": " + reason))) {
        articles.forEach(writer::index);
      }
      client.indices().refresh(r -> r.index("articles"));
      ArticleSearch.Page page = new ArticleSearch(client, "articles").search("人工智能", 1, 10);
      Console.say(
          "search '人工智能' (approved only): total "
              + page.total()
              + ", ids "
              + page.results().stream().map(ArticleSearch.ArticleHit::articleId).toList());
      Console.say("highlight: " + page.results().get(0).highlights().get("title"));
    } finally {
      client._transport().close();
    }
  }
}
