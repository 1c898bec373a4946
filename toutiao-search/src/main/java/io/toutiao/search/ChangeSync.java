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
 *
 * <p>Deletions leave a tombstone that outlives Elasticsearch's own (which lasts {@code
 * index.gc_deletes}, 60 s, and does not survive an {@link IndexMigration}): each deletion is also
 * recorded, with its version, in a small companion index ({@code <index>-tombstones} by default),
 * and a change not newer than a recorded deletion is skipped as stale, however late it comes. A
 * migration replays the recent tombstones into the new index under its write block, so a change
 * that raced with a deletion is refused there too. Tombstones are kept until {@link
 * #purgeTombstones} removes old ones. Thread-safe.
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
  private final String tombstones;
  private final Duration blockedWriteWait;
  private volatile boolean tombstoneIndexReady;

  /**
   * Creates the sync, with tombstones in {@code <index>-tombstones}.
   *
   * @param client the client
   * @param index the alias to write
   */
  public ChangeSync(ElasticsearchClient client, String index) {
    this(client, index, tombstoneIndexOf(index));
  }

  /**
   * Creates the sync.
   *
   * @param client the client
   * @param index the alias to write
   * @param tombstoneIndex where deletions are recorded (created when missing), or null to rely on
   *     Elasticsearch's own tombstones only (60 s, lost by a migration)
   */
  public ChangeSync(ElasticsearchClient client, String index, String tombstoneIndex) {
    this.client = Objects.requireNonNull(client, "client must not be null");
    this.index = Objects.requireNonNull(index, "index must not be null");
    this.tombstones = tombstoneIndex;
    this.blockedWriteWait = WriteRetry.DEFAULT_WAIT;
  }

  /**
   * The default tombstone index of an alias.
   *
   * @param alias the alias
   * @return {@code <alias>-tombstones}
   */
  public static String tombstoneIndexOf(String alias) {
    return alias + "-tombstones";
  }

  /**
   * Removes tombstones of deletions recorded before {@code before}. A change older than a removed
   * tombstone that arrives afterwards re-creates its document, so keep them longer than any change
   * can be late (outbox retention, poll overlap).
   *
   * @param before the cut-off
   * @return tombstones removed
   */
  public long purgeTombstones(java.time.Instant before) {
    Objects.requireNonNull(before, "before must not be null");
    if (tombstones == null) {
      return 0;
    }
    try {
      if (!client.indices().exists(e -> e.index(tombstones)).value()) {
        return 0;
      }
      client.indices().refresh(r -> r.index(tombstones));
      co.elastic.clients.elasticsearch._types.query_dsl.Query old =
          co.elastic.clients.elasticsearch._types.query_dsl.Query.of(
              q ->
                  q.range(
                      r ->
                          r.untyped(
                              u ->
                                  u.field(DELETED_AT)
                                      .lt(
                                          co.elastic.clients.json.JsonData.of(
                                              before.toEpochMilli())))));
      long removed = 0;
      // a scan and bulk deletes rather than _delete_by_query, which needs the reindex module
      try (PointInTimeScan scan = new PointInTimeScan(client, tombstones, old, 5000, true, "1m")) {
        while (scan.hasNext()) {
          List<BulkOperation> deletes = new ArrayList<>();
          for (var hit : scan.next()) {
            deletes.add(
                BulkOperation.of(
                    o ->
                        o.delete(
                            d ->
                                d.index(tombstones)
                                    .id(hit.id())
                                    .version(hit.version())
                                    .versionType(VersionType.ExternalGte))));
          }
          BulkResponse response = client.bulk(b -> b.operations(deletes));
          for (BulkResponseItem item : response.items()) {
            if (item.error() == null) {
              removed++;
            }
          }
        }
      }
      return removed;
    } catch (Exception e) {
      throw SearchException.translate("purge tombstones of " + index, e);
    }
  }

  /** The field of a tombstone holding when the deletion was applied (epoch milliseconds). */
  static final String DELETED_AT = "deleted_at";

  /** Creates the tombstone index when it does not exist yet (once per instance). */
  private void ensureTombstoneIndex() {
    if (tombstones == null || tombstoneIndexReady) {
      return;
    }
    try {
      if (!client.indices().exists(e -> e.index(tombstones)).value()) {
        client
            .indices()
            .create(
                c ->
                    c.index(tombstones)
                        // tombstones must survive a node loss: wait until the replica is started
                        // (on a single node there is none, and this returns at once)
                        .waitForActiveShards(
                            w ->
                                w.option(
                                    co.elastic.clients.elasticsearch._types
                                        .WaitForActiveShardOptions.All))
                        .withJson(
                            new java.io.StringReader(
                                "{\"settings\":{\"number_of_shards\":1,"
                                    + "\"auto_expand_replicas\":\"0-1\"},"
                                    + "\"mappings\":{\"dynamic\":false,\"properties\":{\""
                                    + DELETED_AT
                                    + "\":{\"type\":\"date\",\"format\":\"epoch_millis\"}}}}")));
      }
      tombstoneIndexReady = true;
    } catch (Exception e) {
      SearchException failure = SearchException.translate("create " + tombstones, e);
      if (failure instanceof SearchException.IndexExists) {
        tombstoneIndexReady = true;
        return;
      }
      throw failure;
    }
  }

  /** The recorded deletion version of each id that has a tombstone. */
  private java.util.Map<String, Long> deletedVersions(List<String> ids) {
    java.util.Map<String, Long> versions = new java.util.HashMap<>();
    if (tombstones == null || ids.isEmpty()) {
      return versions;
    }
    try {
      var response =
          client.mget(
              m -> m.index(tombstones).ids(ids).sourceExcludes("*").realtime(true), Void.class);
      for (var doc : response.docs()) {
        if (doc.isFailure()) {
          // an unknown tombstone must not be taken for none: the change could re-create a
          // deleted document
          throw new SearchException.Unavailable(
              "could not read the tombstone of "
                  + doc.failure().id()
                  + " in "
                  + tombstones
                  + ": "
                  + doc.failure().error().reason(),
              null);
        }
        if (doc.isResult() && doc.result().found() && doc.result().version() != null) {
          versions.put(doc.result().id(), doc.result().version());
        }
      }
      return versions;
    } catch (Exception e) {
      throw SearchException.translate("read tombstones of " + index, e);
    }
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
    List<String> upserts = new ArrayList<>();
    for (Change<T> change : changes) {
      Objects.requireNonNull(change, "changes must not contain null");
      Objects.requireNonNull(change.id(), "a change's id must not be null");
      if (change.version() < 0) {
        throw new IllegalArgumentException(
            "version of " + change.id() + " must not be negative, got " + change.version());
      }
      if (change.document() != null) {
        upserts.add(change.id());
      }
    }
    ensureTombstoneIndex();
    java.util.Map<String, Long> deleted = deletedVersions(upserts);
    int stale = 0;
    List<Change<T>> live = new ArrayList<>();
    for (Change<T> change : changes) {
      Long deletedAt = change.document() == null ? null : deleted.get(change.id());
      if (deletedAt != null && deletedAt >= change.version()) {
        stale++;
      } else {
        live.add(change);
      }
    }
    changes = live;
    if (changes.isEmpty()) {
      return new Result(0, stale, 0, List.of());
    }
    long now = System.currentTimeMillis();
    List<BulkOperation> operations = new ArrayList<>();
    List<BulkOperation> tombstoneOps = new ArrayList<>();
    for (Change<T> change : changes) {
      if (change.document() == null && tombstones != null) {
        tombstoneOps.add(
            BulkOperation.of(
                o ->
                    o.index(
                        i ->
                            i.index(tombstones)
                                .id(change.id())
                                .version(change.version())
                                .versionType(VersionType.External)
                                .document(java.util.Map.of(DELETED_AT, now)))));
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
    List<String> failures = new ArrayList<>();
    java.util.Set<String> notRecorded = new java.util.HashSet<>();
    if (!tombstoneOps.isEmpty()) {
      // recorded first: once a deletion is visible in the index, its tombstone already exists
      BulkResponse recorded =
          WriteRetry.call(
              "record " + tombstoneOps.size() + " deletions in " + tombstones,
              blockedWriteWait,
              () -> client.bulk(b -> b.operations(tombstoneOps)));
      for (BulkResponseItem item : recorded.items()) {
        if (item.error() != null
            && !"version_conflict_engine_exception".equals(item.error().type())) {
          notRecorded.add(item.id());
          failures.add(
              item.id()
                  + ": the deletion was not recorded, so not applied: ["
                  + item.error().type()
                  + "] "
                  + item.error().reason());
        }
      }
    }
    List<Integer> pending = new ArrayList<>();
    List<Change<T>> all = changes;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).document() != null || !notRecorded.contains(all.get(i).id())) {
        pending.add(i);
      }
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
        if (item.error() == null || (item.status() == 404 && all.get(i).document() == null)) {
          applied++;
        } else if ("version_conflict_engine_exception".equals(item.error().type())) {
          stale++;
        } else if (retry
            && SearchException.isWriteBlock(item.error().type(), item.error().reason())) {
          blocked.add(i);
        } else {
          failures.add(
              all.get(i).id() + ": [" + item.error().type() + "] " + item.error().reason());
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
