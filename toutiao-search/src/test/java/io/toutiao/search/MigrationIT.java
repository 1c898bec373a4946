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
                } catch (Throwable e) {
                  errors.add(e);
                  return;
                }
              }
            }));
    // bulk ingestion of new ids
    Map<String, String> bulkFailures = new ConcurrentHashMap<>();
    BulkWriter<Article> bulk =
        new BulkWriter<>(client, "articles", MigrationIT::id, bulkFailures::put);
    List<Article> bulkWritten = new CopyOnWriteArrayList<>();
    writers.add(
        pool.submit(
            () -> {
              long next = 900_000;
              while (!stop.get()) {
                Article a = article(next++, "批量" + next);
                bulk.index(a);
                bulkWritten.add(a);
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  return;
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
    assertThat(bulk.indexed()).isEqualTo(bulk.submitted()).isEqualTo(bulkWritten.size());
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

    for (Article a : bulkWritten) {
      model.put(id(a), Optional.of(a));
    }
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
    assertThat(wrong).isEmpty();
    long present = model.values().stream().filter(Optional::isPresent).count();
    assertThat(client.count(c -> c.index("articles")).count()).isEqualTo(present);
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
            () -> IndexMigration.of(client, V2).analyzer("cjk").batchSize(200).run());
    Thread.sleep(800);
    es.stop();
    try {
      assertThat(migration)
          .failsWithin(Duration.ofSeconds(60))
          .withThrowableThat()
          .havingRootCause()
          .isInstanceOfAny(java.io.IOException.class, SearchException.class);
      assertThat(migration.handle((r, e) -> e.getCause()).get())
          .isInstanceOf(SearchException.class);
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
