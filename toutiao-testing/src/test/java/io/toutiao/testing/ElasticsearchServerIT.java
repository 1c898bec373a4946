package io.toutiao.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.indices.AnalyzeResponse;
import co.elastic.clients.elasticsearch.indices.analyze.AnalyzeToken;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.IOException;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@ElasticsearchTest(deleteIndices = true)
class ElasticsearchServerIT {

  record News(String title, String content) {}

  private static RestClient rest;
  private static ElasticsearchClient client;

  @BeforeAll
  static void connect(ElasticsearchServer es) {
    rest = RestClient.builder(HttpHost.create(es.httpUri().toString())).build();
    client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
  }

  @AfterAll
  static void disconnect() throws IOException {
    rest.close();
  }

  @Test
  void pingAndInfoWorkThroughTheJavaClient() throws IOException {
    assertThat(client.ping().value()).isTrue();
    assertThat(client.info().version().number()).startsWith("8.");
  }

  @Test
  void cjkAnalyzerSplitsChineseIntoBigrams() throws IOException {
    AnalyzeResponse response = client.indices().analyze(a -> a.analyzer("cjk").text("中华人民共和国"));
    assertThat(response.tokens())
        .extracting(AnalyzeToken::token)
        .containsExactly("中华", "华人", "人民", "民共", "共和", "和国");
  }

  @Test
  void searchesChineseDocumentsWithHighlight() throws IOException {
    client
        .indices()
        .create(
            c ->
                c.index("news")
                    .settings(s -> s.numberOfShards("1").numberOfReplicas("0"))
                    .mappings(
                        m ->
                            m.properties("title", p -> p.text(t -> t.analyzer("cjk")))
                                .properties("content", p -> p.text(t -> t.analyzer("cjk")))));
    client.index(i -> i.index("news").id("1").document(new News("头条新闻客户端发布", "今日头条推出新版本")));
    client.index(
        i ->
            i.index("news")
                .id("2")
                .document(new News("人工智能改变搜索", "搜索引擎使用中文分词"))
                .refresh(Refresh.True));

    SearchResponse<News> response =
        client.search(
            s ->
                s.index("news")
                    .query(q -> q.match(m -> m.field("title").query("人工智能")))
                    .highlight(h -> h.fields("title", f -> f)),
            News.class);

    assertThat(response.hits().hits()).hasSize(1);
    Hit<News> hit = response.hits().hits().get(0);
    assertThat(hit.id()).isEqualTo("2");
    assertThat(hit.source().title()).isEqualTo("人工智能改变搜索");
    assertThat(hit.highlight().get("title")).singleElement().asString().contains("<em>");
  }

  @Test
  void stopsAndRestartsKeepingItsData(ElasticsearchServer es) throws IOException {
    assumeTrue(es.isManaged(), "an external node cannot be stopped");
    client.indices().create(c -> c.index("durable").settings(s -> s.numberOfReplicas("0")));

    es.stop();
    assertThat(es.isRunning()).isFalse();

    es.restart();
    assertThat(es.isRunning()).isTrue();
    assertThat(client.indices().exists(e -> e.index("durable")).value()).isTrue();
  }
}
