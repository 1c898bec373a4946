package io.toutiao.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Level;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.indices.IndicesStatsResponse;
import co.elastic.clients.elasticsearch.indices.add_block.IndicesBlockOptions;
import co.elastic.clients.elasticsearch.indices.stats.ShardSequenceNumber;
import co.elastic.clients.elasticsearch.indices.stats.ShardStats;
import co.elastic.clients.json.JsonData;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero-downtime mapping change of an aliased index, done by the client (no {@code _reindex}):
 *
 * <ol>
 *   <li>create the next version ({@code articles_v1} -> {@code articles_v2}) from the new spec;
 *   <li>copy every document through a point in time with {@code search_after} and bulk requests;
 *   <li>catch up, in rounds, on the writes made meanwhile: each round copies the documents whose
 *       {@code _seq_no} is above the global checkpoint recorded before the previous round;
 *   <li>when a round is small, block writes on the old index for a moment, wait until every
 *       operation is replicated, copy the last changes, remove documents deleted meanwhile (the
 *       document counts tell whether any were), and swap the alias in one atomic request;
 *   <li>drop the old index, or keep it write-blocked for a rollback.
 * </ol>
 *
 * <p>Readers never notice. Writers going through the alias get a write-block refusal for the last
 * step only; {@link DocumentStore}, {@link BulkWriter} and {@link ChangeSync} retry those, and the
 * retry reaches the new index. A failure (for example a document the new mapping rejects) removes
 * the block, deletes the new index and leaves the alias where it was. Not thread-safe: run one
 * migration per alias at a time.
 *
 * <pre>{@code
 * IndexMigration.Result r = IndexMigration.of(client, newSpec).analyzer(manager.chineseAnalyzer()).run();
 * }</pre>
 */
public final class IndexMigration {

  private static final Logger log = LoggerFactory.getLogger(IndexMigration.class);

  /** Ids per page when looking for deleted documents (ids only, so pages can be large). */
  private static final int ID_BATCH = 10_000;

  /** Tombstones replayed into the new index: those recorded since this long before the start. */
  private static final Duration TOMBSTONE_MARGIN = Duration.ofMinutes(2);

  private static final Pattern VERSIONED = Pattern.compile("^(.*)_v(\\d+)$");

  /**
   * What a migration did.
   *
   * @param alias the alias
   * @param from the index it pointed at
   * @param to the index it points at now
   * @param copied documents copied by the first pass
   * @param caughtUp documents copied again because they changed during the copy
   * @param deleted documents removed from the new index because they were deleted meanwhile
   * @param rounds catch-up rounds, the one under the write block included
   * @param tombstones recent deletions replayed from {@link ChangeSync}'s tombstones as versioned
   *     deletes into the new index, so that changes older than them stay refused there
   * @param writesBlocked how long writes to the alias were refused
   * @param took the whole migration
   */
  public record Result(
      String alias,
      String from,
      String to,
      long copied,
      long caughtUp,
      long deleted,
      int rounds,
      long tombstones,
      Duration writesBlocked,
      Duration took) {}

  private final ElasticsearchClient client;
  private final IndexSpec spec;
  private String analyzer;
  private int batchSize = 1000;
  private int maxRounds = 20;
  private long smallRound = 1000;
  private boolean keepOld;
  private Duration replicationWait = Duration.ofSeconds(30);
  private MigrationListener listener = MigrationListener.NONE;
  private static final Duration ROLL_BACK_AFTER_OUTAGE = Duration.ofSeconds(5);
  private final Map<String, Integer> shardCounts = new java.util.HashMap<>();

  /**
   * Per shard of the tombstone index, the sequence number up to which tombstones were replayed
   * (null before the first replay, which selects them by time).
   */
  private Map<String, Long> tombstoneMarks;

  /** When the current run of failed steps began ({@code System.nanoTime()}), 0 while none. */
  private long unavailableSince;

  /** Whether a step gave up because that run of failures outlasted the replication wait. */
  private boolean outageOutlasted;

  private IndexMigration(ElasticsearchClient client, IndexSpec spec) {
    this.client = Objects.requireNonNull(client, "client must not be null");
    this.spec = Objects.requireNonNull(spec, "spec must not be null");
  }

