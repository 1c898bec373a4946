package io.toutiao.benchmarks;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch._types.query_dsl.TextQueryType;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.HighlighterEncoder;
import io.toutiao.search.ArticleSearch;
import io.toutiao.search.BulkWriter;
import io.toutiao.search.IndexManager;
import io.toutiao.search.IndexSpec;
import io.toutiao.search.SearchClientFactory;
import io.toutiao.testing.ElasticsearchServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Elasticsearch (a real single node on loopback, started by the suite): indexing 20,000 articles
 * with our {@link BulkWriter} beside one index request per document on the bare client (single-shot
 * time, ms); and the reference query through {@link ArticleSearch} beside the same query built on
 * the bare client (ops/s).
 */
@State(Scope.Benchmark)
@Threads(1)
public class SearchBenchmark {

  /** An article document. */
  public record Article(
      long article_id,
      long user_id,
      String title,
      String content,
      int status,
      String create_time) {}

  private static final int DOCS = 20_000;

  private ElasticsearchServer es;
  private ElasticsearchClient client;
  private ArticleSearch search;
  private final AtomicLong run = new AtomicLong();

  /**
   * Starts Elasticsearch and fills the articles index for the search workloads.
   *
   * @throws IOException on failure
   */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    es = ElasticsearchServer.start();
    client = SearchClientFactory.create(es.httpUri());
    new IndexManager(client).ensure(IndexSpec.articles().shards(1).replicas(0).build());
    try (BulkWriter<Article> writer =
        new BulkWriter<>(client, "articles", a -> Long.toString(a.article_id()), (id, r) -> {})) {
      for (int i = 0; i < 2000; i++) {
        writer.index(article(i, "articles"));
      }
    }
    client.indices().refresh(r -> r.index("articles"));
    search = new ArticleSearch(client, "articles");
  }

  /**
   * Stops Elasticsearch.
   *
   * @throws IOException on failure
   */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    client._transport().close();
    es.close();
  }

  private static Article article(long id, String tag) {
    String[] topics = {"人工智能", "体育新闻", "财经快讯", "科技前沿", "头条推荐"};
    String topic = topics[(int) (id % topics.length)];
    return new Article(
        id,
        id % 100,
        topic + "第" + id + "期",
        topic + "的详细内容，" + tag + "，编号" + id,
        id % 7 == 0 ? 1 : 2,
        "2026-11-27T10:00:00Z");
  }

  /**
   * Ours: 20,000 documents through the bulk writer, into a fresh index.
   *
   * @return documents indexed
   * @throws IOException on failure
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public long toutiao_index20k() throws IOException {
    String index = "bulk-" + run.incrementAndGet();
    client
        .indices()
        .create(c -> c.index(index).settings(s -> s.numberOfShards("1").numberOfReplicas("0")));
    BulkWriter<Article> writer =
        new BulkWriter<>(client, index, a -> Long.toString(a.article_id()), (id, r) -> {});
    for (int i = 0; i < DOCS; i++) {
      writer.index(article(i, index));
    }
    writer.close();
    client.indices().delete(d -> d.index(index));
    return writer.indexed();
  }

  /**
   * The client's own {@code BulkIngester} with its defaults (1000 operations or 5 MB per request,
   * one request in flight), flushed and closed at the end.
   *
   * @return documents indexed
   * @throws IOException on failure
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public long ingester_index20k() throws IOException {
    String index = "ingester-" + run.incrementAndGet();
    client
        .indices()
        .create(c -> c.index(index).settings(s -> s.numberOfShards("1").numberOfReplicas("0")));
    AtomicLong indexed = new AtomicLong();
    BulkIngester<Void> ingester =
        BulkIngester.of(
            b ->
                b.client(client)
                    .listener(
                        new BulkListener<Void>() {
                          @Override
                          public void beforeBulk(
                              long executionId, BulkRequest request, List<Void> contexts) {}

                          @Override
                          public void afterBulk(
                              long executionId,
                              BulkRequest request,
                              List<Void> contexts,
                              BulkResponse response) {
                            indexed.addAndGet(
                                response.items().stream().filter(i -> i.error() == null).count());
                          }

                          @Override
                          public void afterBulk(
                              long executionId,
                              BulkRequest request,
                              List<Void> contexts,
                              Throwable failure) {}
                        }));
    for (int i = 0; i < DOCS; i++) {
      Article article = article(i, index);
      ingester.add(
          op ->
              op.index(
                  x -> x.index(index).id(Long.toString(article.article_id())).document(article)));
    }
    ingester.close();
    client.indices().delete(d -> d.index(index));
    return indexed.get();
  }

  /**
   * The bare client: one index request per document.
   *
   * @return documents indexed
   * @throws IOException on failure
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public long client_index20k() throws IOException {
    String index = "single-" + run.incrementAndGet();
    client
        .indices()
        .create(c -> c.index(index).settings(s -> s.numberOfShards("1").numberOfReplicas("0")));
    long done = 0;
    for (int i = 0; i < DOCS; i++) {
      Article article = article(i, index);
      client.index(r -> r.index(index).id(Long.toString(article.article_id())).document(article));
      done++;
    }
    client.indices().delete(d -> d.index(index));
    return done;
  }

  /**
   * @return hits on the first page
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public int toutiao_search() {
    return search.search("人工智能", 1, 10).results().size();
  }

  /**
   * The peer: the request {@link ArticleSearch} sends (any word, every word boosted, the run of
   * characters on the single-character subfields; approved only; HTML-encoded highlights with
   * matched fields), built on the bare client.
   *
   * @return hits on the first page
   * @throws IOException on failure
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public int client_search() throws IOException {
    String text = "人工智能";
    SearchResponse<Void> response =
        client.search(
            s ->
                s.index("articles")
                    .from(0)
                    .size(10)
                    .source(src -> src.fetch(false))
                    .trackTotalHits(t -> t.enabled(true))
                    .query(
                        q ->
                            q.bool(
                                b ->
                                    b.must(
                                            m ->
                                                m.bool(
                                                    any ->
                                                        any.should(
                                                                o ->
                                                                    o.multiMatch(
                                                                        mm ->
                                                                            mm.query(text)
                                                                                .fields(
                                                                                    "title^2",
                                                                                    "content")))
                                                            .should(
                                                                o ->
                                                                    o.multiMatch(
                                                                        mm ->
                                                                            mm.query(text)
                                                                                .fields(
                                                                                    "title^2",
                                                                                    "content")
                                                                                .operator(
                                                                                    Operator.And)
                                                                                .boost(3f)))
                                                            .should(
                                                                o ->
                                                                    o.multiMatch(
                                                                        mm ->
                                                                            mm.query(text)
                                                                                .fields(
                                                                                    "title.chars^2",
                                                                                    "content.chars")
                                                                                .type(
                                                                                    TextQueryType
                                                                                        .Phrase)))
                                                            .minimumShouldMatch("1")))
                                        .filter(f -> f.term(t -> t.field("status").value(2)))))
                    .highlight(
                        h ->
                            h.preTags("<em>")
                                .postTags("</em>")
                                .encoder(HighlighterEncoder.Html)
                                .maxAnalyzedOffset(ArticleSearch.MAX_ANALYZED_OFFSET)
                                .fields("title", f -> f.matchedFields("title", "title.chars"))
                                .fields(
                                    "content", f -> f.matchedFields("content", "content.chars"))),
            Void.class);
    return response.hits().hits().size();
  }

  /**
   * The reference's query (one OR {@code multi_match}, plain highlights) on the bare client: what
   * the better ranking and the single-character matches cost.
   *
   * @return hits on the first page
   * @throws IOException on failure
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public int reference_search() throws IOException {
    SearchResponse<Void> response =
        client.search(
            s ->
                s.index("articles")
                    .from(0)
                    .size(10)
                    .source(src -> src.fetch(false))
                    .trackTotalHits(t -> t.enabled(true))
                    .query(
                        q ->
                            q.bool(
                                b ->
                                    b.must(
                                            m ->
                                                m.multiMatch(
                                                    mm ->
                                                        mm.query("人工智能")
                                                            .fields("title^2", "content")))
                                        .filter(f -> f.term(t -> t.field("status").value(2)))))
                    .highlight(
                        h ->
                            h.preTags("<em>")
                                .postTags("</em>")
                                .fields("title", f -> f)
                                .fields("content", f -> f)),
            Void.class);
    return response.hits().hits().size();
  }
}
