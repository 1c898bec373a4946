package io.toutiao.testing;

import io.toutiao.testing.internal.WorkDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A real Redis Sentinel deployment on loopback ports: a master, one replica and three sentinels
 * (quorum 2), all from the same {@code redis-server} binary as {@link RedisServer}.
 *
 * <p>Clients connect through the sentinels: {@link #sentinelHostAndPorts()} and {@link
 * #masterName()} are what {@code JedisSentineled} or Lettuce's sentinel URI take. The sentinels
 * consider a master down after {@value #DOWN_AFTER_MILLIS} ms without an answer, so killing or
 * {@linkplain RedisServer#pause() pausing} the master makes them promote the replica within a few
 * seconds; {@link #failover()} forces a failover at once. Every process is a {@link RedisServer}
 * that can be stopped, killed, paused and restarted; a restarted former master rejoins as a replica
 * (data does not survive a restart: there is no persistence). The deployment stops when the JVM
 * exits. Instances are thread-safe.
 */
public final class RedisSentinel implements AutoCloseable {

  /** The name the sentinels monitor the master under: {@value}. */
  public static final String DEFAULT_MASTER_NAME = "toutiao";

  /** Sentinel {@code down-after-milliseconds}: {@value}. */
  public static final int DOWN_AFTER_MILLIS = 1000;

  /** Sentinel {@code failover-timeout} in milliseconds: {@value}. */
  public static final int FAILOVER_TIMEOUT_MILLIS = 5000;

  private static final int SENTINELS = 3;
  private static final int QUORUM = 2;
  private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(60);

  private final String masterName;
  private final List<RedisServer> dataNodes;
  private final List<RedisServer> sentinels;

  private RedisSentinel(
      String masterName, List<RedisServer> dataNodes, List<RedisServer> sentinels) {
    this.masterName = masterName;
    this.dataNodes = List.copyOf(dataNodes);
    this.sentinels = List.copyOf(sentinels);
  }

  /**
   * Starts the master, the replica and the sentinels, and waits until every sentinel knows the
   * master, the replica and the other sentinels, and the replica is in sync.
   *
   * @return the running deployment
   * @throws TestServiceException when a process does not start or the deployment does not form
   */
  public static RedisSentinel start() {
    List<RedisServer> started = new ArrayList<>();
    try {
      // Diskless sync without delay: a replica is in sync within milliseconds, not 5 s.
      List<String> replication =
          List.of("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0");
      RedisServer master = RedisServer.startWith(replication, "redis-sentinel-master");
      started.add(master);
      List<String> replicaArgs = new ArrayList<>(replication);
      replicaArgs.addAll(List.of("--replicaof", master.host(), Integer.toString(master.port())));
      RedisServer replica = RedisServer.startWith(replicaArgs, "redis-sentinel-replica");
      started.add(replica);
      List<RedisServer> sentinels = new ArrayList<>();
      for (int i = 0; i < SENTINELS; i++) {
        RedisServer sentinel =
            RedisServer.startWith(
                false,
                port -> List.of(sentinelConfig(port, master).toString(), "--sentinel"),
                "redis-sentinel");
        started.add(sentinel);
        sentinels.add(sentinel);
      }
      RedisSentinel deployment =
          new RedisSentinel(DEFAULT_MASTER_NAME, List.of(master, replica), sentinels);
      deployment.awaitHealthy(FORMATION_TIMEOUT);
      return deployment;
    } catch (RuntimeException e) {
      started.forEach(RedisServer::close);
      throw e;
    }
  }

  /** Sentinels rewrite their configuration file, so each has its own, outside its data folder. */
  private static Path sentinelConfig(int port, RedisServer master) {
    Path file = WorkDirs.dir("sentinel-config").resolve("sentinel-" + port + ".conf");
    String config =
        String.join(
            "\n",
            "sentinel monitor "
                + DEFAULT_MASTER_NAME
                + " "
                + master.host()
                + " "
                + master.port()
                + " "
                + QUORUM,
            "sentinel down-after-milliseconds " + DEFAULT_MASTER_NAME + " " + DOWN_AFTER_MILLIS,
            "sentinel failover-timeout " + DEFAULT_MASTER_NAME + " " + FAILOVER_TIMEOUT_MILLIS,
            "sentinel parallel-syncs " + DEFAULT_MASTER_NAME + " 1",
            "");
    try {
      Files.writeString(file, config, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sentinel configuration " + file, e);
    }
  }

  /**
   * Returns the name the sentinels know the master by.
   *
   * @return {@value #DEFAULT_MASTER_NAME}
   */
  public String masterName() {
    return masterName;
  }

  /**
   * Returns {@code host:port} of every sentinel, the seed list of a sentinel client.
   *
   * @return an immutable list
   */
  public List<String> sentinelHostAndPorts() {
    return sentinels.stream().map(RedisServer::hostAndPort).toList();
  }

  /**
   * Returns the sentinel processes.
   *
   * @return an immutable list
   */
  public List<RedisServer> sentinels() {
    return sentinels;
  }

  /**
   * Returns the data nodes (the first was the master at start, the second its replica).
   *
   * @return an immutable list
   */
  public List<RedisServer> dataNodes() {
    return dataNodes;
  }

  /**
   * Returns the data node that the answering sentinels name as master now.
   *
   * @return the current master
   * @throws TestServiceException when no sentinel answers or it names an unknown address
   */
  public RedisServer master() {
    String address = null;
    for (RedisServer sentinel : sentinels) {
      address = masterAddress(sentinel);
      if (address != null) {
        break;
      }
    }
    if (address == null) {
      throw new TestServiceException("no sentinel of " + this + " named a master");
    }
    return dataNode(address);
  }

  /**
   * Returns the data nodes that are not the current master.
   *
   * @return the replicas (after a failover, the former master once it rejoined)
   */
  public List<RedisServer> replicas() {
    RedisServer master = master();
    return dataNodes.stream().filter(node -> node != master).toList();
  }

  /**
   * Forces a failover now ({@code SENTINEL FAILOVER}, no agreement needed) and waits until every
   * sentinel names the replica as master, the replica has become master, and the former master is
   * its replica.
   *
   * @return the new master
   * @throws TestServiceException when the failover does not complete within 60 s
   */
  public RedisServer failover() {
    RedisServer old = master();
    RedisServer sentinel =
        sentinels.stream()
            .filter(RedisServer::isRunning)
            .findFirst()
            .orElseThrow(() -> new TestServiceException("no sentinel of " + this + " is running"));
    requestFailover(sentinel);
    RedisServer promoted = awaitNewMaster(old, FORMATION_TIMEOUT);
    awaitHealthy(FORMATION_TIMEOUT);
    return promoted;
  }

  /**
   * Sends {@code SENTINEL FAILOVER}, retrying while the sentinel refuses for a passing reason (it
   * has not yet re-read a replica's state: {@code NOGOODSLAVE}, or a failover is still running:
   * {@code INPROG}).
   */
  private void requestFailover(RedisServer sentinel) {
    long deadline = System.nanoTime() + FORMATION_TIMEOUT.toNanos();
    while (true) {
      try {
        sentinel.command("SENTINEL", "FAILOVER", masterName);
        return;
      } catch (TestServiceException e) {
        String message = String.valueOf(e.getMessage());
        boolean passing = message.contains("NOGOODSLAVE") || message.contains("INPROG");
        if (!passing || System.nanoTime() > deadline) {
          throw e;
        }
        RedisServer.sleep(200);
      }
    }
  }

  /**
   * Waits until every running sentinel names a master other than {@code old} and that node answers
   * {@code ROLE} as master, e.g. after killing or pausing {@code old}.
   *
   * @param old the master before the fault
   * @param timeout how long to wait
   * @return the new master
   * @throws TestServiceException when no failover completes in time
   */
  public RedisServer awaitNewMaster(RedisServer old, Duration timeout) {
    Objects.requireNonNull(old, "old must not be null");
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      String agreed = agreedMaster();
      if (agreed != null && !agreed.equals(old.hostAndPort())) {
        RedisServer candidate = dataNode(agreed);
        if (isMaster(candidate)) {
          return candidate;
        }
        last = agreed + " is named master but does not say so yet";
      } else {
        last = "sentinels name " + agreed;
      }
      RedisServer.sleep(50);
    }
    throw new TestServiceException(
        "no new master replaced "
            + old.hostAndPort()
            + " within "
            + timeout.toSeconds()
            + " s; "
            + last);
  }

  /**
   * Waits until every sentinel agrees on the master, knows {@code dataNodes - 1} replicas and the
   * other sentinels, every replica's link to the master is up with no sync in progress, and every
   * sentinel's own view of every replica (which it refreshes only every few seconds) says so too,
   * so that a failover requested next finds a replica it may promote.
   *
   * @param timeout how long to wait
   * @throws TestServiceException naming what was missing when not healthy in time
   */
  public void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = unhealthyReason();
      if (last == null) {
        return;
      }
      RedisServer.sleep(50);
    }
    throw new TestServiceException(
        "Redis Sentinel deployment not healthy within " + timeout.toSeconds() + " s: " + last);
  }

  private String unhealthyReason() {
    String agreed = agreedMaster();
    if (agreed == null) {
      return "the sentinels do not agree on a master";
    }
    RedisServer master = dataNode(agreed);
    if (!isMaster(master)) {
      return agreed + " is not a master";
    }
    for (RedisServer node : dataNodes) {
      if (node == master) {
        continue;
      }
      String replication = info(node, "replication");
      if (!replication.contains("master_link_status:up")
          || !replication.contains("master_sync_in_progress:0")
          || !replication.contains("master_port:" + master.port() + "\r\n")) {
        return "replica " + node.hostAndPort() + " is not in sync with " + agreed;
      }
    }
    for (RedisServer sentinel : sentinels) {
      String state = info(sentinel, "sentinel");
      String expected = "slaves=" + (dataNodes.size() - 1) + ",sentinels=" + sentinels.size();
      if (!state.contains(expected)) {
        return "sentinel " + sentinel.hostAndPort() + " reports " + state.trim();
      }
      String view = replicaView(sentinel, master);
      if (view != null) {
        return "sentinel " + sentinel.hostAndPort() + " sees " + view;
      }
    }
    return null;
  }

  /**
   * What keeps {@code sentinel} from promoting a replica of {@code master}, or null when it sees
   * every replica connected, following that master, with the link up.
   */
  private String replicaView(RedisServer sentinel, RedisServer master) {
    Object reply;
    try {
      reply = sentinel.command("SENTINEL", "REPLICAS", masterName);
    } catch (TestServiceException e) {
      return "no replica list (" + e.getMessage() + ")";
    }
    if (!(reply instanceof List<?> replicas) || replicas.size() != dataNodes.size() - 1) {
      return "replicas " + reply;
    }
    for (Object entry : replicas) {
      if (!(entry instanceof List<?> fields)) {
        return "replica entry " + entry;
      }
      Map<String, String> state = new HashMap<>();
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        state.put(String.valueOf(fields.get(i)), String.valueOf(fields.get(i + 1)));
      }
      boolean good =
          "slave".equals(state.get("flags"))
              && "slave".equals(state.get("role-reported"))
              && "ok".equals(state.get("master-link-status"))
              && "0".equals(state.get("master-link-down-time"))
              && Integer.toString(master.port()).equals(state.get("master-port"));
      if (!good) {
        return "replica " + state.get("name") + " as " + state;
      }
    }
    return null;
  }

  /** The master every sentinel names, or null while they disagree or one does not answer. */
  private String agreedMaster() {
    String agreed = null;
    for (RedisServer sentinel : sentinels) {
      String address = masterAddress(sentinel);
      if (address == null || (agreed != null && !agreed.equals(address))) {
        return null;
      }
      agreed = address;
    }
    return agreed;
  }

  private String masterAddress(RedisServer sentinel) {
    if (sentinel.isPaused()) {
      return null;
    }
    try {
      Object reply = sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
      if (reply instanceof List<?> parts && parts.size() == 2) {
        return parts.get(0) + ":" + parts.get(1);
      }
      return null;
    } catch (TestServiceException e) {
      return null;
    }
  }

  private static boolean isMaster(RedisServer node) {
    return info(node, "replication").contains("role:master");
  }

  private static String info(RedisServer node, String section) {
    if (node.isPaused()) {
      return "";
    }
    try {
      return String.valueOf(node.command("INFO", section));
    } catch (TestServiceException e) {
      return "";
    }
  }

  private RedisServer dataNode(String hostAndPort) {
    return dataNodes.stream()
        .filter(node -> node.hostAndPort().equals(hostAndPort))
        .findFirst()
        .orElseThrow(
            () -> new TestServiceException("the sentinels name an unknown master " + hostAndPort));
  }

  /**
   * Resumes paused processes, restarts stopped or killed ones and waits until the deployment is
   * healthy again.
   */
  public void ensureRunning() {
    sentinels.forEach(RedisServer::ensureRunning);
    dataNodes.forEach(RedisServer::ensureRunning);
    awaitHealthy(FORMATION_TIMEOUT);
  }

  /** Deletes every key on the current master (replicas follow). */
  public void flushAll() {
    master().flushAll();
  }

  /** Stops every process. */
  @Override
  public void close() {
    sentinels.forEach(RedisServer::close);
    dataNodes.forEach(RedisServer::close);
  }

  @Override
  public String toString() {
    return "RedisSentinel[" + masterName + ", sentinels " + sentinelHostAndPorts() + "]";
  }
}
