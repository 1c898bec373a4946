package io.toutiao.benchmarks;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.toutiao.benchmarks.SearchBenchmark.Article;
import io.toutiao.search.BulkWriter;
import io.toutiao.search.ChangeSync;
import io.toutiao.search.IndexManager;
import io.toutiao.search.IndexMigration;
import io.toutiao.search.IndexSpec;
import io.toutiao.search.SearchClientFactory;
import io.toutiao.testing.ElasticsearchServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long an {@link IndexMigration} blocks writes, by index size, with writers deleting and
 * rewriting documents throughout (a measurement, not a JMH suite: one migration is one sample).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.toutiao.benchmarks.MigrationBlockMeasurement 50000 200000
 * </pre>
 */
public final class MigrationBlockMeasurement {

  private MigrationBlockMeasurement() {}

  /**
   * Runs one migration per size given.
   *
   * @param args index sizes (documents); default 50000 200000
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String arg : args.length == 0 ? new String[] {"50000", "200000"} : args) {
      sizes.add(Integer.parseInt(arg));
    }
    try (ElasticsearchServer es = ElasticsearchServer.start()) {
      ElasticsearchClient client = SearchClientFactory.create(es.httpUri());
      System.out.println(
          "| documents | writes during the migration | deleted meanwhile | rounds"
              + " | write block | whole migration |");
      System.out.println("|---|---|---|---|---|---|");
      for (int size : sizes) {
        es.deleteIndices();
        IndexManager indexes = new IndexManager(client, "cjk");
        indexes.ensure(IndexSpec.articles().shards(2).replicas(0).build());
        try (BulkWriter<Article> writer =
            BulkWriter.<Article>builder(client, "articles", a -> Long.toString(a.article_id()))
                .onFailure((id, reason) -> {})
                .concurrency(2)
                .build()) {
          for (int i = 0; i < size; i++) {
            writer.index(article(i, "新闻" + i));
          }
        }
        client.indices().refresh(r -> r.index("articles"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        ChangeSync<Article> sync = new ChangeSync<>(client, "articles");
        Thread writerThread =
            new Thread(
                () -> {
                  Random random = new Random(size);
                  long version = 1;
                  while (!stop.get()) {
                    List<ChangeSync.Change<Article>> batch = new ArrayList<>();
                    for (int k = 0; k < 20; k++) {
                      long id = random.nextInt(size);
                      batch.add(
                          new ChangeSync.Change<>(
                              Long.toString(id),
                              1_000_000_000L + version++,
                              random.nextInt(3) == 0 ? null : article(id, "改写" + version)));
                    }
                    try {
                      sync.apply(batch);
                      writes.addAndGet(batch.size());
                      Thread.sleep(5);
                    } catch (Exception e) {
                      return;
                    }
                  }
                });
        writerThread.start();
        IndexMigration.Result result;
        try {
          Thread.sleep(1000);
          result =
              IndexMigration.of(client, IndexSpec.articles().shards(1).replicas(0).build())
                  .analyzer("cjk")
                  .run();
        } finally {
          stop.set(true);
          writerThread.join();
        }
        System.out.printf(
            "| %,d | %,d | %,d | %d | %d ms | %.1f s |%n",
            size,
            writes.get(),
            result.deleted() + result.tombstones(),
            result.rounds(),
            result.writesBlocked().toMillis(),
            result.took().toMillis() / 1000.0);
      }
      client._transport().close();
    }
  }

  private static Article article(long id, String title) {
    return new Article(id, id % 100, title, "正文" + id, 2, "2026-11-27T10:00:00Z");
  }
}