  /**
   * Prepares a migration of {@code spec.name()} to the mapping of {@code spec}.
   *
   * @param client the client
   * @param spec the new definition; its name is the alias
   * @return the migration, to configure and {@link #run()}
   */
  public static IndexMigration of(ElasticsearchClient client, IndexSpec spec) {
    return new IndexMigration(client, spec);
  }

  /**
   * The Chinese analyzer for the new index (default: detected from the cluster).
   *
   * @param analyzer e.g. {@code ik_max_word}
   * @return this
   */
  public IndexMigration analyzer(String analyzer) {
    this.analyzer = Objects.requireNonNull(analyzer, "analyzer must not be null");
    return this;
  }

  /**
   * Documents per search page and bulk request (default 1000, 1..10000).
   *
   * @param batchSize the size
   * @return this
   */
  public IndexMigration batchSize(int batchSize) {
    if (batchSize < 1 || batchSize > 10_000) {
      throw new IllegalArgumentException("batchSize must be 1..10000, got " + batchSize);
    }
    this.batchSize = batchSize;
    return this;
  }

  /**
   * Catch-up rounds before writes are blocked regardless of how many changes remain (default 20),
   * and the round size under which they are blocked early (default 1000 documents).
   *
   * @param maxRounds at least 1
   * @param smallRound documents
   * @return this
   */
  public IndexMigration catchUp(int maxRounds, long smallRound) {
    if (maxRounds < 1 || smallRound < 0) {
      throw new IllegalArgumentException(
          "maxRounds must be >= 1 and smallRound >= 0, got " + maxRounds + ", " + smallRound);
    }
    this.maxRounds = maxRounds;
    this.smallRound = smallRound;
    return this;
  }

  /**
   * Keeps the old index (write-blocked) instead of deleting it (default: delete).
   *
   * @param keepOld true to keep it
   * @return this
   */
  public IndexMigration keepOldIndex(boolean keepOld) {
    this.keepOld = keepOld;
    return this;
  }

  /**
   * How long to wait, under the write block, for in-flight writes to reach every copy, and how long
   * the migration rides out an unavailable cluster (failed steps are sent again, counted from the
   * first failure of a run; any step that succeeds starts the count again) before it fails and
   * rolls back (default 30 s). An outage longer than this fails the migration within about this
   * time plus a few seconds of roll-back attempts.
   *
   * @param wait the limit
   * @return this
   */
  public IndexMigration replicationWait(Duration wait) {
    this.replicationWait = Objects.requireNonNull(wait, "wait must not be null");
    return this;
  }

  /**
   * Tells {@code listener} of the migration's progress (metrics; default none).
   *
   * @param listener the listener
   * @return this
   */
  public IndexMigration listener(MigrationListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener must not be null");
    return this;
  }

