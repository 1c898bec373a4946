package io.toutiao.testing;

import io.toutiao.testing.internal.ElasticsearchDistribution;
import io.toutiao.testing.internal.FreePorts;
import io.toutiao.testing.internal.ManagedProcess;
import io.toutiao.testing.internal.Shutdown;
import io.toutiao.testing.internal.Unprivileged;
import io.toutiao.testing.internal.WorkDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A real single-node Elasticsearch on free loopback ports, or the address of an external node.
 *
 * <p>The node comes from the {@code org.elasticsearch.distribution.integ-test-zip} distribution
 * (unpacked once per machine under the temporary directory), runs with security off, a 512 MiB heap
 * (system property {@code toutiao.es.heap}) and disk-based allocation off, and has the
 * toutiao-testing plugin installed, which adds the {@code cjk} analyzer and {@code GET /}. When the
 * JVM runs as root the node runs as an unprivileged user ({@code nobody} by default). Its console
 * log goes to {@code target/elasticsearch-PORT.log}. New indexes get Elasticsearch's default of one
 * replica, so a single node is yellow: create test indexes with 0 replicas or wait for yellow.
 *
 * <p>Fault tests can {@link #stop()} and {@link #restart()} a node (data is kept), {@link #kill()}
 * it (SIGKILL, no shutdown) or {@link #pause()} it (SIGSTOP: connections stay open, nothing
 * answers). A node of an {@link ElasticsearchCluster} is one of these too.
 *
 * <p>Most tests use the shared node through {@link ElasticsearchExtension}. Instances are
 * thread-safe.
 */
public final class ElasticsearchServer implements ProcessFaults, AutoCloseable {

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final URI uri;
  private final ManagedProcess process;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ElasticsearchServer(URI uri, ManagedProcess process) {
    this.uri = uri;
    this.process = process;
  }

  /**
   * Starts a node and waits until the cluster is at least yellow.
   *
   * @return the running node
   * @throws TestServiceException when the distribution is missing or the node does not come up
   */
  public static ElasticsearchServer start() {
    int httpPort = FreePorts.find();
    int transportPort = FreePorts.find();
    ElasticsearchServer server =
        node(
            httpPort,
            heap(),
            String.join(
                "\n",
                "cluster.name: toutiao-test",
                "node.name: toutiao-test-" + httpPort,
                "discovery.type: single-node",
                "transport.port: " + transportPort));
    server.launch();
    return server;
  }

  /**
   * Prepares (does not start) a managed node with the given cluster settings; the common settings
   * (loopback, ports, paths, security off) are added here.
   */
  static ElasticsearchServer node(int httpPort, String heap, String clusterSettings) {
    Path home;
    try {
      home = ElasticsearchDistribution.prepareHome();
    } catch (IllegalStateException | UncheckedIOException e) {
      throw new TestServiceException("cannot prepare Elasticsearch: " + e.getMessage(), e);
    }
    ElasticsearchServer server =
        new ElasticsearchServer(
            URI.create("http://127.0.0.1:" + httpPort),
            newProcess(home, httpPort, heap, clusterSettings));
    Shutdown.register(server::close);
    return server;
  }

  /**
   * Refers to a node this class does not manage, such as one named by {@code TOUTIAO_ES_URL}.
   *
   * @param uri {@code http://host:port}
   * @return a handle that can be queried, not stopped
   */
  public static ElasticsearchServer external(URI uri) {
    Objects.requireNonNull(uri, "uri must not be null");
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "expected http(s)://host:port, got scheme " + uri.getScheme());
    }
    return new ElasticsearchServer(uri, null);
  }

  private static ManagedProcess newProcess(
      Path home, int httpPort, String heap, String clusterSettings) {
    boolean root = Unprivileged.runningAsRoot();
    Path instance = instanceDir(root, httpPort);
    try {
      Path config = Files.createDirectories(instance.resolve("config"));
      copyConfig(home.resolve("config"), config);
      Files.writeString(
          config.resolve("elasticsearch.yml"),
          settings(instance, httpPort, clusterSettings),
          StandardCharsets.UTF_8);
      Files.createDirectories(instance.resolve("data"));
      Files.createDirectories(instance.resolve("logs"));
      Files.createDirectories(instance.resolve("tmp"));
    } catch (IOException e) {
      throw new TestServiceException(
          "cannot prepare the Elasticsearch instance folder " + instance, e);
    }
    List<String> command = new ArrayList<>();
    if (root) {
      Unprivileged.chown(instance);
      command.addAll(Unprivileged.commandPrefix());
    }
    command.add(home.resolve("bin/elasticsearch").toString());
    Map<String, String> env = new HashMap<>();
    env.put("ES_JAVA_HOME", javaHome());
    env.put("ES_PATH_CONF", instance.resolve("config").toString());
    env.put("ES_TMPDIR", instance.resolve("tmp").toString());
    // The launcher's own JVM probes flags in a temporary folder; keep that inside the instance too.
    env.put("CLI_JAVA_OPTS", "-Djava.io.tmpdir=" + instance.resolve("tmp"));
    env.put("ES_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap);
    env.put("HOME", instance.toString());
    Path log = WorkDirs.base().resolve("elasticsearch-" + httpPort + ".log");
    return new ManagedProcess("Elasticsearch 127.0.0.1:" + httpPort, command, env, instance, log);
  }

  /**
   * Under root the node's files must be reachable by the unprivileged user, whose access to the
   * build folder (perhaps under /root) is not assured, so they live under the temporary directory.
   */
  private static Path instanceDir(boolean root, int httpPort) {
    try {
      if (root) {
        Path dir = Files.createTempDirectory("toutiao-es-" + httpPort + "-");
        Shutdown.register(() -> WorkDirs.deleteTree(dir));
        return dir;
      }
      Path dir = WorkDirs.base().resolve("toutiao-testing").resolve("elasticsearch-" + httpPort);
      WorkDirs.deleteTree(dir);
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create an Elasticsearch instance folder", e);
    }
  }

  private static void copyConfig(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static String settings(Path instance, int httpPort, String clusterSettings) {
    return String.join(
        "\n",
        clusterSettings,
        "network.host: 127.0.0.1",
        "http.port: " + httpPort,
        "path.data: " + instance.resolve("data"),
        "path.logs: " + instance.resolve("logs"),
        "xpack.security.enabled: false",
        "cluster.routing.allocation.disk.threshold_enabled: false",
        "action.destructive_requires_name: false",
        "");
  }

  private static String javaHome() {
    String configured =
        System.getProperty("toutiao.es.javaHome", System.getenv("TOUTIAO_ES_JAVA_HOME"));
    return configured != null && !configured.isBlank()
        ? configured
        : Paths.get(System.getProperty("java.home")).toString();
  }

  static String heap() {
    return System.getProperty("toutiao.es.heap", "512m");
  }

  private void launch() {
    process.start();
    awaitStarted();
  }

  /** Starts the process without waiting (cluster nodes wait for each other). */
  void startProcess() {
    process.start();
  }

  /** Waits until the started process answers health with yellow or green. */
  void awaitStarted() {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new TestServiceException(
            process.name()
                + " exited with code "
                + process.exitCode()
                + " during start-up. Log "
                + process.logFile()
                + ":\n"
                + process.logTail(40));
      }
      if (isHealthy()) {
        return;
      }
      RedisServer.sleep(250);
    }
    String tail = process.logTail(40);
    process.stop(STOP_GRACE);
    throw new TestServiceException(
        process.name()
            + " was not healthy within "
            + STARTUP_TIMEOUT.toSeconds()
            + " s. Log "
            + process.logFile()
            + ":\n"
            + tail);
  }

  private boolean isHealthy() {
    try {
      HttpResponse<String> response = get("/_cluster/health?wait_for_status=yellow&timeout=1s");
      return response.statusCode() == 200 && !response.body().contains("\"status\":\"red\"");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Sends a GET request to the node, for set-up and assertions in tests.
   *
   * @param path path and query, e.g. {@code /_cat/indices?format=json}
   * @return the response
   * @throws IOException when the node cannot be reached
   */
  public HttpResponse<String> get(String path) throws IOException {
    return send(HttpRequest.newBuilder(uri.resolve(path)).GET());
  }

  /**
   * Sends a request with a JSON body, for set-up in tests.
   *
   * @param method HTTP method
   * @param path path and query
   * @param json the body, or null for none
   * @return the response
   * @throws IOException when the node cannot be reached
   */
  public HttpResponse<String> send(String method, String path, String json) throws IOException {
    HttpRequest.BodyPublisher body =
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json);
    return send(
        HttpRequest.newBuilder(uri.resolve(path))
            .method(method, body)
            .header("Content-Type", "application/json"));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * Deletes every index whose name does not start with a dot (hidden and system indexes stay).
   *
   * @throws IOException when the node cannot be reached or refuses a deletion
   */
  public void deleteIndices() throws IOException {
    HttpResponse<String> list = get("/_cat/indices?h=index&expand_wildcards=open,closed");
    if (list.statusCode() != 200) {
      throw new IOException(
          "listing indexes failed with " + list.statusCode() + ": " + list.body());
    }
    for (String index : list.body().split("\\s+")) {
      if (!index.isEmpty() && !index.startsWith(".")) {
        HttpResponse<String> deleted = send("DELETE", "/" + index, null);
        if (deleted.statusCode() != 200 && deleted.statusCode() != 404) {
          throw new IOException(
              "deleting index "
                  + index
                  + " failed with "
                  + deleted.statusCode()
                  + ": "
                  + deleted.body());
        }
      }
    }
  }

  /**
   * Returns the HTTP address, e.g. {@code http://127.0.0.1:9200}.
   *
   * @return the URI
   */
  public URI httpUri() {
    return uri;
  }

  /**
   * Returns the host.
   *
   * @return the host
   */
  public String host() {
    return uri.getHost();
  }

  /**
   * Returns the HTTP port.
   *
   * @return the port
   */
  public int httpPort() {
    return uri.getPort() < 0 ? ("https".equals(uri.getScheme()) ? 443 : 80) : uri.getPort();
  }

  /**
   * Tells whether this object started the node and can stop and restart it.
   *
   * @return false for an external node
   */
  public boolean isManaged() {
    return process != null;
  }

  /** Whether the node's process lives (external nodes: always). */
  boolean processAlive() {
    return process == null || process.isAlive();
  }

  /**
   * Tells whether the node answers a cluster health request with yellow or green.
   *
   * @return true when healthy
   */
  public boolean isRunning() {
    return (process == null || (process.isAlive() && !process.isPaused())) && isHealthy();
  }

  /**
   * Freezes the node's JVM with SIGSTOP: its HTTP and transport connections stay open and nothing
   * answers until {@link #resume()}. In a cluster the other nodes remove it only after their
   * fault-detection timeouts (tens of seconds by default).
   *
   * @throws UnsupportedOperationException for an external node
   * @throws IllegalStateException when the node is not running
   */
  @Override
  public void pause() {
    requireManaged("pause");
    process.pause();
  }

  @Override
  public void resume() {
    requireManaged("resume");
    process.resume();
  }

  @Override
  public boolean isPaused() {
    return process != null && process.isPaused();
  }

  /**
   * Kills the node's JVM with SIGKILL, as a crash would: nothing is flushed beyond what the
   * translog already made durable. {@link #restart()} brings it back with its data.
   *
   * @throws UnsupportedOperationException for an external node
   */
  @Override
  public void kill() {
    requireManaged("kill");
    process.kill();
  }

  /**
   * Stops the node (SIGTERM to its launcher, then a kill after 30 s). Its data stays for {@link
   * #restart()}.
   *
   * @throws UnsupportedOperationException for an external node
   */
  public void stop() {
    requireManaged("stop");
    process.stop(STOP_GRACE);
  }

  /**
   * Starts the node again on the same ports with the same data and waits until it is healthy.
   *
   * @throws UnsupportedOperationException for an external node
   * @throws TestServiceException when it does not come back
   */
  public void restart() {
    requireManaged("restart");
    process.stop(STOP_GRACE);
    launch();
  }

  /**
   * Resumes the node if it was paused and starts it again if it was stopped or killed; does nothing
   * if it runs or is external.
   */
  public void ensureRunning() {
    if (process == null) {
      return;
    }
    process.resume();
    if (!process.isAlive()) {
      launch();
    }
  }

  /**
   * Returns the console log of a started node.
   *
   * @return the log, or null for an external node
   */
  public Path logFile() {
    return process == null ? null : process.logFile();
  }

  private void requireManaged(String action) {
    if (process == null) {
      throw new UnsupportedOperationException(
          "cannot "
              + action
              + " the external Elasticsearch at "
              + uri
              + "; fault tests need a started node (unset TOUTIAO_ES_URL)");
    }
  }

  /** Stops a started node for good; does nothing for an external one. */
  @Override
  public void close() {
    if (process != null) {
      process.stop(STOP_GRACE);
    }
  }

  @Override
  public String toString() {
    return "ElasticsearchServer[" + uri + (isManaged() ? ", started here" : ", external") + "]";
  }
}
