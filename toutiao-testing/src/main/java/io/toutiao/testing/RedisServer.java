package io.toutiao.testing;

import io.toutiao.testing.internal.FreePorts;
import io.toutiao.testing.internal.ManagedProcess;
import io.toutiao.testing.internal.RedisBinary;
import io.toutiao.testing.internal.RespClient;
import io.toutiao.testing.internal.Shutdown;
import io.toutiao.testing.internal.WorkDirs;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * A real {@code redis-server} process on a free loopback port, or the address of an external
 * server.
 *
 * <p>A started server runs without persistence ({@code save ""}, no AOF), logs to {@code
 * target/redis-PORT.log} and is stopped when the JVM exits. Fault tests can {@link #stop()} it and
 * {@link #restart()} it on the same port (data does not survive a stop), {@link #kill()} it, or
 * {@link #pause()} it so that it keeps its connections open and answers nothing. An {@linkplain
 * #external(URI) external} server can be used but not stopped.
 *
 * <p>Most tests use the shared server through {@link RedisServerExtension}; start one directly when
 * a test needs a server of its own. Instances are thread-safe.
 */
public final class RedisServer implements ProcessFaults, AutoCloseable {

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

  private final String host;
  private final int port;
  private final String password;
  private final ManagedProcess process;

  private RedisServer(String host, int port, String password, ManagedProcess process) {
    this.host = host;
    this.port = port;
    this.password = password;
    this.process = process;
  }

  /**
   * Starts a new standalone server on a free loopback port and waits until it answers PING.
   *
   * @return the running server
   * @throws TestServiceException when no redis-server can be found or it does not come up
   */
  public static RedisServer start() {
    return startWith(List.of(), "redis");
  }

  /**
   * Starts a server with extra {@code redis-server} arguments, on a free port (and, for cluster
   * nodes, a free cluster-bus port), retrying with another port if the chosen one was taken.
   */
  static RedisServer startWith(List<String> extraArgs, String kind) {
    return startWith(extraArgs.contains("--cluster-enabled"), port -> extraArgs, kind);
  }

  /**
   * Starts a server whose arguments depend on its port (a sentinel's configuration file names it).
   * Arguments that start with a path ({@code /...}) go first, as {@code redis-server} reads a
   * configuration file only as its first argument.
   */
  static RedisServer startWith(
      boolean clusterBus, IntFunction<List<String>> argsForPort, String kind) {
    TestServiceException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = clusterBus ? FreePorts.findPair(10000) : FreePorts.find();
      RedisServer server =
          new RedisServer("127.0.0.1", port, null, newProcess(port, argsForPort.apply(port), kind));
      try {
        server.launch();
        Shutdown.register(server::close);
        return server;
      } catch (TestServiceException e) {
        server.process.stop(STOP_GRACE);
        last = e;
      }
    }
    throw last;
  }

  /**
   * Refers to a server this class does not manage, such as one named by {@code TOUTIAO_REDIS_URL}.
   *
   * @param uri {@code redis://[:password@]host:port}
   * @return a handle that can ping and flush, but not stop, the server
   */
  public static RedisServer external(URI uri) {
    Objects.requireNonNull(uri, "uri must not be null");
    if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "expected redis://host:port, got scheme " + uri.getScheme());
    }
    String password = null;
    if (uri.getUserInfo() != null) {
      String info = uri.getUserInfo();
      password = info.substring(info.indexOf(':') + 1);
    }
    return new RedisServer(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), password, null);
  }

  private static ManagedProcess newProcess(int port, List<String> extraArgs, String kind) {
    String name = kind + "-" + port;
    WorkDirs.deleteTree(WorkDirs.base().resolve("toutiao-testing").resolve(name));
    Path dir = WorkDirs.dir(name);
    List<String> command = new ArrayList<>();
    command.add(RedisBinary.find().toString());
    extraArgs.stream().filter(arg -> arg.startsWith("/")).forEach(command::add);
    command.addAll(
        List.of(
            "--port", Integer.toString(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", dir.toString(),
            "--daemonize", "no"));
    extraArgs.stream().filter(arg -> !arg.startsWith("/")).forEach(command::add);
    Path log = WorkDirs.base().resolve(name + ".log");
    return new ManagedProcess("redis-server 127.0.0.1:" + port, command, Map.of(), dir, log);
  }

  private void launch() {
    process.start();
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
                + process.logTail(20));
      }
      if (ping()) {
        return;
      }
      sleep(20);
    }
    throw new TestServiceException(
        process.name()
            + " did not answer PING within "
            + STARTUP_TIMEOUT.toSeconds()
            + " s. Log "
            + process.logFile()
            + ":\n"
            + process.logTail(20));
  }

  /**
   * Returns the host to connect to.
   *
   * @return the host, {@code 127.0.0.1} for a started server
   */
  public String host() {
    return host;
  }

  /**
   * Returns the port to connect to.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns {@code host:port}, the form Redis clients and {@code redis-cli -h/-p} use.
   *
   * @return the address
   */
  public String hostAndPort() {
    return host + ":" + port;
  }

  /**
   * Returns the connection URI, {@code redis://host:port} (password not included).
   *
   * @return the URI
   */
  public URI uri() {
    return URI.create("redis://" + host + ":" + port);
  }

  /**
   * Tells whether this object started the process and can stop and restart it.
   *
   * @return false for an external server
   */
  public boolean isManaged() {
    return process != null;
  }

  /**
   * Tells whether the server answers PING right now.
   *
   * @return true when it answered
   */
  public boolean isRunning() {
    return (process == null || (process.isAlive() && !process.isPaused())) && ping();
  }

  /**
   * Stops the process (SIGTERM, then SIGKILL after 10 s; a paused process is resumed to see the
   * SIGTERM). The port stays reserved for {@link #restart()}. Clients see connection errors until
   * then.
   *
   * @throws UnsupportedOperationException for an external server
   */
  public void stop() {
    requireManaged("stop");
    process.stop(STOP_GRACE);
  }

  /**
   * Kills the process at once, like a crash or an out-of-memory kill.
   *
   * @throws UnsupportedOperationException for an external server
   */
  @Override
  public void kill() {
    requireManaged("kill");
    process.kill();
  }

  /**
   * Freezes the server with SIGSTOP: connections stay open, commands get no answer (clients time
   * out) until {@link #resume()}, which answers everything sent meanwhile. Keys do not expire while
   * it is paused; their time catches up at resume.
   *
   * @throws UnsupportedOperationException for an external server
   * @throws IllegalStateException when the server is not running
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
   * Returns the process id of a started server.
   *
   * @return the pid
   * @throws UnsupportedOperationException for an external server
   * @throws IllegalStateException when it is not running
   */
  public long pid() {
    requireManaged("read the pid of");
    return process.pid();
  }

  /**
   * Starts the server again on the same port (stopping it first if it runs) and waits for PING. The
   * data set starts empty; cluster nodes keep their slots, which live in their nodes file.
   *
   * @throws UnsupportedOperationException for an external server
   * @throws TestServiceException when it does not come back
   */
  public void restart() {
    requireManaged("restart");
    process.stop(STOP_GRACE);
    launch();
  }

  /**
   * Resumes the server if it was paused and starts it again if it was stopped or killed; does
   * nothing if it runs.
   *
   * @throws TestServiceException when it does not come back
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
   * Deletes every key in every database ({@code FLUSHALL}).
   *
   * @throws TestServiceException when the server cannot be reached
   */
  public void flushAll() {
    command("FLUSHALL");
  }

  /**
   * Sends one command and returns the reply, for set-up and assertions in tests.
   *
   * @param args the command and its arguments, e.g. {@code "CONFIG", "GET", "maxmemory"}
   * @return a String, Long, List or null, as RESP2 answers
   * @throws TestServiceException on connection failure or an error reply
   */
  public Object command(String... args) {
    try (RespClient client = connect()) {
      return client.call(args);
    } catch (IOException e) {
      throw new TestServiceException(
          args[0] + " on Redis " + hostAndPort() + " failed: " + e.getMessage(), e);
    }
  }

  private boolean ping() {
    try (RespClient client = connect()) {
      return "PONG".equals(client.call("PING"));
    } catch (IOException e) {
      return false;
    }
  }

  private RespClient connect() throws IOException {
    RespClient client = RespClient.connect(host, port, COMMAND_TIMEOUT);
    if (password != null) {
      try {
        client.call("AUTH", password);
      } catch (IOException e) {
        client.close();
        throw e;
      }
    }
    return client;
  }

  private void requireManaged(String action) {
    if (process == null) {
      throw new UnsupportedOperationException(
          "cannot "
              + action
              + " the external Redis at "
              + hostAndPort()
              + "; fault tests need a started server (unset TOUTIAO_REDIS_URL)");
    }
  }

  /**
   * Returns the log file of a started server.
   *
   * @return the log, or null for an external server
   */
  public Path logFile() {
    return process == null ? null : process.logFile();
  }

  /** Stops a started server for good; does nothing for an external one. */
  @Override
  public void close() {
    if (process != null) {
      process.stop(STOP_GRACE);
    }
  }

  @Override
  public String toString() {
    return "RedisServer[" + hostAndPort() + (isManaged() ? ", started here" : ", external") + "]";
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestServiceException("interrupted while waiting", e);
    }
  }
}