  /**
   * Runs the migration.
   *
   * @return what was done
   * @throws SearchException when it failed; the alias then still points at the old index, which
   *     accepts writes again, and the new index is deleted
   */
  public Result run() {
    long started = System.nanoTime();
    tombstoneMarks = null;
    unavailableSince = 0;
    outageOutlasted = false;
    String alias = spec.name();
    String from = current(client, alias);
    String to = nextName(alias, from);
    String chosen = analyzer != null ? analyzer : ChineseAnalysis.detect(client);
    boolean blocked = false;
    boolean created = false;
    try {
      client.indices().create(c -> c.index(to).withJson(new StringReader(spec.toJson(chosen))));
      created = true;
      log.info("migrating {}: copying {} into {}", alias, from, to);

      Map<String, Long> checkpoints = checkpoints(from);
      long copied = copyAll(from, to);
      listener.onCopied(alias, copied);
      long caughtUp = 0;
      long tombstonesReplayed = 0;
      int rounds = 0;
      long changed;
      do {
        Map<String, Long> now = checkpoints(from);
        changed = catchUp(from, to, checkpoints);
        log.info(
            "migrating {}: catch-up round {} copied {} documents above {}",
            alias,
            rounds + 1,
            changed,
            checkpoints);
        checkpoints = now;
        caughtUp += changed;
        rounds++;
        listener.onRound(alias, rounds, changed);
        // deletions too, so the block replays only those of its last moments
        tombstonesReplayed += replayTombstones(alias, from, to, started);
      } while (changed > smallRound && rounds < maxRounds);
      long deleted = removeDeleted(from, to, null);

      long blockStarted = System.nanoTime();
      client.indices().addBlock(b -> b.index(from).block(IndicesBlockOptions.Write));
      blocked = true;
      awaitReplicated(from);
      changed = catchUp(from, to, checkpoints);
      caughtUp += changed;
      rounds++;
      listener.onRound(alias, rounds, changed);
      tombstonesReplayed += replayTombstones(alias, from, to, started);
      refresh(from);
      refresh(to);
      long inOld = count(from);
      long inNew = count(to);
      if (inNew < inOld) {
        throw new SearchException(
            "migration of "
                + alias
                + " failed: "
                + to
                + " has "
                + inNew
                + " documents after catch-up, "
                + from
                + " has "
                + inOld
                + "; missing for example "
                + missingSample(from, to, 5)
                + " (checkpoints of the last round "
                + checkpoints
                + ")",
            null);
      }
      // documents deleted from the old index since the last look are still in the new one; they
      // are removed after the swap (the old index stays write-blocked, so it is a fixed reference),
      // each only if nobody wrote it since, so the block does not grow with the index
      Map<String, Long> swappedAt = inNew > inOld ? maxSeqNos(to) : Map.of();
      client
          .indices()
          .updateAliases(
              u ->
                  u.actions(a -> a.remove(r -> r.index(from).alias(alias)))
                      .actions(a -> a.add(ad -> ad.index(to).alias(alias))));
      Duration writesBlocked = Duration.ofNanos(System.nanoTime() - blockStarted);
      blocked = false;
      created = false;
      boolean keep = keepOld;
      if (!swappedAt.isEmpty()) {
        try {
          deleted += removeDeleted(from, to, swappedAt);
        } catch (RuntimeException e) {
          keep = true;
          log.warn(
              "migrated {} to {}, but documents deleted during the last moments may still be in"
                  + " {}; {} is kept (write-blocked) to compare against",
              alias,
              to,
              to,
              from,
              e);
        }
      }
      if (!keep) {
        client.indices().delete(d -> d.index(from));
      }
      Result result =
          new Result(
              alias,
              from,
              to,
              copied,
              caughtUp,
              deleted,
              rounds,
              tombstonesReplayed,
              writesBlocked,
              Duration.ofNanos(System.nanoTime() - started));
      log.info("migrated {}: {}", alias, result);
      listener.onSucceeded(result);
      return result;
    } catch (Exception e) {
      rollBack(from, to, blocked, created);
      listener.onFailed(alias, Duration.ofNanos(System.nanoTime() - started));
      if (e instanceof SearchException search) {
        throw search;
      }
      throw SearchException.translate("migrate " + alias + " from " + from + " to " + to, e);
    }
  }

  /**
   * What {@link #cleanUp} repaired.
   *
   * @param alias the alias
   * @param index the index it points at
   * @param unblocked whether that index had a write block left by an interrupted migration
   * @param deleted unfinished newer versions that were deleted
   */
  public record CleanUp(String alias, String index, boolean unblocked, List<String> deleted) {}

  /**
   * Repairs what a migration interrupted by a crash or a cluster outage can leave behind (its own
   * roll-back normally does this): removes a write block from the index the alias points at and
   * deletes newer versions ({@code <alias>_v<n+k>}) that no alias points at. Run it before
   * migrating again, never while a migration of the alias is running.
   *
   * @param client the client
   * @param alias the alias
   * @return what was repaired
   */
  public static CleanUp cleanUp(ElasticsearchClient client, String alias) {
    Objects.requireNonNull(client, "client must not be null");
    Objects.requireNonNull(alias, "alias must not be null");
    try {
      String current = current(client, alias);
      var settings = client.indices().getSettings(g -> g.index(current).name("index.blocks.write"));
      String json =
          co.elastic.clients.json.JsonpUtils.toJsonString(settings, client._jsonpMapper());
      boolean blocked = json.replace(" ", "").matches("(?s).*\"write\":\"?true\"?.*");
      if (blocked && !unblock(client, current)) {
        throw new SearchException("could not remove the write block from " + current, null);
      }
      long version = version(alias, current);
      List<String> deleted = new ArrayList<>();
      for (var entry :
          client
              .indices()
              .get(g -> g.index(alias + "_v*").allowNoIndices(true).ignoreUnavailable(true))
              .result()
              .entrySet()) {
        String name = entry.getKey();
        boolean aliased =
            entry.getValue().aliases() != null && !entry.getValue().aliases().isEmpty();
        if (!aliased && version(alias, name) > version) {
          client.indices().delete(d -> d.index(name));
          deleted.add(name);
        }
      }
      CleanUp result = new CleanUp(alias, current, blocked, List.copyOf(deleted));
      if (blocked || !deleted.isEmpty()) {
        log.warn("cleaned up after an interrupted migration: {}", result);
      }
      return result;
    } catch (Exception e) {
      throw SearchException.translate("clean up after a migration of " + alias, e);
    }
  }

