package io.toutiao.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.toutiao.testing.ElasticsearchServer;
import io.toutiao.testing.ElasticsearchTest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@ElasticsearchTest(deleteIndices = true)
class SearchIT {

  /** An article as the search index stores it (the reference's fields). */
  public record Article(
      long article_id,
      long user_id,
      String title,
      String content,
      int status,
      String create_time) {}

  static ElasticsearchClient client;
  static IndexManager indexes;
  static final IndexSpec ARTICLES = IndexSpec.articles().shards(1).replicas(0).build();

  @BeforeAll
  static void connect(ElasticsearchServer es) {
    client = SearchClientFactory.create(es.httpUri());
    indexes = new IndexManager(client);
  }

  @AfterAll
  static void close() throws IOException {
    client._transport().close();
  }

  @BeforeEach
  void freshIndex() {
    indexes.drop(ARTICLES);
  }

  static Article article(long id, String title, String content, int status) {
    return new Article(id, 7, title, content, status, "2026-11-27T10:00:00Z");
  }

  void refresh() throws IOException {
    client.indices().refresh(r -> r.index("articles"));
  }

  @Test
  void detectsTheBestChineseAnalyzerAndCreatesAVersionedIndexBehindTheAlias() {
    assertThat(indexes.chineseAnalyzer()).as("the test node has smartcn").isEqualTo("smartcn");
    assertThat(indexes.ensure(ARTICLES)).isEqualTo("articles_v1");
    assertThat(indexes.ensure(ARTICLES)).as("idempotent").isEqualTo("articles_v1");
  }

  @Test
  void bulkReportsEachFailedDocumentAndIndexesTheRest() throws IOException {
    indexes.ensure(ARTICLES);
    Map<String, String> failures = new ConcurrentHashMap<>();
    BulkWriter<Object> writer =
        new BulkWriter<>(
            client,
            "articles",
            doc ->
                doc instanceof Article a ? Long.toString(a.article_id()) : "bad-" + doc.hashCode(),
            failures::put,
            100,
            1 << 20,
            1);
    for (int i = 0; i < 250; i++) {
      writer.index(article(i, "标题" + i, "内容" + i, 2));
    }
    writer.index(Map.of("article_id", "not-a-number", "title", "坏文档"));
    writer.index(Map.of("status", "二", "title", "另一个坏文档"));
    writer.close();

    assertThat(writer.submitted()).isEqualTo(252);
    assertThat(writer.indexed()).isEqualTo(250);
    assertThat(writer.failed()).isEqualTo(2);
    assertThat(failures).hasSize(2);
    assertThat(failures.values())
        .allMatch(
            reason ->
                reason.contains("document_parsing_exception")
                    || reason.contains("mapper_parsing_exception"));
    refresh();
    assertThat(client.count(c -> c.index("articles")).count()).isEqualTo(250);
  }

  @Test
  void searchesChineseTextWithHighlightsOnlyApprovedArticles() throws IOException {
    indexes.ensure(ARTICLES);
    try (BulkWriter<Article> writer =
        new BulkWriter<>(client, "articles", a -> Long.toString(a.article_id()), (id, r) -> {})) {
      writer.index(article(1, "人工智能改变新闻推荐", "算法让每个人看到不同的头条", 2));
      writer.index(article(2, "体育新闻", "人工智能裁判进入足球比赛", 2));
      writer.index(article(3, "人工智能草稿", "还没有审核", 1));
      for (int i = 10; i < 40; i++) {
        writer.index(article(i, "财经消息" + i, "股市行情", 2));
      }
    }
    refresh();
    ArticleSearch search = new ArticleSearch(client, "articles", "<b>", "</b>");

    ArticleSearch.Page page = search.search("人工智能", 1, 10);

    assertThat(page.total()).isEqualTo(2);
    assertThat(page.results())
        .extracting(ArticleSearch.ArticleHit::articleId)
        .containsExactly("1", "2");
    assertThat(page.results().get(0).highlights().get("title"))
        .singleElement()
        .asString()
        .isEqualTo("<b>人工智能</b>改变新闻推荐");
    assertThat(search.search("财经", 2, 10).results()).hasSize(10);
    assertThat(page.partial()).isFalse();
  }

