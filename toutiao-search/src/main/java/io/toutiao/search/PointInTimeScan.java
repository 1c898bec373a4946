package io.toutiao.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonData;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Pages through every match of a query with a point in time and {@code search_after} on {@code
 * _shard_doc}: no result-window limit, a consistent view, always the newest PIT id, and the PIT
 * closed when the last page is read, on a failure, or by {@link #close()}. Not thread-safe.
 */
final class PointInTimeScan implements Iterator<List<Hit<JsonData>>>, AutoCloseable {

  private final ElasticsearchClient client;
  private final String index;
  private final Query query;
  private final int pageSize;
  private final boolean withSource;
  private final String keepAlive;
  private String pitId;
  private List<FieldValue> after;
  private List<Hit<JsonData>> next;
  private boolean exhausted;

  /**
   * Opens the point in time.
   *
   * @param withSource fetch each hit's source and version (false: ids only)
   */
  PointInTimeScan(
      ElasticsearchClient client,
      String index,
      Query query,
      int pageSize,
      boolean withSource,
      String keepAlive) {
    this.client = client;
    this.index = index;
    this.query = query;
    this.pageSize = pageSize;
    this.withSource = withSource;
    this.keepAlive = keepAlive;
    try {
      this.pitId =
          client.openPointInTime(p -> p.index(index).keepAlive(k -> k.time(keepAlive))).id();
    } catch (Exception e) {
      throw SearchException.translate("open a point in time on " + index, e);
    }
  }

  @Override
  public boolean hasNext() {
    if (next == null && !exhausted) {
      fetch();
    }
    return next != null;
  }

  @Override
  public List<Hit<JsonData>> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    List<Hit<JsonData>> page = next;
    next = null;
    return page;
  }

  private void fetch() {
    try {
      String pit = pitId;
      List<FieldValue> searchAfter = after;
      SearchResponse<JsonData> response =
          client.search(
              s -> {
                s.pit(p -> p.id(pit).keepAlive(k -> k.time(keepAlive)))
                    .size(pageSize)
                    .query(query)
                    .trackTotalHits(t -> t.enabled(false))
                    .sort(o -> o.field(f -> f.field("_shard_doc")));
                if (withSource) {
                  s.version(true);
                } else {
                  s.source(src -> src.fetch(false));
                }
                if (searchAfter != null) {
                  s.searchAfter(searchAfter);
                }
                return s;
              },
              JsonData.class);
      if (response.pitId() != null) {
        pitId = response.pitId();
      }
      SearchException.requireAllShards(response, "page through " + index);
      List<Hit<JsonData>> hits = response.hits().hits();
      if (hits.size() < pageSize) {
        close();
      } else {
        after = hits.get(hits.size() - 1).sort();
      }
      next = hits.isEmpty() ? null : hits;
    } catch (Exception e) {
      close();
      throw SearchException.translate("page through " + index, e);
    }
  }

  @Override
  public void close() {
    exhausted = true;
    if (pitId != null) {
      String id = pitId;
      pitId = null;
      try {
        client.closePointInTime(c -> c.id(id));
      } catch (Exception ignored) {
        // it expires by itself after its keep-alive
      }
    }
  }
}