  /** The version number of {@code <alias>_v<n>}, 1 for any other name. */
  private static long version(String alias, String index) {
    Matcher m = VERSIONED.matcher(index);
    return m.matches() && m.group(1).equals(alias) ? Long.parseLong(m.group(2)) : 1;
  }

  private void rollBack(String from, String to, boolean blocked, boolean created) {
    // a node that just left can make these fail for a moment: each is retried up to the
    // replication wait, so writers are not left blocked by a transient failure; after an outage
    // that already used that wait up, a few seconds only (cleanUp repairs what is left)
    long deadline =
        System.nanoTime()
            + (outageBudgetLeft() ? replicationWait : ROLL_BACK_AFTER_OUTAGE).toNanos();
    if (blocked) {
      while (!unblock(client, from) && System.nanoTime() < deadline) {
        pause(500);
      }
    }
    if (created) {
      while (true) {
        try {
          client.indices().delete(d -> d.index(to));
          return;
        } catch (Exception e) {
          if (String.valueOf(e.getMessage()).contains("index_not_found_exception")) {
            return;
          }
          if (System.nanoTime() >= deadline) {
            log.warn("could not delete the unfinished index {}", to, e);
            return;
          }
          pause(500);
        }
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Removes a write block, logging how to do it by hand when that fails. */
  private static boolean unblock(ElasticsearchClient client, String index) {
    try {
      client
          .indices()
          .putSettings(
              p ->
                  p.index(index)
                      .withJson(new StringReader("{\"index\":{\"blocks.write\":false}}")));
      return true;
    } catch (Exception e) {
      log.error(
          "could not remove the write block from {}; run IndexMigration.cleanUp or PUT {}/_settings"
              + " {{\"index.blocks.write\":false}}",
          index,
          index,
          e);
      return false;
    }
  }

  private static String current(ElasticsearchClient client, String alias) {
    try {
      Set<String> indexes = client.indices().getAlias(a -> a.name(alias)).result().keySet();
      if (indexes.size() != 1) {
        throw new SearchException(
            "cannot migrate " + alias + ": it points at " + indexes + ", expected one index", null);
      }
      return indexes.iterator().next();
    } catch (Exception e) {
      throw SearchException.translate("resolve alias " + alias, e);
    }
  }

  /**
   * The next version's name: {@code <alias>_v<n+1>} after {@code <alias>_v<n>}, else {@code
   * <alias>_v2}.
   */
  static String nextName(String alias, String current) {
    return alias + "_v" + (version(alias, current) + 1);
  }

  /** Each primary shard's global checkpoint: every operation at or below it is on every copy. */
  private Map<String, Long> checkpoints(String index) throws Exception {
    Map<String, Long> result = new TreeMap<>();
    primarySeqNos(index).forEach((shard, seq) -> result.put(shard, seq.globalCheckpoint()));
    return result;
  }

  /** Each primary shard's highest sequence number. */
  private Map<String, Long> maxSeqNos(String index) throws Exception {
    Map<String, Long> result = new TreeMap<>();
    primarySeqNos(index).forEach((shard, seq) -> result.put(shard, seq.maxSeqNo()));
    return result;
  }

  /**
   * The sequence numbers of every shard's primary. While a primary is failing over (a node left) it
   * is missing from the statistics; this waits for it, up to the replication wait, rather than
   * leave that shard out of a round.
   */
  private Map<String, ShardSequenceNumber> primarySeqNos(String index) throws Exception {
    int shards = shardCount(index);
    long deadline = System.nanoTime() + replicationWait.toNanos();
    while (true) {
      IndicesStatsResponse stats = client.indices().stats(s -> s.index(index).level(Level.Shards));
      Map<String, ShardSequenceNumber> result = new TreeMap<>();
      var perIndex = stats.indices().get(index);
      if (perIndex != null && perIndex.shards() != null) {
        for (Map.Entry<String, List<ShardStats>> shard : perIndex.shards().entrySet()) {
          for (ShardStats copy : shard.getValue()) {
            if (copy.routing() != null && copy.routing().primary() && copy.seqNo() != null) {
              result.put(shard.getKey(), copy.seqNo());
            }
          }
        }
      }
      if (result.size() >= shards) {
        return result;
      }
      if (System.nanoTime() > deadline) {
        throw new SearchException.Unavailable(
            "only "
                + result.size()
                + " of "
                + shards
                + " primary shards of "
                + index
                + " answered within "
                + replicationWait,
            null);
      }
      Thread.sleep(100);
    }
  }

  private int shardCount(String index) throws Exception {
    Integer known = shardCounts.get(index);
    if (known == null) {
      var settings = client.indices().getSettings(g -> g.index(index)).get(index);
      var values = settings == null ? null : settings.settings();
      String n = values == null ? null : values.numberOfShards();
      if (n == null && values != null && values.index() != null) {
        n = values.index().numberOfShards();
      }
      known = n == null ? 1 : Integer.parseInt(n);
      shardCounts.put(index, known);
    }
    return known;
  }

  /**
   * Copies, shard by shard, the documents whose sequence number is above that shard's checkpoint:
   * sequence numbers are per shard, so each shard is caught up from its own, and a skewed index
   * copies only what changed.
   */
  private long catchUp(String from, String to, Map<String, Long> checkpoints) throws Exception {
    // bounded by what each shard had when the round began: documents written meanwhile are for
    // the next round, so a round ends even while writers keep writing
    Map<String, Long> upTo = maxSeqNos(from);
    refresh(from);
    long copied = 0;
    for (Map.Entry<String, Long> shard : checkpoints.entrySet()) {
      long[] n = {0};
      long last = upTo.getOrDefault(shard.getKey(), Long.MAX_VALUE);
      scanShard(
          from,
          shard.getKey(),
          shard.getValue(),
          last,
          true,
          batchSize,
          hits -> {
            copyHits(to, hits);
            n[0] += hits.size();
          });
      copied += n[0];
    }
    return copied;
  }

  /**
   * Hands every page of one shard's documents with {@code above < _seq_no <= atMost} to {@code
   * page}, in sequence-number order.
   */
  private void scanShard(
      String index,
      String shard,
      long above,
      long atMost,
      boolean source,
      int pageSize,
      Consumer<List<Hit<JsonData>>> page) {
    List<co.elastic.clients.elasticsearch._types.FieldValue> after = null;
    while (true) {
      List<co.elastic.clients.elasticsearch._types.FieldValue> from = after;
      SearchResponse<JsonData> response =
          searchAllShards(
              () ->
                  client.search(
                      s -> {
                        s.index(index)
                            .preference("_shards:" + shard)
                            .size(pageSize)
                            .version(true)
                            .seqNoPrimaryTerm(true)
                            .trackTotalHits(t -> t.enabled(false))
                            .query(
                                q ->
                                    q.range(
                                        r ->
                                            r.untyped(
                                                u ->
                                                    u.field("_seq_no")
                                                        .gt(JsonData.of(above))
                                                        .lte(JsonData.of(atMost)))))
                            .sort(o -> o.field(f -> f.field("_seq_no")));
                        if (!source) {
                          s.source(src -> src.fetch(false));
                        }
                        if (from != null) {
                          s.searchAfter(from);
                        }
                        return s;
                      },
                      JsonData.class),
              "scan shard " + shard + " of " + index);
      List<Hit<JsonData>> hits = response.hits().hits();
      if (hits.isEmpty()) {
        return;
      }
      page.accept(hits);
      if (hits.size() < pageSize) {
        return;
      }
      after = hits.get(hits.size() - 1).sort();
    }
  }

  /**
   * Replays the deletions {@link ChangeSync} recorded as versioned deletes into the new index: the
   * first time those recorded since shortly before the migration began, then (after each catch-up
   * round and once under the write block) those recorded since the previous replay, tracked per
   * shard of the tombstone index by sequence number. They remove documents deleted since they were
   * copied and leave Elasticsearch's own tombstones there, so a change that raced with a deletion
   * is refused in the new index as it would have been in the old one. Under the block the work is
   * the deletions of the last round, not of the whole migration.
   */
  private long replayTombstones(String alias, String from, String to, long startedNanos)
      throws Exception {
    String tombstones = ChangeSync.tombstoneIndexOf(alias);
    if (!client.indices().exists(e -> e.index(tombstones)).value()) {
      return 0;
    }
    // what a later replay starts from: each shard's operations up to here are seen by this one
    Map<String, Long> next = checkpoints(tombstones);
    refresh(tombstones);
    long since =
        System.currentTimeMillis()
            - (System.nanoTime() - startedNanos) / 1_000_000
            - TOMBSTONE_MARGIN.toMillis();
    long[] replayed = {0};
    Consumer<List<Hit<JsonData>>> replay =
        hits -> {
          // a deletion recorded but not yet applied to the old index (its writer is waiting for
          // the block to lift, and will apply it through the alias to the new index) is left to
          // that writer: the new index mirrors the old one, and the recorded tombstone still
          // refuses older changes
          Set<String> pending = present(from, hits);
          List<BulkOperation> ops = new ArrayList<>();
          for (Hit<JsonData> hit : hits) {
            if (pending.contains(hit.id())) {
              continue;
            }
            ops.add(
                BulkOperation.of(
                    o ->
                        o.delete(
                            d ->
                                d.index(to)
                                    .id(hit.id())
                                    .version(hit.version())
                                    .versionType(VersionType.External))));
          }
          if (!ops.isEmpty()) {
            bulk(to, ops);
            replayed[0] += ops.size();
          }
        };
    if (tombstoneMarks == null) {
      scan(
          tombstones,
          Query.of(
              q ->
                  q.range(
                      r -> r.untyped(u -> u.field(ChangeSync.DELETED_AT).gte(JsonData.of(since))))),
          true,
          batchSize,
          replay);
    } else {
      for (Map.Entry<String, Long> shard : tombstoneMarks.entrySet()) {
        scanShard(
            tombstones, shard.getKey(), shard.getValue(), Long.MAX_VALUE, true, batchSize, replay);
      }
    }
    tombstoneMarks = next;
    return replayed[0];
  }

  /** Under the write block: waits until every operation a shard accepted is on every copy. */
  private void awaitReplicated(String index) throws Exception {
    long deadline = System.nanoTime() + replicationWait.toNanos();
    while (!primarySeqNos(index).values().stream()
        .allMatch(s -> s.globalCheckpoint() == s.maxSeqNo())) {
      if (System.nanoTime() > deadline) {
        throw new SearchException(
            "writes to " + index + " did not reach every copy within " + replicationWait, null);
      }
      Thread.sleep(50);
    }
  }

  /**
   * The first full copy. A point in time lives on the nodes that hold it, so when one leaves the
   * cluster the copy starts again with a new one (copies are external-versioned, so documents
   * copied twice stay as they are), up to three times.
   */
  private long copyAll(String from, String to) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return copy(from, to, -1);
      } catch (SearchException e) {
        if (attempt >= 3 || !isTransient(e) || !outageBudgetLeft()) {
          throw e;
        }
        if (unavailableSince == 0) {
          unavailableSince = System.nanoTime();
        }
        log.warn(
            "copying {} failed (attempt {}), starting again: {}", from, attempt, e.getMessage());
        Thread.sleep(1_000L * attempt);
      }
    }
  }

