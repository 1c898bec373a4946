package io.toutiao.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.HighlighterEncoder;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The reference's article search: the text matched over {@code title} (boost 2) and {@code
 * content}, only approved articles ({@code status = 2}), paged, with highlights. Results carry the
 * article ids (documents' {@code _id}) for hydrating from the cache, as the reference does ({@code
 * _source: false}). Thread-safe.
 */
public final class ArticleSearch {

  /** Longest query text: {@value} characters, counted in code points (the reference's limit). */
  public static final int MAX_QUERY_LENGTH = 50;

  /** Elasticsearch's default result window. */
  public static final int MAX_RESULT_WINDOW = 10_000;

  /**
   * One hit.
   *
   * @param articleId the document id
   * @param score its score
   * @param highlights field to highlighted fragments
   */
  public record ArticleHit(String articleId, double score, Map<String, List<String>> highlights) {}

  /**
   * A page of results.
   *
   * @param total matching articles
   * @param page the page
   * @param perPage the page size
   * @param results the hits of this page
   * @param failedShards shards that failed to answer (their matches are missing: the page is
   *     partial when this is above 0)
   */
  public record Page(
      long total, int page, int perPage, List<ArticleHit> results, int failedShards) {

    /**
     * Tells whether some shards failed, so that matches may be missing.
     *
     * @return true when {@link #failedShards()} is above 0
     */
    public boolean partial() {
      return failedShards > 0;
    }
  }

  /**
   * How many characters of a field the highlighter analyses: {@value}. Longer fields are
   * highlighted in their first part only, instead of failing the shard (and dropping its hits).
   */
  public static final int MAX_ANALYZED_OFFSET = 100_000;

  /** Ids per request when streaming every match. */
  private static final int PAGE = 500;

  private final ElasticsearchClient client;
  private final String index;
  private final String preTag;
  private final String postTag;
  private final boolean encodeHtml;
  private final SearchListener listener;

  /**
   * Creates a search over an alias with {@code <em>} highlight tags.
   *
   * @param client the client
   * @param index the alias, e.g. {@code articles}
   */
  public ArticleSearch(ElasticsearchClient client, String index) {
    this(client, index, "<em>", "</em>");
  }

  /**
   * Creates a search whose highlights are HTML-encoded around the tags.
   *
   * @param client the client
   * @param index the alias
   * @param preTag highlight opening tag
   * @param postTag highlight closing tag
   */
  public ArticleSearch(ElasticsearchClient client, String index, String preTag, String postTag) {
    this(client, index, preTag, postTag, true);
  }

  /**
   * Creates a search.
   *
   * @param client the client
   * @param index the alias
   * @param preTag highlight opening tag
   * @param postTag highlight closing tag
   * @param encodeHtml true (the default) to HTML-encode the text of highlights, so markup in an
   *     article ({@code <script>}) comes back as text beside the tags; false only for clients that
   *     never render highlights as HTML
   */
  public ArticleSearch(
      ElasticsearchClient client, String index, String preTag, String postTag, boolean encodeHtml) {
    this.client = Objects.requireNonNull(client, "client must not be null");
    this.index = Objects.requireNonNull(index, "index must not be null");
    this.preTag = Objects.requireNonNull(preTag, "preTag must not be null");
    this.postTag = Objects.requireNonNull(postTag, "postTag must not be null");
    this.encodeHtml = encodeHtml;
    this.listener = SearchListener.NONE;
  }

  private ArticleSearch(ArticleSearch base, SearchListener listener) {
    this.client = base.client;
    this.index = base.index;
    this.preTag = base.preTag;
    this.postTag = base.postTag;
    this.encodeHtml = base.encodeHtml;
    this.listener = Objects.requireNonNull(listener, "listener must not be null");
  }

  /**
   * The same search, telling {@code listener} of each one (metrics).
   *
   * @param listener told of each search
   * @return a new search
   */
  public ArticleSearch withListener(SearchListener listener) {
    return new ArticleSearch(this, listener);
  }

