package io.toutiao.spring.boot;

import io.toutiao.cache.redis.CounterStore;
import java.util.stream.Stream;

/**
 * The source of truth of a counter, for its daily correction: the application's bean, e.g. a {@code
 * SELECT article_id, COUNT(*) ... GROUP BY article_id} streamed from its database.
 */
public interface CounterSource {

  /**
   * Returns the counter this source corrects.
   *
   * @return its name under {@code toutiao.cache.counters}
   */
  String counter();

  /**
   * Returns every id's true count; closed after the rebuild.
   *
   * @return the counts
   */
  Stream<CounterStore.Counter> counts();
}
