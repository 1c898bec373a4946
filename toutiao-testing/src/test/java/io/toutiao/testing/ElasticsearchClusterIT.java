package io.toutiao.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.testing.ElasticsearchCluster.Health;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@ElasticsearchClusterTest(deleteIndices = true)
class ElasticsearchClusterIT {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> get(URI node, String path, Duration timeout)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(node.resolve(path)).timeout(timeout).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void indexNews(ElasticsearchServer node, String index, int count)
      throws IOException {
    assertThat(
            node.send(
                    "PUT",
                    "/" + index,
                    "{\"settings\":{\"number_of_shards\":3,\"number_of_replicas\":1}}")
                .statusCode())
        .isEqualTo(200);
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < count; i++) {
      bulk.append("{\"index\":{\"_id\":\"").append(i).append("\"}}\n");
      bulk.append("{\"title\":\"新闻 ").append(i).append("\"}\n");
    }
    HttpResponse<String> response =
        node.send("POST", "/" + index + "/_bulk?refresh=true", bulk.toString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"errors\":false");
  }

  @Test
  void formsAGreenClusterOfThreeNodes(ElasticsearchCluster cluster) throws IOException {
    assertThat(cluster.nodes()).hasSize(3);
    cluster.awaitHealth(Health.GREEN, 3, WAIT);
    String nodes = cluster.nodes().get(1).get("/_cat/nodes?h=name").body();
    assertThat(nodes.trim().split("\\s+")).hasSize(3);
  }

  @Test
  void killingOneNodeLeavesTheClusterYellowAndEveryDocumentReadable(ElasticsearchCluster cluster)
      throws IOException {
    ElasticsearchServer survivor = cluster.nodes().get(0);
    ElasticsearchServer victim = cluster.nodes().get(2);
    indexNews(survivor, "killed-node", 200);
    cluster.awaitHealth(Health.GREEN, 3, WAIT);

    victim.kill();
    cluster.awaitHealth(Health.YELLOW, 2, WAIT);

    assertThat(cluster.health()).isEqualTo(Health.YELLOW);
    assertThat(survivor.get("/killed-node/_count").body()).contains("\"count\":200");
    for (int id = 0; id < 200; id++) {
      assertThat(survivor.get("/killed-node/_doc/" + id).statusCode()).isEqualTo(200);
    }

    victim.restart();
    cluster.awaitHealth(Health.GREEN, 3, WAIT);
  }

  @Test
  void aPausedNodeAnswersNothingUntilResumed(ElasticsearchCluster cluster) throws Exception {
    ElasticsearchServer paused = cluster.nodes().get(1);
    paused.pause();
    try {
      assertThatThrownBy(() -> get(paused.httpUri(), "/", Duration.ofSeconds(1)))
          .isInstanceOf(HttpTimeoutException.class);
      assertThat(cluster.liveNodes()).doesNotContain(paused);
      assertThat(get(cluster.nodes().get(0).httpUri(), "/", Duration.ofSeconds(10)).statusCode())
          .isEqualTo(200);
    } finally {
      paused.resume();
    }
    assertThat(get(paused.httpUri(), "/", Duration.ofSeconds(30)).statusCode()).isEqualTo(200);
  }

  @Test
  void aFrozenProxyInFrontOfANodeTimesOutRequestsThenLetsThemThrough(ElasticsearchCluster cluster)
      throws Exception {
    ElasticsearchServer node = cluster.nodes().get(0);
    try (FaultProxy proxy = FaultProxy.start(node.host(), node.httpPort())) {
      URI through = URI.create("http://" + proxy.hostAndPort());
      assertThat(get(through, "/_cluster/health", Duration.ofSeconds(10)).statusCode())
          .isEqualTo(200);

      proxy.freeze();
      assertThatThrownBy(() -> get(through, "/_cluster/health", Duration.ofSeconds(1)))
          .isInstanceOf(HttpTimeoutException.class);

      proxy.thaw();
      assertThat(get(through, "/_cluster/health", Duration.ofSeconds(10)).statusCode())
          .isEqualTo(200);
    }
  }
}
