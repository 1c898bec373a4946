package io.toutiao.testing.esplugin;

import java.util.List;
import java.util.function.Supplier;
import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.index.IndexVersion;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

/** Answers {@code GET /} with the node's main info document and {@code HEAD /} with 200. */
final class RootRestHandler extends BaseRestHandler {

  private final Supplier<ClusterService> clusterService;

  RootRestHandler(Supplier<ClusterService> clusterService) {
    this.clusterService = clusterService;
  }

  @Override
  public String getName() {
    return "toutiao_test_root_action";
  }

  @Override
  public List<Route> routes() {
    return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
  }

  @Override
  protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
    if (request.method() == RestRequest.Method.HEAD) {
      return channel ->
          channel.sendResponse(new RestResponse(RestStatus.OK, "application/json", ""));
    }
    return channel -> {
      XContentBuilder body = channel.newBuilder();
      writeMainInfo(body);
      channel.sendResponse(new RestResponse(RestStatus.OK, body));
    };
  }

  private void writeMainInfo(XContentBuilder body) throws java.io.IOException {
    ClusterService service = clusterService.get();
    ClusterState state = service.state();
    Build build = Build.current();
    body.startObject();
    body.field("name", service.localNode().getName());
    body.field("cluster_name", service.getClusterName().value());
    body.field("cluster_uuid", state.metadata().clusterUUID());
    body.startObject("version");
    body.field("number", build.qualifiedVersion());
    body.field("build_flavor", build.flavor());
    body.field("build_type", build.type().displayName());
    body.field("build_hash", build.hash());
    body.field("build_date", build.date());
    body.field("build_snapshot", build.isSnapshot());
    body.field("lucene_version", IndexVersion.current().luceneVersion().toString());
    body.field("minimum_wire_compatibility_version", build.minWireCompatVersion());
    body.field("minimum_index_compatibility_version", build.minIndexCompatVersion());
    body.endObject();
    body.field("tagline", "You Know, for Search");
    body.endObject();
  }
}