  /**
   * Copies the documents of {@code from} whose sequence number is above {@code above} (all when
   * negative) into {@code to}.
   */
  private long copy(String from, String to, long above) throws Exception {
    refresh(from);
    Query query =
        above < 0
            ? Query.of(q -> q.matchAll(m -> m))
            : Query.of(
                q -> q.range(r -> r.untyped(u -> u.field("_seq_no").gt(JsonData.of(above)))));
    long[] copied = {0};
    scan(
        from,
        query,
        true,
        batchSize,
        hits -> {
          copyHits(to, hits);
          copied[0] += hits.size();
        });
    return copied[0];
  }

  private void copyHits(String to, List<Hit<JsonData>> hits) {
    List<String> conflicts = bulk(to, hits.stream().map(hit -> copyOf(hit, to, true)).toList());
    if (!conflicts.isEmpty()) {
      // the id was deleted and created again after its tombstone expired, so its version
      // restarted: copy the content without the version
      Set<String> again = new HashSet<>(conflicts);
      bulk(
          to,
          hits.stream()
              .filter(hit -> again.contains(hit.id()))
              .map(hit -> copyOf(hit, to, false))
              .toList());
    }
  }

  private static BulkOperation copyOf(Hit<JsonData> hit, String to, boolean keepVersion) {
    return BulkOperation.of(
        o ->
            o.index(
                i -> {
                  i.index(to).id(hit.id()).routing(hit.routing()).document(hit.source());
                  return keepVersion
                      ? i.version(hit.version()).versionType(VersionType.ExternalGte)
                      : i;
                }));
  }