  /**
   * The analyzer can make a longer word of the query and what stands beside it (smartcn reads 中国女排
   * as one word): the match then comes from the single-character subfield, and the mark is still
   * put on the query's characters in the field itself.
   */
  @Test
  void marksAWordFoundInsideALongerWordAndASingleCharacter() throws IOException {
    indexes.ensure(ARTICLES);
    DocumentStore<Article> store =
        new DocumentStore<>(client, "articles", Article.class, a -> Long.toString(a.article_id()));
    store.index(article(103, "中国女排夺得冠军", "决赛中女排三比一战胜对手", 2));
    store.index(article(104, "熊猫宝宝满月", "动物园的大熊猫", 2));
    refresh();
    ArticleSearch search = new ArticleSearch(client, "articles");

    ArticleSearch.ArticleHit volleyball = search.search("女排", 1, 10).results().get(0);
    assertThat(volleyball.highlights().get("title")).containsExactly("中国<em>女排</em>夺得冠军");
    assertThat(volleyball.highlights().get("content")).containsExactly("决赛中<em>女排</em>三比一战胜对手");

    ArticleSearch.ArticleHit panda = search.search("猫", 1, 10).results().get(0);
    assertThat(panda.articleId()).isEqualTo("104");
    assertThat(panda.highlights().get("title")).containsExactly("熊<em>猫</em>宝宝满月");
  }

