package io.toutiao.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Suggestion;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The reference's search suggestions: the completion suggester on {@code completions.suggest}
 * first; when it finds nothing, term suggesters on the articles' {@code title.chars} and {@code
 * title} (spelling-style corrections). Options are de-duplicated, in order. Thread-safe.
 */
public final class Suggester {

  /** Suggestions returned at most: {@value} (the reference's size). */
  public static final int SIZE = 10;

  private final ElasticsearchClient client;
  private final String completionIndex;
  private final String articleIndex;

  /**
   * Creates the suggester.
   *
   * @param client the client
   * @param completionIndex e.g. {@code completions}
   * @param articleIndex e.g. {@code articles}
   */
  public Suggester(ElasticsearchClient client, String completionIndex, String articleIndex) {
    this.client = Objects.requireNonNull(client, "client must not be null");
    this.completionIndex =
        Objects.requireNonNull(completionIndex, "completionIndex must not be null");
    this.articleIndex = Objects.requireNonNull(articleIndex, "articleIndex must not be null");
  }

  /**
   * Suggests completions or corrections.
   *
   * @param prefix what the user typed, 1 to 50 characters
   * @return up to {@value #SIZE} distinct suggestions
   */
  public List<String> suggest(String prefix) {
    String text = Objects.requireNonNull(prefix, "prefix must not be null").strip();
    if (text.isEmpty() || text.length() > ArticleSearch.MAX_QUERY_LENGTH) {
      throw new IllegalArgumentException(
          "prefix must have 1 to "
              + ArticleSearch.MAX_QUERY_LENGTH
              + " characters, got "
              + text.length());
    }
    try {
      SearchResponse<Void> completions =
          client.search(
              s ->
                  s.index(completionIndex)
                      .source(src -> src.fetch(false))
                      .suggest(
                          g ->
                              g.suggesters(
                                  "s",
                                  x ->
                                      x.prefix(text)
                                          .completion(c -> c.field("suggest").size(SIZE * 2)))),
              Void.class);
      Set<String> options = new LinkedHashSet<>();
      collect(completions.suggest(), options);
      if (!options.isEmpty()) {
        return limit(options);
      }
      SearchResponse<Void> corrections =
          client.search(
              s ->
                  s.index(articleIndex)
                      .size(0)
                      .suggest(
                          g ->
                              g.suggesters(
                                      "s",
                                      x ->
                                          x.text(text)
                                              .term(
                                                  t ->
                                                      t.field("title." + IndexSpec.CHARS)
                                                          .size(SIZE)))
                                  .suggesters(
                                      "t",
                                      x -> x.text(text).term(t -> t.field("title").size(SIZE)))),
              Void.class);
      // the single-character subfield keeps whole Latin words unstemmed; the word field covers
      // indexes made before it existed
      collect(corrections.suggest(), options);
      collect(corrections.suggest(), "t", options);
      return limit(options);
    } catch (Exception e) {
      throw SearchException.translate("suggest for '" + text + "'", e);
    }
  }

  private static void collect(Map<String, List<Suggestion<Void>>> suggest, Set<String> options) {
    collect(suggest, "s", options);
  }

  private static void collect(
      Map<String, List<Suggestion<Void>>> suggest, String name, Set<String> options) {
    for (Suggestion<Void> suggestion : suggest.getOrDefault(name, List.of())) {
      if (suggestion.isCompletion()) {
        suggestion.completion().options().forEach(o -> options.add(o.text()));
      } else if (suggestion.isTerm()) {
        suggestion.term().options().forEach(o -> options.add(o.text()));
      } else if (suggestion.isPhrase()) {
        suggestion.phrase().options().forEach(o -> options.add(o.text()));
      }
    }
  }

  private static List<String> limit(Set<String> options) {
    List<String> list = new ArrayList<>(options);
    return List.copyOf(list.subList(0, Math.min(SIZE, list.size())));
  }
}
