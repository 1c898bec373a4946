package io.toutiao.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toutiao.search.ArticleSearch;
import io.toutiao.search.DocumentStore;
import io.toutiao.spring.boot.health.SearchCheck;
import io.toutiao.testing.ElasticsearchServer;
import io.toutiao.testing.ElasticsearchTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Search from {@code toutiao.search.*} against a real node: client, index, search, meters. */
@ElasticsearchTest(deleteIndices = true)
class SearchAutoConfigurationIT {

  /** An article as the reference indexes it. */
  public record Article(
      long article_id,
      long user_id,
      String title,
      String content,
      int status,
      String create_time) {}

  @Configuration(proxyBeanMethods = false)
  static class Meters {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @Test
  void buildsTheClientCreatesTheIndexAndCountsSearches(ElasticsearchServer es) {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ToutiaoSearchAutoConfiguration.class, ToutiaoMetricsAutoConfiguration.class))
        .withUserConfiguration(Meters.class)
        .withPropertyValues(
            "toutiao.search.uris=" + es.httpUri(),
            "toutiao.search.create-articles-index=true",
            "toutiao.ids.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              ElasticsearchClient client = context.getBean(ElasticsearchClient.class);
              assertThat(client.indices().existsAlias(a -> a.name("articles")).value()).isTrue();
              assertThat(SearchCheck.check(client).up()).isTrue();
              new DocumentStore<>(
                      client, "articles", Article.class, a -> Long.toString(a.article_id()))
                  .index(new Article(1, 7, "人工智能改变新闻推荐", "算法", 2, "2026-12-03T10:00:00Z"));
              client.indices().refresh(r -> r.index("articles"));
              ArticleSearch.Page page = context.getBean(ArticleSearch.class).search("人工智能", 1, 10);
              assertThat(page.total()).isEqualTo(1);
              MeterRegistry meters = context.getBean(MeterRegistry.class);
              assertThat(
                      meters.find("toutiao.search.requests").tags("result", "ok").timer().count())
                  .isEqualTo(1);

              try (io.toutiao.search.BulkWriter<Article> writer =
                  io.toutiao.search.BulkWriter.<Article>builder(
                          client, "articles", a -> Long.toString(a.article_id()))
                      .onFailure((id, reason) -> {})
                      .listener(context.getBean(io.toutiao.search.BulkListener.class))
                      .build()) {
                for (int i = 2; i <= 4; i++) {
                  writer.index(new Article(i, 7, "体育新闻" + i, "比赛", 2, "2026-12-03T10:00:00Z"));
                }
              }
              assertThat(
                      meters
                          .find("toutiao.search.bulk.documents")
                          .tags("result", "indexed")
                          .counter()
                          .count())
                  .isEqualTo(3);
              io.toutiao.search.IndexMigration.Result migrated =
                  io.toutiao.search.IndexMigration.of(
                          client, io.toutiao.search.IndexSpec.articles().build())
                      .listener(context.getBean(io.toutiao.search.MigrationListener.class))
                      .run();
              assertThat(
                      meters
                          .find("toutiao.search.migrations")
                          .tags("alias", "articles", "result", "succeeded")
                          .counter()
                          .count())
                  .isEqualTo(1);
              assertThat(
                      meters
                          .find("toutiao.search.migration.documents")
                          .tags("phase", "copy")
                          .counter()
                          .count())
                  .isEqualTo(migrated.copied());
              assertThat(meters.find("toutiao.search.migration.write.block").timer().count())
                  .isEqualTo(1);
            });
  }

  @Test
  void reusesTheApplicationsClient(ElasticsearchServer es) {
    ElasticsearchClient mine = io.toutiao.search.SearchClientFactory.create(es.httpUri());
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ToutiaoSearchAutoConfiguration.class))
        .withBean(ElasticsearchClient.class, () -> mine)
        .run(context -> assertThat(context.getBean(ElasticsearchClient.class)).isSameAs(mine));
  }
}