  /**
   * A small judged set: for each query, the ids that must rank in the top results and those that
   * must not appear (or must rank below every relevant one).
   */
  @Test
  void realChineseWordsRankDocumentsWithEveryWordFirstAndFindSingleCharacters() throws IOException {
    indexes.ensure(ARTICLES);
    try (BulkWriter<Article> writer =
        new BulkWriter<>(client, "articles", a -> Long.toString(a.article_id()), (id, r) -> {})) {
      writer.index(article(1, "人工智能改变新闻推荐", "算法让每个人看到不同的头条", 2));
      writer.index(article(2, "医院引入人工智能辅助诊断", "医生与机器合作", 2));
      writer.index(article(3, "公园人工湖开放", "市民在人工湖边散步", 2));
      writer.index(article(4, "智能手机销量上涨", "新款手机发布", 2));
      writer.index(article(5, "小猫咪的一天", "家里的小猫喜欢晒太阳", 2));
      writer.index(article(6, "猫咖啡馆开业", "顾客可以和猫一起喝咖啡", 2));
      writer.index(article(7, "熊猫宝宝满月", "动物园的大熊猫", 2));
      writer.index(article(8, "股市行情", "今日大盘上涨", 2));
      for (int i = 20; i < 40; i++) {
        writer.index(article(i, "人工费用上涨" + i, "装修人工成本", 2));
      }
    }
    refresh();
    ArticleSearch search = new ArticleSearch(client, "articles");

    List<String> ai = ids(search.search("人工智能", 1, 10));
    assertThat(ai).as("人工智能: %s", ai).hasSizeGreaterThanOrEqualTo(2);
    assertThat(ai.subList(0, 2)).as("人工智能: %s", ai).containsExactlyInAnyOrder("1", "2");

    List<String> cat = ids(search.search("猫", 1, 10));
    assertThat(cat).as("猫: %s", cat).contains("5", "6", "7").doesNotContain("8", "1");

    List<String> lake = ids(search.search("人工湖", 1, 10));
    assertThat(lake).as("人工湖: %s", lake).startsWith("3");

    String emoji = "😀".repeat(ArticleSearch.MAX_QUERY_LENGTH);
    assertThat(search.search(emoji, 1, 10).total())
        .as("50 code points (100 chars) is within the limit")
        .isZero();
    assertThatThrownBy(() -> search.search(emoji + "😀", 1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 51");
  }

  private static List<String> ids(ArticleSearch.Page page) {
    return page.results().stream().map(ArticleSearch.ArticleHit::articleId).toList();
  }

  /** A document whose serialization fails. */
  public static final class Broken {
    /**
     * @return never: throws
     */
    public String getTitle() {
      throw new IllegalStateException("cannot render the title");
    }
  }

  @Test
  void anUnserializableDocumentIsRefusedAtOnceAndTheAccountingStaysExact() {
    indexes.ensure(ARTICLES);
    java.util.List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    BulkWriter<Object> writer =
        new BulkWriter<>(
            client,
            "articles",
            d -> d instanceof Article a ? Long.toString(a.article_id()) : "broken",
            (id, reason) -> failures.add(id));
    writer.index(article(1, "好的文章", "正文", 2));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.index(new Broken()))
        .isInstanceOf(SearchException.InvalidDocument.class)
        .hasMessageContaining("document broken cannot be serialized");
    writer.index(article(3, "另一篇", "正文", 2));
    long started = System.nanoTime();
    writer.close();
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
        .isLessThan(java.time.Duration.ofSeconds(5));
    assertThat(writer.submitted()).isEqualTo(2);
    assertThat(writer.indexed() + writer.failed()).isEqualTo(writer.submitted());
    assertThat(writer.indexed()).isEqualTo(2);
    assertThat(failures).isEmpty();
  }

  @Test
  void highlightsAreHtmlEncodedAndALongArticleCannotFailItsShard() throws IOException {
    indexes.ensure(ARTICLES);
    String longContent = "人工智能" + "长文".repeat(600_000) + "人工智能";
    try (BulkWriter<Article> writer =
        new BulkWriter<>(client, "articles", a -> Long.toString(a.article_id()), (id, r) -> {})) {
      writer.index(
          article(1, "人工智能<script>alert(1)</script>", "<img src=x onerror=alert(1)>人工智能", 2));
      writer.index(article(2, "一篇很长的人工智能文章", longContent, 2));
    }
    refresh();
    ArticleSearch.Page page = new ArticleSearch(client, "articles").search("人工智能", 1, 10);

    assertThat(page.partial()).as("no shard failed on the 1.2M-character article").isFalse();
    assertThat(page.total()).isEqualTo(2);
    ArticleSearch.ArticleHit markup =
        page.results().stream().filter(h -> h.articleId().equals("1")).findFirst().orElseThrow();
    String title = String.join("", markup.highlights().get("title"));
    assertThat(title)
        .contains("<em>人工智能</em>")
        .contains("&lt;script&gt;")
        .doesNotContain("<script>");
    assertThat(String.join("", markup.highlights().get("content")))
        .contains("&lt;img")
        .doesNotContain("<img");
  }

  @Test
  void refusesBadQueriesAndDeepPagesBeforeAskingElasticsearch() {
    indexes.ensure(ARTICLES);
    ArticleSearch search = new ArticleSearch(client, "articles");
    assertThatThrownBy(() -> search.search("  ", 1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 50");
    assertThatThrownBy(() -> search.search("长".repeat(51), 1, 10)).hasMessageContaining("got 51");
    assertThatThrownBy(() -> search.search("新闻", 1, 5)).hasMessageContaining("per_page 10 to 50");
    assertThatThrownBy(() -> search.search("新闻", 1001, 10))
        .isInstanceOf(SearchException.ResultWindowTooLarge.class);
  }

  @Test
  void syncAppliesChangesOnceAndNeverLetsAnOlderOneWin() throws IOException {
    indexes.ensure(ARTICLES);
    ChangeSync<Article> sync = new ChangeSync<>(client, "articles");

    ChangeSync.Result first =
        sync.apply(
            List.of(
                new ChangeSync.Change<>("5", 300, article(5, "第三版", "c", 2)),
                new ChangeSync.Change<>("5", 100, article(5, "第一版", "a", 2)),
                new ChangeSync.Change<>("6", 10, article(6, "要删除", "x", 2))));
    ChangeSync.Result second =
        sync.apply(
            List.of(
                new ChangeSync.Change<>("5", 200, article(5, "第二版", "b", 2)),
                new ChangeSync.Change<>("6", 20, null),
                new ChangeSync.Change<>("6", 15, article(6, "迟到的旧版", "y", 2))));

    assertThat(first.applied()).isEqualTo(2);
    assertThat(first.stale()).isEqualTo(1);
    assertThat(second.applied()).isEqualTo(1);
    assertThat(second.stale()).isEqualTo(2);
    assertThat(client.get(g -> g.index("articles").id("5"), Article.class).source().title())
        .isEqualTo("第三版");
    assertThat(client.get(g -> g.index("articles").id("6"), Article.class).found()).isFalse();
  }

  @Test
  void aStoppedClusterGivesATypedErrorNotAHang(ElasticsearchServer es) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(es.isManaged());
    indexes.ensure(ARTICLES);
    ArticleSearch search = new ArticleSearch(client, "articles");
    es.stop();
    try {
      long started = System.nanoTime();
      assertThatThrownBy(() -> search.search("新闻", 1, 10))
          .isInstanceOf(SearchException.Unavailable.class);
      assertThatThrownBy(() -> SearchClientFactory.health(client))
          .isInstanceOf(SearchException.Unavailable.class);
      assertThat(System.nanoTime() - started)
          .isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(25));
    } finally {
      es.restart();
    }
  }

  @Test
  void iteratesEveryMatchBeyondOnePageWithAPointInTime() throws IOException {
    indexes.ensure(ARTICLES);
    try (BulkWriter<Article> writer =
        new BulkWriter<>(client, "articles", a -> Long.toString(a.article_id()), (id, r) -> {})) {
      for (int i = 0; i < 1234; i++) {
        writer.index(article(i, "财经快讯" + i, "市场", i % 10 == 0 ? 1 : 2));
      }
    }
    refresh();
    ArticleSearch search = new ArticleSearch(client, "articles");
    try (java.util.stream.Stream<String> ids = search.allIds("财经")) {
      List<String> all = ids.toList();
      assertThat(all).hasSize(1234 - 124).doesNotHaveDuplicates();
    }
  }

  @Test
  void suggestsCompletionsKeepingDigitsAndFallsBackToCorrections() throws IOException {
    indexes.ensure(ARTICLES);
    IndexSpec completions = IndexSpec.completions().replicas(0).build();
    indexes.drop(completions);
    indexes.ensure(completions);
    client.index(
        i ->
            i.index("completions")
                .id("1")
                .document(Map.of("suggest", List.of("iphone 16", "iphone 15 pro"))));
    client.index(
        i -> i.index("completions").id("2").document(Map.of("suggest", List.of("iphone 16"))));
    client.index(i -> i.index("articles").id("1").document(article(1, "football news", "goal", 2)));
    refresh();
    client.indices().refresh(r -> r.index("completions"));
    Suggester suggester = new Suggester(client, "completions", "articles");

    assertThat(suggester.suggest("iphone 1"))
        .containsExactlyInAnyOrder("iphone 15 pro", "iphone 16");
    assertThat(suggester.suggest("footbal")).containsExactly("football");
    assertThatThrownBy(() -> suggester.suggest("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void documentsHaveOptimisticConcurrency() {
    indexes.ensure(ARTICLES);
    DocumentStore<Article> store =
        new DocumentStore<>(client, "articles", Article.class, a -> Long.toString(a.article_id()));
    DocumentStore.Versioned<Article> first = store.index(article(9, "旧标题", "正文", 2));
    DocumentStore.Versioned<Article> second = store.replace(article(9, "新标题", "正文", 2), first);

    assertThatThrownBy(() -> store.replace(article(9, "冲突", "正文", 2), first))
        .isInstanceOf(SearchException.VersionConflict.class);
    store.update("9", Map.of("status", 1));
    assertThat(store.get("9").orElseThrow().document().status()).isEqualTo(1);
    assertThat(store.get("9").orElseThrow().document().title()).isEqualTo("新标题");
    assertThat(second.seqNo()).isGreaterThan(first.seqNo());
    assertThat(store.delete("9")).isTrue();
    assertThat(store.get("9")).isEmpty();
    assertThatThrownBy(() -> store.update("404", Map.of("status", 1)))
        .isInstanceOf(SearchException.class)
        .hasMessageContaining("document_missing_exception");
  }
}