  /**
   * Deletes from {@code to} the documents that {@code from} no longer has. Before the swap ({@code
   * swappedAt} null) every document of {@code to} is looked at and deleted outright (only the
   * migration writes to it). After the swap only those {@code to} held at the swap (sequence number
   * at most {@code swappedAt} of their shard), each deleted only if still at the version looked at,
   * so a write made through the alias since the swap is never undone.
   */
  private long removeDeleted(String from, String to, Map<String, Long> swappedAt) throws Exception {
    refresh(from);
    refresh(to);
    long[] deleted = {0};
    Consumer<List<Hit<JsonData>>> page =
        hits -> {
          Set<String> kept = present(from, hits);
          List<BulkOperation> ops = new ArrayList<>();
          for (Hit<JsonData> hit : hits) {
            if (!kept.contains(hit.id())) {
              ops.add(
                  BulkOperation.of(
                      o ->
                          o.delete(
                              d -> {
                                d.index(to).id(hit.id()).routing(hit.routing());
                                return swappedAt == null
                                    ? d
                                    : d.ifSeqNo(hit.seqNo()).ifPrimaryTerm(hit.primaryTerm());
                              })));
            }
          }
          if (!ops.isEmpty()) {
            deleted[0] += ops.size() - bulk(to, ops).size();
          }
        };
    if (swappedAt == null) {
      scan(to, Query.of(q -> q.matchAll(m -> m)), false, ID_BATCH, page);
    } else {
      for (Map.Entry<String, Long> shard : swappedAt.entrySet()) {
        scanShard(to, shard.getKey(), -1, shard.getValue(), false, ID_BATCH, page);
      }
    }
    return deleted[0];
  }

