package io.toutiao.search;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.toutiao.testing.ElasticsearchServer;
import io.toutiao.testing.ElasticsearchTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The code shown in toutiao-search/README.md, kept here so it compiles and runs. */
@ElasticsearchTest(deleteIndices = true)
class ReadmeSnippetsIT {

  private static final Logger log = LoggerFactory.getLogger(ReadmeSnippetsIT.class);

  /** An article. */
  public record Article(long articleId, String title, String content, int status) {}

  @Test
  void quickStart(ElasticsearchServer server) throws Exception {
    List<Article> articles =
        List.of(new Article(1, "人工智能改变新闻推荐", "算法", 2), new Article(2, "体育新闻", "足球", 2));

    ElasticsearchClient es =
        SearchClientFactory.create(server.httpUri()); // 2 s connect, 10 s socket
    IndexManager indexes = new IndexManager(es); // detects the Chinese analyzer once
    indexes.ensure(IndexSpec.articles().replicas(0).build()); // alias "articles" -> "articles_v1"

    try (BulkWriter<Article> writer =
        new BulkWriter<>(
            es,
            "articles",
            a -> Long.toString(a.articleId()),
            (id, reason) -> log.warn("article {} not indexed: {}", id, reason))) {
      articles.forEach(writer::index);
    }
    es.indices().refresh(r -> r.index("articles"));
    ArticleSearch.Page page =
        new ArticleSearch(es, "articles").search("人工智能", 1, 10); // ids + highlights

    assertThat(page.results()).extracting(ArticleSearch.ArticleHit::articleId).containsExactly("1");

    IndexSpec v2 = IndexSpec.articles().field("tag", IndexSpec.FieldType.KEYWORD).build();
    IndexMigration.Result r =
        IndexMigration.of(es, v2).run(); // articles_v1 -> articles_v2, alias swapped
    assertThat(r.to()).isEqualTo("articles_v2");
    assertThat(es.count(c -> c.index("articles")).count()).isEqualTo(2);
    es._transport().close();
  }
}
