package io.toutiao.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import io.toutiao.search.SearchIT.Article;
import io.toutiao.testing.ElasticsearchServer;
import io.toutiao.testing.ElasticsearchTest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@ElasticsearchTest(deleteIndices = true)
class MigrationIT {

  static ElasticsearchClient client;
  static IndexManager indexes;
  static final IndexSpec V1 = IndexSpec.articles().shards(2).replicas(0).build();
  static final IndexSpec V2 =
      IndexSpec.articles().field("tag", IndexSpec.FieldType.KEYWORD).shards(1).replicas(0).build();

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
  void fresh(ElasticsearchServer es) throws IOException {
    es.deleteIndices();
  }

  static Article article(long id, String title) {
    return new Article(id, 7, title, "正文" + id, 2, "2026-11-27T10:00:00Z");
  }

  static String id(Article a) {
    return Long.toString(a.article_id());
  }

  void seed(int count) {
    try (BulkWriter<Article> writer =
        new BulkWriter<>(client, "articles", MigrationIT::id, (id, r) -> {})) {
      for (int i = 0; i < count; i++) {
        writer.index(article(i, "新闻" + i));
      }
    }
  }

  /**
   * Writers of three kinds run before, during and after the migration, each owning its ids and
   * keeping a model of what it was told was written: every acknowledged write must be in the new
   * index, every acknowledged delete must be gone.
   */
  @Test
  void noWriteIsLostWhileWritersRunThroughout() throws Exception {
    indexes.ensure(V1);
    seed(12_000);
    Map<String, Optional<Article>> model = new ConcurrentHashMap<>();
    for (int i = 0; i < 12_000; i++) {
      model.put(Integer.toString(i), Optional.of(article(i, "新闻" + i)));
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong acknowledged = new AtomicLong();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(5);
    List<Future<?>> writers = new ArrayList<>();

    DocumentStore<Article> store =
        new DocumentStore<>(client, "articles", Article.class, MigrationIT::id);
    for (int w = 0; w < 3; w++) {
      int owner = w;
      writers.add(
          pool.submit(
              () -> {
                Random random = new Random(owner);
                long next = 100_000L * (owner + 1);
                int n = 0;
                while (!stop.get()) {
                  // existing ids owned by this writer: i % 10 == owner
                  String existing = Integer.toString(random.nextInt(1200) * 10 + owner);
                  try {
                    switch (n++ % 4) {
                      case 0 -> {
                        Article a = article(next++, "新增" + n);
                        store.index(a);
                        model.put(id(a), Optional.of(a));
                      }
                      case 1 -> {
                        Article a = article(Long.parseLong(existing), "改写" + n);
                        store.index(a);
                        model.put(existing, Optional.of(a));
                      }
                      case 2 -> {
                        if (model.get(existing).isPresent()) {
                          store.update(existing, Map.of("title", "部分更新" + n));
                          Article old = model.get(existing).orElseThrow();
                          model.put(
                              existing,
                              Optional.of(
                                  new Article(
                                      old.article_id(),
                                      old.user_id(),
                                      "部分更新" + n,
                                      old.content(),
                                      old.status(),
                                      old.create_time())));
                        }
                      }
                      default -> {
                        store.delete(existing);
                        model.put(existing, Optional.empty());
                      }
                    }
                    acknowledged.incrementAndGet();
                  } catch (Throwable e) {
                    errors.add(e);
                    return;
                  }
                }
              }));
    }
    // versioned changes for ids i % 10 == 5, sent in batches
    AtomicLong lateChanges = new AtomicLong();
    AtomicLong lateApplied = new AtomicLong();
    ChangeSync<Article> sync = new ChangeSync<>(client, "articles");
    writers.add(
        pool.submit(
            () -> {
              Random random = new Random(5);
              long version = 1;
              while (!stop.get()) {
                List<ChangeSync.Change<Article>> batch = new ArrayList<>();
                Map<String, Optional<Article>> expected = new java.util.HashMap<>();
                for (int k = 0; k < 20; k++) {
                  String id = Integer.toString(random.nextInt(1200) * 10 + 5);
                  Article a =
                      random.nextInt(5) == 0 ? null : article(Long.parseLong(id), "同步" + version);
                  batch.add(new ChangeSync.Change<>(id, version++, a));
                  expected.put(id, Optional.ofNullable(a));
                }
                try {
                  ChangeSync.Result result = sync.apply(batch);
                  if (result.failed() > 0) {
                    errors.add(new AssertionError("sync failures: " + result.failures()));
                    return;
                  }
                  model.putAll(expected);
                  acknowledged.addAndGet(batch.size());
                  // a late, older change of every id just deleted: it must never re-create it
                  List<ChangeSync.Change<Article>> late = new ArrayList<>();
                  for (ChangeSync.Change<Article> c : batch) {
                    if (c.document() == null && expected.get(c.id()).isEmpty()) {
                      late.add(
                          new ChangeSync.Change<>(
                              c.id(), c.version() - 1, article(Long.parseLong(c.id()), "迟到")));
                    }
                  }
                  if (!late.isEmpty()) {
                    ChangeSync.Result refused = sync.apply(late);
                    lateChanges.addAndGet(late.size());
                    lateApplied.addAndGet(refused.applied());
                  }
                } catch (Throwable e) {
                  errors.add(e);
                  return;
                }
              }
            }));
    // bulk ingestion: rewrites, deletes and re-creates of ids i % 10 == 6, and new ids; the
    // writer keeps each id's writes in order, so its model is the last write queued
    Map<String, String> bulkFailures = new ConcurrentHashMap<>();
    BulkWriter<Article> bulk =
        new BulkWriter<>(client, "articles", MigrationIT::id, bulkFailures::put, 200, 1 << 20, 2);
    Map<String, Optional<Article>> bulkModel = new ConcurrentHashMap<>();
    writers.add(
        pool.submit(
            () -> {
              Random random = new Random(6);
              long next = 900_000;
              int n = 0;
              while (!stop.get()) {
                n++;
                if (n % 3 == 0) {
                  Article a = article(next++, "批量" + n);
                  bulk.index(a);
                  bulkModel.put(id(a), Optional.of(a));
                } else {
                  String existing = Integer.toString(random.nextInt(1200) * 10 + 6);
                  if (random.nextInt(4) == 0) {
                    bulk.delete(existing);
                    bulkModel.put(existing, Optional.empty());
                  } else {
                    Article a = article(Long.parseLong(existing), "批量改写" + n);
                    bulk.index(a);
                    bulkModel.put(existing, Optional.of(a));
                  }
                }
                if (n % 5 == 0) {
                  try {
                    Thread.sleep(5);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              }
            }));

    IndexMigration.Result result;
    long during;
    try {
      Thread.sleep(500);
      long before = acknowledged.get();
      result =
          IndexMigration.of(client, V2).analyzer(indexes.chineseAnalyzer()).batchSize(500).run();
      during = acknowledged.get() - before;
      Thread.sleep(500);
    } finally {
      stop.set(true);
      for (Future<?> writer : writers) {
        writer.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      bulk.close();
    }

    assertThat(errors).isEmpty();
    assertThat(bulkFailures).isEmpty();
    assertThat(bulk.indexed()).isEqualTo(bulk.submitted());
    assertThat(result.from()).isEqualTo("articles_v1");
    assertThat(result.to()).isEqualTo("articles_v2");
    assertThat(result.copied()).as("less what was deleted before the copy").isGreaterThan(11_000);
    assertThat(during).as("writes acknowledged during the migration").isPositive();
    assertThat(result.caughtUp()).as("writes caught up").isPositive();
    assertThat(client.indices().getAlias(a -> a.name("articles")).result().keySet())
        .containsExactly("articles_v2");
    assertThat(client.indices().exists(e -> e.index("articles_v1")).value()).isFalse();
    assertThat(
            client
                .indices()
                .getMapping(m -> m.index("articles"))
                .result()
                .get("articles_v2")
                .mappings()
                .properties())
        .containsKey("tag");

    model.putAll(bulkModel);
    client.indices().refresh(r -> r.index("articles"));
    List<String> ids = new ArrayList<>(model.keySet());
    List<String> wrong = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += 1000) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
      MgetResponse<Article> got = client.mget(m -> m.index("articles").ids(chunk), Article.class);
      for (var doc : got.docs()) {
        String id = doc.result().id();
        Optional<Article> expected = model.get(id);
        Optional<Article> actual =
            doc.result().found() ? Optional.of(doc.result().source()) : Optional.empty();
        if (!expected.equals(actual)) {
          wrong.add(id + " expected " + expected + " but was " + actual);
        }
      }
    }
    assertThat(lateChanges.get()).as("late changes sent").isPositive();
    assertThat(lateApplied.get()).as("late changes applied over a deletion").isZero();
    assertThat(wrong).as("lost, stale or resurrected ids").isEmpty();
    assertThat(result.writesBlocked()).as("write block").isLessThan(Duration.ofSeconds(5));
    org.slf4j.LoggerFactory.getLogger(MigrationIT.class)
        .info(
            "migration under writers: {}; {} late changes refused; {} ids checked, 0 wrong",
            result,
            lateChanges.get(),
            ids.size());
    long present = model.values().stream().filter(Optional::isPresent).count();
    assertThat(client.count(c -> c.index("articles")).count()).isEqualTo(present);
  }

  @Test
  void aVersionReadBeforeAMigrationIsRefusedAfterIt() throws Exception {
    indexes.ensure(V1);
    DocumentStore<Article> store =
        new DocumentStore<>(client, "articles", Article.class, MigrationIT::id)
            .withBlockedWriteWait(Duration.ofSeconds(2));
    for (int i = 0; i < 40; i++) {
      store.index(article(i, "第" + i + "篇"));
    }
    DocumentStore.Versioned<Article> readBefore = store.get("7").orElseThrow();
    assertThat(readBefore.index()).isEqualTo("articles_v1");

    IndexMigration.of(client, V2).analyzer("cjk").run();
    // the copy renumbers: some document of the new index now has the old sequence number
    DocumentStore.Versioned<Article> other = store.get("7").orElseThrow();
    store.replace(article(7, "别人的修改"), other);

    assertThatThrownBy(() -> store.replace(article(7, "基于旧版本的修改"), readBefore))
        .isInstanceOf(SearchException.VersionConflict.class)
        .hasMessageContaining("articles_v1")
        .hasMessageContaining("read it again");
    assertThat(store.get("7").orElseThrow().document().title()).isEqualTo("别人的修改");

    // with the old index kept (write-blocked), the same
    DocumentStore.Versioned<Article> readInV2 = store.get("8").orElseThrow();
    IndexMigration.of(client, V2).analyzer("cjk").keepOldIndex(true).run();
    assertThatThrownBy(() -> store.replace(article(8, "旧版本"), readInV2))
        .isInstanceOf(SearchException.VersionConflict.class)
        .hasMessageContaining("articles_v2");
    DocumentStore.Versioned<Article> fresh = store.get("8").orElseThrow();
    assertThat(store.replace(article(8, "新版本"), fresh).index()).isEqualTo("articles_v3");
  }

  @Test
  void aChangeOlderThanADeletionIsRefusedBeforeDuringAndAfterAMigration() throws Exception {
    indexes.ensure(V1);
    ChangeSync<Article> sync = new ChangeSync<>(client, "articles");
    sync.apply(
        List.of(
            new ChangeSync.Change<>("1", 10, article(1, "第10版")),
            new ChangeSync.Change<>("2", 10, article(2, "第10版"))));
    sync.apply(List.of(new ChangeSync.Change<>("1", 20, null)));
    assertThat(sync.apply(List.of(new ChangeSync.Change<>("1", 15, article(1, "迟到")))).stale())
        .as("before")
        .isEqualTo(1);

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong applied = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    Thread late =
        new Thread(
            () -> {
              long v = 11;
              while (!stop.get()) {
                sent.incrementAndGet();
                applied.addAndGet(
                    sync.apply(List.of(new ChangeSync.Change<>("1", 19, article(1, "迟到"))))
                        .applied());
                if (v == 11) {
                  sync.apply(List.of(new ChangeSync.Change<>("2", 30, null)));
                }
                applied.addAndGet(
                    sync.apply(List.of(new ChangeSync.Change<>("2", 29, article(2, "迟到"))))
                        .applied());
                v++;
              }
            });
    late.start();
    try {
      IndexMigration.of(client, V2).analyzer("cjk").run();
    } finally {
      stop.set(true);
      late.join();
    }
    assertThat(sent.get()).as("late changes during the migration").isPositive();
    assertThat(applied.get()).as("late changes applied").isZero();
    // after it, also when Elasticsearch's own tombstones are gone (a fresh index has none)
    assertThat(
            sync.apply(
                    List.of(
                        new ChangeSync.Change<>("1", 19, article(1, "迟到")),
                        new ChangeSync.Change<>("2", 29, article(2, "迟到"))))
                .stale())
        .as("after")
        .isEqualTo(2);
    client.indices().refresh(r -> r.index("articles"));
    assertThat(client.count(c -> c.index("articles")).count()).isZero();
    assertThat(sync.apply(List.of(new ChangeSync.Change<>("1", 21, article(1, "重建")))).applied())
        .as("a newer change re-creates it")
        .isEqualTo(1);
    assertThat(sync.purgeTombstones(java.time.Instant.now().plusSeconds(1))).isEqualTo(2);
  }

  @Test
  void aSkewedIndexCatchesUpShardByShardInFewRounds() throws Exception {
    IndexSpec skewed = IndexSpec.articles().shards(3).replicas(0).build();
    indexes.ensure(skewed);
    try (BulkWriter<Article> writer =
        new BulkWriter<>(client, "articles", MigrationIT::id, (id, r) -> {})) {
      for (int i = 0; i < 30; i++) {
        writer.index(article(i, "冷" + i));
      }
    }
    // one hot shard: every write routed the same way, thousands of operations
    for (int round = 0; round < 3; round++) {
      List<co.elastic.clients.elasticsearch.core.bulk.BulkOperation> ops = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        long id = 10_000 + i;
        String title = "热" + round;
        ops.add(
            co.elastic.clients.elasticsearch.core.bulk.BulkOperation.of(
                o ->
                    o.index(
                        x ->
                            x.index("articles")
                                .id(Long.toString(id))
                                .routing("hot")
                                .document(article(id, title)))));
      }
      client.bulk(b -> b.operations(ops));
    }
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer =
        new Thread(
            () -> {
              int n = 0;
              while (!stop.get()) {
                long id = 10_000 + (n++ % 3000);
                try {
                  client.index(
                      x ->
                          x.index("articles")
                              .id(Long.toString(id))
                              .routing("hot")
                              .document(article(id, "写" + id)));
                } catch (Exception e) {
                  // refused by the write block at the end
                }
              }
            });
    writer.start();
    IndexMigration.Result result;
    try {
      Thread.sleep(300);
      result = IndexMigration.of(client, V2).analyzer("cjk").batchSize(500).catchUp(20, 200).run();
    } finally {
      stop.set(true);
      writer.join();
    }
    assertThat(result.rounds()).as(result.toString()).isLessThanOrEqualTo(8);
    assertThat(result.caughtUp()).as(result.toString()).isLessThan(3 * result.copied());
  }

  @Test
  void aDocumentTheNewMappingRefusesStopsTheMigrationAndLeavesEverythingAsItWas() {
    indexes.ensure(V1);
    seed(50);
    IndexSpec broken =
        IndexSpec.builder("articles")
            .field("article_id", IndexSpec.FieldType.LONG)
            .field("title", IndexSpec.FieldType.LONG)
            .replicas(0)
            .build();

    assertThatThrownBy(() -> IndexMigration.of(client, broken).analyzer("cjk").run())
        .isInstanceOf(SearchException.class)
        .hasMessageContaining("articles_v2")
        .hasMessageContaining("document_parsing_exception");

    assertThat(indexes.ensure(V1)).isEqualTo("articles_v1");
    DocumentStore<Article> store =
        new DocumentStore<>(client, "articles", Article.class, MigrationIT::id)
            .withBlockedWriteWait(Duration.ZERO);
    store.index(article(51, "迁移失败之后仍可写"));
    assertThat(store.get("51")).isPresent();
  }

  @Test
  void keepsTheOldIndexWriteBlockedAndCarriesExternalVersionsOver() throws Exception {
    indexes.ensure(V1);
    ChangeSync<Article> sync = new ChangeSync<>(client, "articles");
    sync.apply(List.of(new ChangeSync.Change<>("1", 100, article(1, "第100版"))));
    client.index(
        i -> i.index("articles").id("routed").routing("user-7").document(article(7, "自定义路由")));

    IndexMigration.Result second =
        IndexMigration.of(client, V2).analyzer("cjk").keepOldIndex(true).run();
    IndexMigration.Result third = IndexMigration.of(client, V2).analyzer("cjk").run();

    assertThat(second.to()).isEqualTo("articles_v2");
    assertThat(third.from()).isEqualTo("articles_v2");
    assertThat(third.to()).isEqualTo("articles_v3");
    assertThat(client.indices().exists(e -> e.index("articles_v1")).value()).isTrue();
    assertThat(client.indices().exists(e -> e.index("articles_v2")).value()).isFalse();
    DocumentStore<Article> old =
        new DocumentStore<>(client, "articles_v1", Article.class, MigrationIT::id)
            .withBlockedWriteWait(Duration.ofMillis(200));
    assertThatThrownBy(() -> old.index(article(2, "写旧索引")))
        .isInstanceOf(SearchException.WriteBlocked.class)
        .hasMessageContaining("index write");

    ChangeSync.Result late =
        sync.apply(List.of(new ChangeSync.Change<>("1", 99, article(1, "迟到的第99版"))));
    assertThat(late.stale()).isEqualTo(1);
    assertThat(client.get(g -> g.index("articles").id("1"), Article.class).source().title())
        .isEqualTo("第100版");
    client.indices().refresh(r -> r.index("articles"));
    assertThat(
            client
                .search(
                    q -> q.index("articles").query(x -> x.ids(d -> d.values("routed"))),
                    Article.class)
                .hits()
                .hits()
                .get(0)
                .routing())
        .as("custom routing carried over")
        .isEqualTo("user-7");
  }

  @Test
  void cleanUpRepairsWhatAnInterruptedMigrationLeft() throws Exception {
    indexes.ensure(V1);
    seed(5);
    // what a migration cut off by an outage leaves: v1 write-blocked, an unfinished v2
    client
        .indices()
        .addBlock(
            b ->
                b.index("articles_v1")
                    .block(
                        co.elastic.clients.elasticsearch.indices.add_block.IndicesBlockOptions
                            .Write));
    client.indices().create(c -> c.index("articles_v2"));
    DocumentStore<Article> store =
        new DocumentStore<>(client, "articles", Article.class, MigrationIT::id)
            .withBlockedWriteWait(Duration.ZERO);
    assertThatThrownBy(() -> store.index(article(6, "被阻塞")))
        .isInstanceOf(SearchException.WriteBlocked.class);

    IndexMigration.CleanUp cleanUp = IndexMigration.cleanUp(client, "articles");

    assertThat(cleanUp.unblocked()).isTrue();
    assertThat(cleanUp.deleted()).containsExactly("articles_v2");
    store.index(article(6, "恢复写入"));
    assertThat(IndexMigration.cleanUp(client, "articles").unblocked()).as("idempotent").isFalse();
    assertThat(IndexMigration.of(client, V2).analyzer("cjk").run().to()).isEqualTo("articles_v2");
    assertThat(client.count(c -> c.index("articles")).count()).isEqualTo(6);
  }

  @Test
  void elasticsearchStoppingMidMigrationFailsFastAndCleanUpRecovers(ElasticsearchServer es)
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(es.isManaged());
    indexes.ensure(V1);
    seed(12_000);
    java.util.concurrent.CompletableFuture<IndexMigration.Result> migration =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                IndexMigration.of(client, V2)
                    .analyzer("cjk")
                    .batchSize(200)
                    .replicationWait(Duration.ofSeconds(15))
                    .run());
    Thread.sleep(800);
    es.stop();
    long stopped = System.nanoTime();
    try {
      // the outage outlasts the 15 s the migration rides out: it gives up, tries to roll back
      // for a few seconds, and fails
      assertThat(migration)
          .failsWithin(Duration.ofSeconds(40))
          .withThrowableThat()
          .havingRootCause()
          .isInstanceOfAny(java.io.IOException.class, SearchException.class);
      assertThat(migration.handle((r, e) -> e.getCause()).get())
          .isInstanceOf(SearchException.class);
      System.out.printf(
          "migration failed %d ms after Elasticsearch stopped%n",
          (System.nanoTime() - stopped) / 1_000_000);
    } finally {
      es.restart();
    }

    IndexMigration.CleanUp cleanUp = IndexMigration.cleanUp(client, "articles");
    assertThat(cleanUp.index()).isEqualTo("articles_v1");
    IndexMigration.Result retried = IndexMigration.of(client, V2).analyzer("cjk").run();
    assertThat(retried.to()).isEqualTo("articles_v2");
    client.indices().refresh(r -> r.index("articles"));
    assertThat(client.count(c -> c.index("articles")).count()).isEqualTo(12_000);
  }

  @Test
  void namesTheNextVersion() {
    assertThat(IndexMigration.nextName("articles", "articles_v1")).isEqualTo("articles_v2");
    assertThat(IndexMigration.nextName("articles", "articles_v41")).isEqualTo("articles_v42");
    assertThat(IndexMigration.nextName("articles", "articles_2024")).isEqualTo("articles_v2");
    assertThat(IndexMigration.nextName("articles", "news_v3")).isEqualTo("articles_v2");
  }
}