  /**
   * Up to {@code limit} documents of {@code from} that {@code to} lacks, with their sequence
   * numbers, for the failure message (only on the failure path: it scans every id).
   */
  private List<String> missingSample(String from, String to, int limit) {
    List<String> missing = new ArrayList<>();
    try {
      scan(
          from,
          Query.of(q -> q.matchAll(m -> m)),
          false,
          ID_BATCH,
          hits -> {
            if (missing.size() >= limit) {
              return;
            }
            Set<String> inTo = present(to, hits);
            for (Hit<JsonData> hit : hits) {
              if (missing.size() < limit && !inTo.contains(hit.id())) {
                missing.add(describe(from, hit.id(), hit.routing()));
              }
            }
          });
    } catch (RuntimeException e) {
      missing.add("(could not look further: " + e.getMessage() + ")");
    }
    return missing;
  }

  private String tombstoneOf(String id) {
    try {
      var got =
          client.get(g -> g.index(ChangeSync.tombstoneIndexOf(spec.name())).id(id), JsonData.class);
      return got.found() ? "version " + got.version() : "none";
    } catch (Exception e) {
      return "unknown";
    }
  }

  private String describe(String index, String id, String routing) {
    try {
      var got =
          client.get(
              g -> {
                g.index(index).id(id).source(src -> src.fetch(false));
                return routing == null ? g : g.routing(routing);
              },
              Void.class);
      return id
          + " (seq_no "
          + got.seqNo()
          + ", primary term "
          + got.primaryTerm()
          + ", version "
          + got.version()
          + ", tombstone "
          + tombstoneOf(id)
          + ")";
    } catch (Exception e) {
      return id;
    }
  }

  /**
   * The ids of {@code hits} that {@code index} holds, by a real-time get per document: it sees
   * every acknowledged write on any copy, refreshed or not, so a document written a moment ago is
   * never taken for a deleted one.
   */
  private Set<String> present(String index, List<Hit<JsonData>> hits) {
    MgetResponse<Void> got =
        call(
            () ->
                client.mget(
                    m -> {
                      for (Hit<JsonData> hit : hits) {
                        m.docs(
                            d -> {
                              d.index(index).id(hit.id()).source(src -> src.fetch(false));
                              return hit.routing() == null ? d : d.routing(hit.routing());
                            });
                      }
                      return m;
                    },
                    Void.class));
    Set<String> kept = new HashSet<>();
    for (MultiGetResponseItem<Void> item : got.docs()) {
      if (item.isFailure()) {
        throw new SearchException.Unavailable(
            "could not look up "
                + item.failure().id()
                + " in "
                + index
                + ": "
                + item.failure().error().reason(),
            null);
      }
      if (item.result().found()) {
        kept.add(item.result().id());
      }
    }
    return kept;
  }