  /**
   * Searches approved articles.
   *
   * @param query 1 to 50 characters after trimming
   * @param page 1-based page
   * @param perPage 10 to 50 (the reference's range)
   * @return the page ({@link Page#partial()} when shards failed)
   * @throws IllegalArgumentException for an empty or long query or a bad page size
   * @throws SearchException.ResultWindowTooLarge when page x perPage passes 10,000
   */
  public Page search(String query, int page, int perPage) {
    String text = checkQuery(query);
    if (page < 1 || perPage < 10 || perPage > 50) {
      throw new IllegalArgumentException(
          "page must be at least 1 and per_page 10 to 50, got " + page + " and " + perPage);
    }
    long from = (long) (page - 1) * perPage;
    if (from + perPage > MAX_RESULT_WINDOW) {
      throw new SearchException.ResultWindowTooLarge(
          "page "
              + page
              + " x "
              + perPage
              + " passes the result window of "
              + MAX_RESULT_WINDOW
              + "; deep paging needs point-in-time iteration",
          null);
    }
    long started = System.nanoTime();
    try {
      SearchResponse<Void> response =
          client.search(
              s ->
                  s.index(index)
                      .from((int) from)
                      .size(perPage)
                      .source(src -> src.fetch(false))
                      .trackTotalHits(t -> t.enabled(true))
                      .query(approvedMatching(text))
                      .highlight(
                          h ->
                              h.preTags(preTag)
                                  .postTags(postTag)
                                  .encoder(
                                      encodeHtml
                                          ? HighlighterEncoder.Html
                                          : HighlighterEncoder.Default)
                                  .maxAnalyzedOffset(MAX_ANALYZED_OFFSET)
                                  // a word of the text, or a run of its characters (a word
                                  // inside a longer word), is marked in the field itself
                                  .fields(
                                      "title",
                                      f -> f.matchedFields("title", "title." + IndexSpec.CHARS))
                                  .fields(
                                      "content",
                                      f ->
                                          f.matchedFields(
                                              "content", "content." + IndexSpec.CHARS))),
              Void.class);
      List<ArticleHit> hits = new ArrayList<>();
      for (Hit<Void> hit : response.hits().hits()) {
        hits.add(new ArticleHit(hit.id(), hit.score() == null ? 0 : hit.score(), hit.highlight()));
      }
      long total = response.hits().total() == null ? hits.size() : response.hits().total().value();
      int failed = response.shards().failed().intValue();
      listener.onSearch(Duration.ofNanos(System.nanoTime() - started), total, failed);
      return new Page(total, page, perPage, hits, failed);
    } catch (Exception e) {
      listener.onFailure(Duration.ofNanos(System.nanoTime() - started));
      throw SearchException.translate("search " + index, e);
    }
  }

  /**
   * Streams the ids of every approved article matching the text, without the result-window limit:
   * point-in-time plus {@code search_after}, 500 per request, always with the newest PIT id. Close
   * the stream (try-with-resources) to release the point in time; it is also released when the
   * stream is exhausted.
   *
   * @param query 1 to 50 characters
   * @return the ids, in index order
   */
  public java.util.stream.Stream<String> allIds(String query) {
    String text = checkQuery(query);
    PointInTimeScan scan =
        new PointInTimeScan(client, index, approvedMatching(text), PAGE, false, "1m");
    return java.util.stream.StreamSupport.stream(
            java.util.Spliterators.spliteratorUnknownSize(
                scan, java.util.Spliterator.ORDERED | java.util.Spliterator.NONNULL),
            false)
        .flatMap(page -> page.stream().map(Hit::id))
        .onClose(scan::close);
  }

  /**
   * The reference query (the text over title, boost 2, and content; approved articles only), ranked
   * so that documents with every word come first: any word matches (the reference's OR), all words
   * score 3 times more, the text as a run of characters in the single-character subfields scores
   * too (and alone finds a one-character query inside a longer word).
   */
  private static co.elastic.clients.elasticsearch._types.query_dsl.Query approvedMatching(
      String text) {
    String chars = "." + IndexSpec.CHARS;
    return co.elastic.clients.elasticsearch._types.query_dsl.Query.of(
        q ->
            q.bool(
                b ->
                    b.must(
                            m ->
                                m.bool(
                                    any ->
                                        any.should(
                                                s ->
                                                    s.multiMatch(
                                                        mm ->
                                                            mm.query(text)
                                                                .fields("title^2", "content")))
                                            .should(
                                                s ->
                                                    s.multiMatch(
                                                        mm ->
                                                            mm.query(text)
                                                                .fields("title^2", "content")
                                                                .operator(
                                                                    co.elastic.clients.elasticsearch
                                                                        ._types.query_dsl.Operator
                                                                        .And)
                                                                .boost(3f)))
                                            .should(
                                                s ->
                                                    s.multiMatch(
                                                        mm ->
                                                            mm.query(text)
                                                                .fields(
                                                                    "title" + chars + "^2",
                                                                    "content" + chars)
                                                                .type(
                                                                    co.elastic.clients.elasticsearch
                                                                        ._types.query_dsl
                                                                        .TextQueryType.Phrase)))
                                            .minimumShouldMatch("1")))
                        .filter(f -> f.term(t -> t.field("status").value(2)))));
  }

  private static String checkQuery(String query) {
    String text = Objects.requireNonNull(query, "query must not be null").strip();
    int length = text.codePointCount(0, text.length());
    if (text.isEmpty() || length > MAX_QUERY_LENGTH) {
      throw new IllegalArgumentException(
          "query must have 1 to " + MAX_QUERY_LENGTH + " characters, got " + length);
    }
    return text;
  }
}
