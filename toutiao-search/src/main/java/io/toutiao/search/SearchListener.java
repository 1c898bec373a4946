package io.toutiao.search;

import java.time.Duration;

/**
 * Told of every {@link ArticleSearch#search} (metrics). Called on the searching thread: must be
 * fast and must not throw. All methods default to doing nothing.
 */
public interface SearchListener {

  /**
   * A search answered.
   *
   * @param took how long it took, request to parsed answer
   * @param total matching documents
   * @param failedShards shards that did not answer (the page is partial when above 0)
   */
  default void onSearch(Duration took, long total, int failedShards) {}

  /**
   * A search failed.
   *
   * @param took how long until it failed
   */
  default void onFailure(Duration took) {}

  /** Nothing. */
  SearchListener NONE = new SearchListener() {};
}