  /**
   * Sends one bulk request; returns the ids refused by a version conflict and fails on any other
   * refusal, naming the documents and Elasticsearch's reasons.
   */
  private List<String> bulk(String index, List<BulkOperation> ops) {
    BulkResponse response = call(() -> client.bulk(b -> b.operations(ops)));
    List<String> conflicts = new ArrayList<>();
    if (response.errors()) {
      List<String> failures = new ArrayList<>();
      for (BulkResponseItem item : response.items()) {
        if (item.error() == null) {
          continue;
        }
        if ("version_conflict_engine_exception".equals(item.error().type())) {
          conflicts.add(item.id());
        } else {
          failures.add(item.id() + ": [" + item.error().type() + "] " + item.error().reason());
        }
      }
      if (!failures.isEmpty()) {
        throw new SearchException(
            "copy into "
                + index
                + " refused "
                + failures.size()
                + " document(s), first: "
                + failures.subList(0, Math.min(5, failures.size())),
            null);
      }
    }
    return conflicts;
  }

  /** Hands every page of a point-in-time scan of {@code index} to {@code page}. */
  private void scan(
      String index,
      Query query,
      boolean source,
      int batchSize,
      Consumer<List<Hit<JsonData>>> page) {
    try (PointInTimeScan scan =
        new PointInTimeScan(client, index, query, batchSize, source, "2m")) {
      scan.forEachRemaining(page);
    }
  }

  private void refresh(String index) {
    call(() -> client.indices().refresh(r -> r.index(index)));
  }

  private long count(String index) {
    return call(() -> client.count(c -> c.index(index)).count());
  }

  /**
   * Runs one idempotent step (a page of a scan, a look-up, a copy with external versions, a
   * conditional delete), sending it again while Elasticsearch is unavailable (a node left, a
   * primary is failing over) for up to the replication wait.
   */
  private <T> T call(WriteRetry.Call<T> call) {
    long pause = 100;
    while (true) {
      SearchException failure;
      try {
        T result = call.run();
        unavailableSince = 0;
        outageOutlasted = false;
        return result;
      } catch (SearchException e) {
        failure = e;
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        failure = SearchException.translate("copy documents", e);
      }
      if (!isTransient(failure)) {
        throw failure;
      }
      long now = System.nanoTime();
      if (unavailableSince == 0) {
        unavailableSince = now;
      }
      if (now + pause * 1_000_000 - unavailableSince > replicationWait.toNanos()) {
        outageOutlasted = true;
        throw failure;
      }
      log.warn("migration step failed, sending it again in {} ms: {}", pause, failure.getMessage());
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure;
      }
      pause = Math.min(2_000, pause * 2);
    }
  }

  /** Whether the current run of failed steps (if any) is still within the replication wait. */
  private boolean outageBudgetLeft() {
    return !outageOutlasted
        && (unavailableSince == 0
            || System.nanoTime() - unavailableSince < replicationWait.toNanos());
  }

  /** A search through {@link #call}, failing (and so retried) when a shard did not answer. */
  private <T> SearchResponse<T> searchAllShards(
      WriteRetry.Call<SearchResponse<T>> search, String action) {
    return call(
        () -> {
          SearchResponse<T> response = search.run();
          SearchException.requireAllShards(response, action);
          return response;
        });
  }

  /** Failures a node leaving the cluster causes for a moment. */
  private static boolean isTransient(SearchException e) {
    if (e instanceof SearchException.Unavailable) {
      return true;
    }
    String message = String.valueOf(e.getMessage());
    return message.contains("unavailable_shards_exception")
        || message.contains("no_shard_available_action_exception")
        || message.contains("node_not_connected_exception")
        || message.contains("node_disconnected_exception")
        || message.contains("connect_transport_exception")
        || message.contains("search_phase_execution_exception");
  }
}
