package io.toutiao.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * Builds an {@link ElasticsearchClient} from hosts, optional credentials and timeouts, and checks
 * cluster health without relying on {@code GET /}.
 *
 * <pre>{@code
 * ElasticsearchClient es = SearchClientFactory.create(List.of(URI.create("http://127.0.0.1:9200")), null, null,
 *     Duration.ofSeconds(2), Duration.ofSeconds(10));
 * }</pre>
 */
public final class SearchClientFactory {

  private SearchClientFactory() {}

  /**
   * Creates a client. Close it with {@code client._transport().close()}.
   *
   * @param hosts one or more {@code http(s)://host:port}
   * @param username basic-auth user, or null
   * @param password basic-auth password, or null (never logged)
   * @param connectTimeout connect timeout
   * @param socketTimeout how long to wait for an answer: no request hangs longer
   * @return the client
   */
  public static ElasticsearchClient create(
      List<URI> hosts,
      String username,
      String password,
      Duration connectTimeout,
      Duration socketTimeout) {
    Objects.requireNonNull(hosts, "hosts must not be null");
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("at least one Elasticsearch host is needed");
    }
    HttpHost[] httpHosts =
        hosts.stream()
            .map(uri -> new HttpHost(uri.getHost(), uri.getPort(), uri.getScheme()))
            .toArray(HttpHost[]::new);
    RestClientBuilder builder =
        RestClient.builder(httpHosts)
            .setRequestConfigCallback(
                config ->
                    config
                        .setConnectTimeout((int) connectTimeout.toMillis())
                        .setSocketTimeout((int) socketTimeout.toMillis()));
    if (username != null) {
      BasicCredentialsProvider credentials = new BasicCredentialsProvider();
      credentials.setCredentials(
          AuthScope.ANY, new UsernamePasswordCredentials(username, password));
      builder.setHttpClientConfigCallback(http -> http.setDefaultCredentialsProvider(credentials));
    }
    return new ElasticsearchClient(
        new RestClientTransport(builder.build(), new JacksonJsonpMapper()));
  }

  /**
   * A client with a 2 s connect and 10 s socket timeout and no credentials.
   *
   * @param host e.g. {@code http://127.0.0.1:9200}
   * @return the client
   */
  public static ElasticsearchClient create(URI host) {
    return create(List.of(host), null, null, Duration.ofSeconds(2), Duration.ofSeconds(10));
  }

  /**
   * Returns the cluster's health ({@code GET _cluster/health}).
   *
   * @param client the client
   * @return green, yellow or red
   * @throws SearchException.Unavailable when the cluster does not answer
   */
  public static HealthStatus health(ElasticsearchClient client) {
    try {
      return client.cluster().health().status();
    } catch (IOException | RuntimeException e) {
      throw SearchException.translate("check cluster health", e);
    }
  }
}
