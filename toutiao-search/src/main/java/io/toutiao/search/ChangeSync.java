package io.toutiao.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Applies database changes (from an outbox table, or rows polled by update time as the reference's
 * JDBC job does) idempotently: each change carries a version (e.g. the row's update time in
 * milliseconds, or an outbox sequence), written with Elasticsearch's external versioning, so an
 * older change never overwrites a newer one, even when changes arrive out of order or twice.
 * Thread-safe.
 *
 * @param <T> the document type
 */
public final class ChangeSync<T> {

  /**
   * One change.
   *
   * @param id the document id
   * @param version increases with every change of the row
   * @param document the new document, or null for a deletion
   * @param <T> the document type
   */
  public record Change<T>(String id, long version, T document) {}

  /**
   * What a batch did.
   *
   * @param applied changes written
   * @param stale changes skipped because a newer version was already there
   * @param failed changes that failed for another reason
   * @param failures id and reason of each failure
   */
  public record Result(int applied, int stale, int failed, List<String> failures) {}

  private final ElasticsearchClient client;
  private final String index;
  private final Duration blockedWriteWait;

  /**
   * Creates the sync.
   *
   * @param client the client
   * @param index the alias to write
   */
  public ChangeSync(ElasticsearchClient client, String index) {
    this.client = Objects.requireNonNull(client, "client must not be null");
    this.index = Objects.requireNonNull(index, "index must not be null");
    this.blockedWriteWait = WriteRetry.DEFAULT_WAIT;
  }

  /**
   * Applies a batch in one bulk request. Changes refused by an index write block (during an {@link
   * IndexMigration}) are sent again for up to 60 s; external versions make the retries safe in any
   * order.
   *
   * @param changes the changes, any order
   * @return how many were applied, stale or failed
   */
  public Result apply(List<Change<T>> changes) {
    Objects.requireNonNull(changes, "changes must not be null");
    if (changes.isEmpty()) {
      return new Result(0, 0, 0, List.of());
    }
    List<BulkOperation> operations = new ArrayList<>();
    for (Change<T> change : changes) {
      if (change.version() < 0) {
        throw new IllegalArgumentException(
            "version of " + change.id() + " must not be negative, got " + change.version());
      }
      operations.add(
          change.document() == null
              ? BulkOperation.of(
                  o ->
                      o.delete(
                          d ->
                              d.index(index)
                                  .id(change.id())
                                  .version(change.version())
                                  .versionType(VersionType.External)))
              : BulkOperation.of(
                  o ->
                      o.index(
                          i ->
                              i.index(index)
                                  .id(change.id())
                                  .version(change.version())
                                  .versionType(VersionType.External)
                                  .document(change.document()))));
    }
    int applied = 0;
    int stale = 0;
    List<String> failures = new ArrayList<>();
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < changes.size(); i++) {
      pending.add(i);
    }
    long deadline = System.nanoTime() + blockedWriteWait.toNanos();
    long pause = 20;
    while (!pending.isEmpty()) {
      List<BulkOperation> batch = pending.stream().map(operations::get).toList();
      String action = "sync " + batch.size() + " changes into " + index;
      BulkResponse response =
          WriteRetry.call(action, blockedWriteWait, () -> client.bulk(b -> b.operations(batch)));
      List<Integer> blocked = new ArrayList<>();
      boolean retry = System.nanoTime() + pause * 1_000_000 <= deadline;
      for (int k = 0; k < response.items().size(); k++) {
        int i = pending.get(k);
        BulkResponseItem item = response.items().get(k);
        if (item.error() == null || (item.status() == 404 && changes.get(i).document() == null)) {
          applied++;
        } else if ("version_conflict_engine_exception".equals(item.error().type())) {
          stale++;
        } else if (retry
            && SearchException.isWriteBlock(item.error().type(), item.error().reason())) {
          blocked.add(i);
        } else {
          failures.add(
              changes.get(i).id() + ": [" + item.error().type() + "] " + item.error().reason());
        }
      }
      pending = blocked;
      if (!pending.isEmpty()) {
        WriteRetry.pause(pause, action);
        pause = Math.min(pause * 2, 500);
      }
    }
    return new Result(applied, stale, failures.size(), List.copyOf(failures));
  }
}
