package io.toutiao.testing;

import io.toutiao.testing.internal.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real Elasticsearch cluster of master-eligible data nodes on loopback ports, each an {@link
 * ElasticsearchServer} that a test can {@link ElasticsearchServer#kill() kill}, {@link
 * ElasticsearchServer#pause() pause}, stop and restart.
 *
 * <p>The nodes are small enough for a 2-core machine: {@value #DEFAULT_HEAP} heap each (system
 * property {@code toutiao.es.cluster.heap}) and {@code node.processors: 1}. Three nodes keep a
 * quorum when one is lost, so killing any one node leaves a working cluster (yellow until its
 * replicas are rebuilt, which Elasticsearch delays by {@code
 * index.unassigned.node_left.delayed_timeout}, one minute by default). The distribution, plugin and
 * user handling are those of {@link ElasticsearchServer}. The cluster stops when the JVM exits.
 * Instances are thread-safe.
 */
public final class ElasticsearchCluster implements AutoCloseable {

  /** Number of nodes started by {@link #start()}: {@value}. */
  public static final int DEFAULT_NODES = 3;

  /** Heap of each node unless {@code toutiao.es.cluster.heap} says otherwise: {@value}. */
  public static final String DEFAULT_HEAP = "320m";

  private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(240);
  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"(\\w+)\"");
  private static final Pattern NODES = Pattern.compile("\"number_of_nodes\"\\s*:\\s*(\\d+)");

  /** A cluster health colour. */
  public enum Health {
    /** Every shard copy is allocated. */
    GREEN,
    /** Every primary is allocated, some replicas are not. */
    YELLOW,
    /** Some primary is not allocated. */
    RED
  }

  private final List<ElasticsearchServer> nodes;

  private ElasticsearchCluster(List<ElasticsearchServer> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /**
   * Starts {@value #DEFAULT_NODES} nodes and waits until they form a cluster that is green.
   *
   * @return the running cluster
   * @throws TestServiceException when a node does not start or the cluster does not form
   */
  public static ElasticsearchCluster start() {
    return start(DEFAULT_NODES);
  }

  /**
   * Starts a cluster of the given number of nodes and waits until it is green.
   *
   * @param size number of nodes, 2 to 5
   * @return the running cluster
   * @throws IllegalArgumentException when {@code size} is outside 2..5
   * @throws TestServiceException when a node does not start or the cluster does not form
   */
  public static ElasticsearchCluster start(int size) {
    if (size < 2 || size > 5) {
      throw new IllegalArgumentException("size must be between 2 and 5, got " + size);
    }
    int[] httpPorts = new int[size];
    int[] transportPorts = new int[size];
    for (int i = 0; i < size; i++) {
      httpPorts[i] = FreePorts.find();
      transportPorts[i] = FreePorts.find();
    }
    String clusterName = "toutiao-test-cluster-" + httpPorts[0];
    List<String> seeds = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      seeds.add("\"127.0.0.1:" + transportPorts[i] + "\"");
      names.add("\"" + clusterName + "-node-" + i + "\"");
    }
    String heap = System.getProperty("toutiao.es.cluster.heap", DEFAULT_HEAP);
    List<ElasticsearchServer> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < size; i++) {
        nodes.add(
            ElasticsearchServer.node(
                httpPorts[i],
                heap,
                String.join(
                    "\n",
                    "cluster.name: " + clusterName,
                    "node.name: " + clusterName + "-node-" + i,
                    "node.processors: 1",
                    "transport.port: " + transportPorts[i],
                    "discovery.seed_hosts: [" + String.join(", ", seeds) + "]",
                    "cluster.initial_master_nodes: [" + String.join(", ", names) + "]")));
      }
      nodes.forEach(ElasticsearchServer::startProcess);
      nodes.forEach(ElasticsearchServer::awaitStarted);
      ElasticsearchCluster cluster = new ElasticsearchCluster(nodes);
      cluster.awaitHealth(Health.GREEN, size, FORMATION_TIMEOUT);
      return cluster;
    } catch (RuntimeException e) {
      nodes.forEach(ElasticsearchServer::close);
      throw e;
    }
  }

  /**
   * Returns the nodes, in start order.
   *
   * @return an immutable list
   */
  public List<ElasticsearchServer> nodes() {
    return nodes;
  }

  /**
   * Returns the HTTP address of every node, e.g. for a client with several hosts.
   *
   * @return an immutable list
   */
  public List<URI> httpUris() {
    return nodes.stream().map(ElasticsearchServer::httpUri).toList();
  }

  /**
   * Returns the nodes that run and are not paused.
   *
   * @return the nodes that can answer now
   */
  public List<ElasticsearchServer> liveNodes() {
    return nodes.stream().filter(node -> node.isManaged() && isLive(node)).toList();
  }

  private static boolean isLive(ElasticsearchServer node) {
    return !node.isPaused() && node.isRunning();
  }

  /**
   * Waits until a live node reports at least the given health with exactly {@code nodeCount} nodes
   * in the cluster.
   *
   * @param atLeast the weakest acceptable health ({@code YELLOW} accepts green too)
   * @param nodeCount how many nodes the cluster must have
   * @param timeout how long to wait
   * @throws TestServiceException with the last health answer when not reached in time
   */
  public void awaitHealth(Health atLeast, int nodeCount, Duration timeout) {
    Objects.requireNonNull(atLeast, "atLeast must not be null");
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, String> last = new TreeMap<>();
    while (System.nanoTime() < deadline) {
      for (ElasticsearchServer node : nodes) {
        if (node.isPaused() || !node.processAlive()) {
          last.remove(node.httpUri().toString());
          continue;
        }
        try {
          HttpResponse<String> response =
              node.get(
                  "/_cluster/health?wait_for_nodes="
                      + nodeCount
                      + "&wait_for_status="
                      + atLeast.name().toLowerCase(Locale.ROOT)
                      + "&timeout=1s");
          last.put(node.httpUri().toString(), response.statusCode() + " " + response.body());
          if (response.statusCode() == 200
              && nodeCount(response.body()) == nodeCount
              && health(response.body()).ordinal() <= atLeast.ordinal()) {
            return;
          }
        } catch (IOException e) {
          last.put(node.httpUri().toString(), e.toString());
        }
      }
      RedisServer.sleep(200);
    }
    throw new TestServiceException(
        "Elasticsearch cluster did not reach "
            + atLeast
            + " with "
            + nodeCount
            + " nodes within "
            + timeout.toSeconds()
            + " s; last answers of the running nodes "
            + (last.isEmpty() ? "(none answered)" : last));
  }

  /**
   * Asks a live node for the cluster's health now.
   *
   * @return the health
   * @throws TestServiceException when no node answers
   */
  public Health health() {
    for (ElasticsearchServer node : nodes) {
      if (node.isPaused()) {
        continue;
      }
      try {
        HttpResponse<String> response = node.get("/_cluster/health");
        if (response.statusCode() == 200) {
          return health(response.body());
        }
      } catch (IOException e) {
        // try the next node
      }
    }
    throw new TestServiceException("no node of " + this + " answered a health request");
  }

  private static Health health(String body) {
    Matcher matcher = STATUS.matcher(body);
    if (!matcher.find()) {
      throw new TestServiceException("no status in the health answer " + body);
    }
    return Health.valueOf(matcher.group(1).toUpperCase(Locale.ROOT));
  }

  private static int nodeCount(String body) {
    Matcher matcher = NODES.matcher(body);
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
  }

  /**
   * Resumes paused nodes, restarts stopped or killed ones, and waits until every node is in the
   * cluster and it is at least yellow.
   */
  public void ensureRunning() {
    nodes.forEach(ElasticsearchServer::resume);
    List<ElasticsearchServer> down =
        nodes.stream().filter(node -> !node.isRunning()).collect(Collectors.toList());
    down.forEach(ElasticsearchServer::startProcess);
    down.forEach(ElasticsearchServer::awaitStarted);
    awaitHealth(Health.YELLOW, nodes.size(), FORMATION_TIMEOUT);
  }

  /**
   * Deletes every index whose name does not start with a dot.
   *
   * @throws IOException when no node can do it
   */
  public void deleteIndices() throws IOException {
    IOException last = null;
    for (ElasticsearchServer node : liveNodes()) {
      try {
        node.deleteIndices();
        return;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last != null ? last : new IOException("no live node in " + this);
  }

  /** Stops every node. */
  @Override
  public void close() {
    nodes.forEach(ElasticsearchServer::close);
  }

  @Override
  public String toString() {
    return "ElasticsearchCluster" + httpUris();
  }
}
