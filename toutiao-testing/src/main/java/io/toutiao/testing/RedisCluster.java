package io.toutiao.testing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A real Redis Cluster of master nodes on loopback ports, each a {@link RedisServer} started with
 * {@code cluster-enabled yes}, with the 16384 hash slots split evenly between them.
 *
 * <p>Use {@link #hostAndPorts()} as the seed nodes of a cluster client. Each node can be stopped
 * and restarted through {@link #nodes()}; a restarted node keeps its slots (but not its data). The
 * cluster stops when the JVM exits. Instances are thread-safe.
 */
public final class RedisCluster implements AutoCloseable {

  /** Number of masters started by {@link #start()}: {@value}, the smallest proper cluster. */
  public static final int DEFAULT_MASTERS = 3;

  /** Number of hash slots in Redis Cluster. */
  public static final int SLOTS = 16384;

  private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(30);

  private final List<RedisServer> nodes;
  private final boolean managed;

  private RedisCluster(List<RedisServer> nodes, boolean managed) {
    this.nodes = List.copyOf(nodes);
    this.managed = managed;
  }

  /**
   * Starts a cluster of {@value #DEFAULT_MASTERS} masters and waits until every node reports {@code
   * cluster_state:ok}.
   *
   * @return the running cluster
   */
  public static RedisCluster start() {
    return start(DEFAULT_MASTERS);
  }

  /**
   * Starts a cluster of the given number of masters.
   *
   * @param masters number of master nodes, 3 to 16
   * @return the running cluster
   * @throws IllegalArgumentException when {@code masters} is outside 3..16
   * @throws TestServiceException when a node does not start or the cluster does not form
   */
  public static RedisCluster start(int masters) {
    if (masters < 3 || masters > 16) {
      throw new IllegalArgumentException("masters must be between 3 and 16, got " + masters);
    }
    List<RedisServer> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < masters; i++) {
        nodes.add(
            RedisServer.startWith(
                List.of(
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "3000",
                    "--cluster-require-full-coverage", "yes"),
                "redis-cluster"));
      }
      RedisCluster cluster = new RedisCluster(nodes, true);
      cluster.form();
      return cluster;
    } catch (RuntimeException e) {
      nodes.forEach(RedisServer::close);
      throw e;
    }
  }

  /**
   * Refers to a running cluster this class does not manage, such as one named by {@code
   * TOUTIAO_REDIS_CLUSTER_NODES}.
   *
   * @param seeds one or more {@code redis://host:port} URIs of cluster nodes
   * @return a handle that can flush the cluster, but not stop it
   */
  public static RedisCluster external(List<URI> seeds) {
    Objects.requireNonNull(seeds, "seeds must not be null");
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("seeds must name at least one cluster node");
    }
    return new RedisCluster(seeds.stream().map(RedisServer::external).toList(), false);
  }

  private void form() {
    for (int i = 0; i < nodes.size(); i++) {
      RedisServer node = nodes.get(i);
      node.command("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
      node.command(addSlots(i));
    }
    RedisServer first = nodes.get(0);
    for (RedisServer other : nodes.subList(1, nodes.size())) {
      first.command("CLUSTER", "MEET", other.host(), Integer.toString(other.port()));
    }
    awaitHealthy(FORMATION_TIMEOUT);
  }

  private String[] addSlots(int index) {
    int from = SLOTS * index / nodes.size();
    int to = SLOTS * (index + 1) / nodes.size();
    String[] command = new String[2 + to - from];
    command[0] = "CLUSTER";
    command[1] = "ADDSLOTS";
    for (int slot = from; slot < to; slot++) {
      command[2 + slot - from] = Integer.toString(slot);
    }
    return command;
  }

  /**
   * Waits until every node reports {@code cluster_state:ok}, knows every other node and sees all
   * slots assigned, e.g. after restarting a node.
   *
   * @param timeout how long to wait
   * @throws TestServiceException with the last {@code CLUSTER INFO} when the cluster is not healthy
   *     in time
   */
  public void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastInfo = "";
    while (System.nanoTime() < deadline) {
      boolean healthy = true;
      for (RedisServer node : nodes) {
        try {
          lastInfo = node.hostAndPort() + ": " + node.command("CLUSTER", "INFO");
        } catch (TestServiceException e) {
          lastInfo = e.getMessage();
          healthy = false;
          break;
        }
        if (!isHealthy(lastInfo)) {
          healthy = false;
          break;
        }
      }
      if (healthy) {
        return;
      }
      RedisServer.sleep(50);
    }
    throw new TestServiceException(
        "Redis Cluster did not become healthy within "
            + timeout.toSeconds()
            + " s; last CLUSTER INFO of "
            + lastInfo);
  }

  private boolean isHealthy(String info) {
    return info.contains("cluster_state:ok")
        && info.contains("cluster_slots_ok:" + SLOTS)
        && (!managed || info.contains("cluster_known_nodes:" + nodes.size()));
  }

  /**
   * Returns the nodes, in slot order (node 0 serves the lowest slots).
   *
   * @return an immutable list
   */
  public List<RedisServer> nodes() {
    return nodes;
  }

  /**
   * Returns {@code host:port} of every node, the seed list for a cluster client.
   *
   * @return an immutable list
   */
  public List<String> hostAndPorts() {
    return nodes.stream().map(RedisServer::hostAndPort).toList();
  }

  /**
   * Tells whether this object started the nodes.
   *
   * @return false for an external cluster
   */
  public boolean isManaged() {
    return managed;
  }

  /** Restarts every stopped node and waits until the cluster is healthy again. */
  public void ensureRunning() {
    if (!managed) {
      return;
    }
    boolean restarted = false;
    for (RedisServer node : nodes) {
      if (!node.isRunning()) {
        node.restart();
        restarted = true;
      }
    }
    if (restarted) {
      awaitHealthy(FORMATION_TIMEOUT);
    }
  }

  /** Deletes every key on every master. */
  public void flushAll() {
    for (RedisServer node : nodes) {
      String role = String.valueOf(node.command("ROLE"));
      if (role.startsWith("[master")) {
        node.command("FLUSHALL");
      }
    }
  }

  /** Stops every node this object started. */
  @Override
  public void close() {
    if (managed) {
      nodes.forEach(RedisServer::close);
    }
  }

  @Override
  public String toString() {
    return "RedisCluster" + hostAndPorts() + (managed ? "" : " (external)");
  }
}
