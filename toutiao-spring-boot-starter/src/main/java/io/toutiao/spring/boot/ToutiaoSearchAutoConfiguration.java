package io.toutiao.spring.boot;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.toutiao.search.ArticleSearch;
import io.toutiao.search.IndexManager;
import io.toutiao.search.IndexSpec;
import io.toutiao.search.SearchClientFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Search: reuses the application's (or Spring Boot's) {@link ElasticsearchClient} when there is
 * one, else builds one from {@code toutiao.search.*}; an {@link IndexManager} and the reference's
 * {@link ArticleSearch} over the {@code articles} alias; with {@code
 * toutiao.search.create-articles-index=true} the index is created at start-up when missing. Off
 * with {@code toutiao.search.enabled=false}.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchClientAutoConfiguration",
      "org.springframework.boot.elasticsearch.autoconfigure.ElasticsearchClientAutoConfiguration"
    })
@ConditionalOnClass({ElasticsearchClient.class, IndexManager.class})
@ConditionalOnProperty(prefix = "toutiao.search", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(SearchProperties.class)
public class ToutiaoSearchAutoConfiguration {

  /** Creates the configuration. */
  public ToutiaoSearchAutoConfiguration() {}

  /**
   * The client, when the application has none.
   *
   * @param properties {@code toutiao.search.*}
   * @return the client, closed with the context
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(ElasticsearchClient.class)
  public ElasticsearchClient toutiaoElasticsearchClient(SearchProperties properties) {
    try {
      return SearchClientFactory.create(
          properties.getUris(),
          properties.getUsername(),
          properties.getPassword(),
          properties.getConnectTimeout(),
          properties.getSocketTimeout());
    } catch (IllegalArgumentException e) {
      throw new ToutiaoPropertyException("toutiao.search.uris", e.getMessage(), e);
    }
  }

  /**
   * The index manager; creates the articles index when asked to.
   *
   * @param client the client
   * @param properties {@code toutiao.search.*}
   * @return the manager
   */
  @Bean
  @ConditionalOnMissingBean
  public IndexManager toutiaoIndexManager(ElasticsearchClient client, SearchProperties properties) {
    IndexManager manager = new IndexManager(client);
    if (properties.isCreateArticlesIndex()) {
      manager.ensure(IndexSpec.articles().build());
    }
    return manager;
  }

  /**
   * The reference's article search over the {@code articles} alias.
   *
   * @param client the client
   * @param listeners metrics, when on
   * @return the search
   */
  @Bean
  @ConditionalOnMissingBean
  public ArticleSearch toutiaoArticleSearch(
      ElasticsearchClient client,
      org.springframework.beans.factory.ObjectProvider<io.toutiao.search.SearchListener>
          listeners) {
    return new ArticleSearch(client, "articles")
        .withListener(listeners.getIfUnique(() -> io.toutiao.search.SearchListener.NONE));
  }
}
