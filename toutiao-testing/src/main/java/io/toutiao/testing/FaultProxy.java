package io.toutiao.testing;

import io.toutiao.testing.internal.ProxyLink;
import io.toutiao.testing.internal.ProxySettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on a loopback port in front of one server (Redis, Elasticsearch, an HTTP or gRPC
 * server), that injects network faults on demand while traffic flows.
 *
 * <p>Point the client under test at {@link #host()}:{@link #port()} instead of the server. With no
 * fault set, bytes pass through unchanged in both directions and half-closes are forwarded. Faults
 * take effect at once, on open connections and new ones, and can be combined:
 *
 * <ul>
 *   <li>{@link #latency(Direction, Duration, Duration)}: every chunk waits a fixed time plus a
 *       random jitter; order is kept;
 *   <li>{@link #freeze()}: every connection stays open and nothing is forwarded either way until
 *       {@link #thaw()}, as with a half-open TCP connection or a stuck middlebox;
 *   <li>{@link #holdNext(Direction, Duration)} / {@link #holdNextReply(Duration)}: the next chunk
 *       (a reply, for a request/response protocol) is held for a given time, then delivered;
 *   <li>{@link #dropNewConnections(boolean)}: new connections are accepted and reset at once;
 *   <li>{@link #resetConnections()}: every open connection is reset (TCP RST) now;
 *   <li>{@link #bandwidth(Direction, long)}: at most so many bytes per second;
 *   <li>{@link #closeAfterBytes(Direction, long)}: each connection is closed once that many more
 *       bytes have passed in that direction (a reply cut in the middle).
 * </ul>
 *
 * <p>{@link #heal()} removes every fault. {@link #stats()} counts bytes and connections. All
 * methods are thread-safe and may be called from the test while other threads use the proxy. {@link
 * FaultProxyExtension} gives one to a JUnit 5 test and heals it after each test.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
 *     RedisClient jedis = RedisClient.create(proxy.host(), proxy.port())) {
 *   proxy.freeze();          // the next call times out; the socket stays open
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

  /** The direction of a fault. */
  public enum Direction {
    /** From the client to the server: requests. */
    UPSTREAM,
    /** From the server to the client: replies. */
    DOWNSTREAM
  }

  private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final ProxySettings settings = new ProxySettings();
  private final Set<ProxyLink> links = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failedUpstream = new AtomicLong();
  private final Thread acceptor;
  private volatile boolean closed;

  private FaultProxy(InetSocketAddress target, ServerSocket listener) {
    this.target = target;
    this.listener = listener;
    this.acceptor = new Thread(this::acceptLoop, "fault-proxy-" + listener.getLocalPort());
    this.acceptor.setDaemon(true);
  }

  /**
   * Starts a proxy on a free loopback port in front of {@code host:port}.
   *
   * @param host the server's host
   * @param port the server's port
   * @return the running proxy
   */
  public static FaultProxy start(String host, int port) {
    Objects.requireNonNull(host, "host must not be null");
    return start(new InetSocketAddress(host, port), 0);
  }

  /**
   * Starts a proxy in front of {@code target}, listening on {@code listenPort} of the loopback
   * interface (0 for a free one).
   *
   * @param target the server
   * @param listenPort the port to listen on, 0 to pick a free one
   * @return the running proxy
   * @throws IllegalArgumentException when the port is outside 0..65535
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static FaultProxy start(InetSocketAddress target, int listenPort) {
    Objects.requireNonNull(target, "target must not be null");
    if (listenPort < 0 || listenPort > 65535) {
      throw new IllegalArgumentException("listenPort must be within 0..65535, got " + listenPort);
    }
    try {
      ServerSocket listener = new ServerSocket();
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 128);
      FaultProxy proxy = new FaultProxy(target, listener);
      proxy.acceptor.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on loopback port " + listenPort, e);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("fault proxy on port {} stopped accepting", port(), e);
        }
        return;
      }
      accepted.incrementAndGet();
      if (settings.dropNewConnections()) {
        dropped.incrementAndGet();
        ProxyLink.reset(client);
        continue;
      }
      Socket server = new Socket();
      try {
        server.connect(target, 5_000);
      } catch (IOException e) {
        // The server is down: the client sees what it would see without the proxy, a reset.
        failedUpstream.incrementAndGet();
        ProxyLink.reset(client);
        ProxyLink.closeQuietly(server);
        continue;
      }
      try {
        ProxyLink link = new ProxyLink(client, server, settings, links::remove, port());
        links.add(link);
        link.start();
      } catch (SocketException e) {
        ProxyLink.reset(client);
        ProxyLink.closeQuietly(server);
      }
    }
  }

  /**
   * Returns the host clients connect to.
   *
   * @return the loopback address, {@code 127.0.0.1}
   */
  public String host() {
    return listener.getInetAddress().getHostAddress();
  }

  /**
   * Returns the port clients connect to.
   *
   * @return the listening port
   */
  public int port() {
    return listener.getLocalPort();
  }

  /**
   * Returns {@code host:port} of the proxy.
   *
   * @return the address clients use
   */
  public String hostAndPort() {
    return host() + ":" + port();
  }

  /**
   * Returns the server behind the proxy.
   *
   * @return the target address
   */
  public InetSocketAddress target() {
    return target;
  }

  /**
   * Delays every chunk in both directions by a fixed time.
   *
   * @param delay the delay, zero for none
   * @return this proxy
   */
  public FaultProxy latency(Duration delay) {
    latency(Direction.UPSTREAM, delay, Duration.ZERO);
    return latency(Direction.DOWNSTREAM, delay, Duration.ZERO);
  }

  /**
   * Delays every chunk in one direction by {@code delay} plus a uniformly random extra of up to
   * {@code jitter}. Chunks keep their order: a chunk never overtakes an earlier one.
   *
   * @param direction which direction
   * @param delay the fixed part, zero for none
   * @param jitter the largest random extra, zero for none
   * @return this proxy
   * @throws IllegalArgumentException when a duration is negative
   */
  public FaultProxy latency(Direction direction, Duration delay, Duration jitter) {
    settings.latency(
        requireDirection(direction),
        requireNotNegative(delay, "delay"),
        requireNotNegative(jitter, "jitter"));
    return this;
  }

  /**
   * Freezes every connection, open and new: sockets stay open, nothing is forwarded in either
   * direction and nothing is closed, until {@link #thaw()}. Clients see their reads time out.
   *
   * @return this proxy
   */
  public FaultProxy freeze() {
    settings.frozen(true);
    return this;
  }

  /**
   * Ends a {@link #freeze()}: what was sent meanwhile is delivered, in order.
   *
   * @return this proxy
   */
  public FaultProxy thaw() {
    settings.frozen(false);
    return this;
  }

  /**
   * Tells whether the proxy is frozen.
   *
   * @return true between {@link #freeze()} and {@link #thaw()}
   */
  public boolean isFrozen() {
    return settings.frozen();
  }

  /**
   * Holds the next chunk the server sends (on any connection) for {@code duration}, then delivers
   * it; later chunks of that connection wait behind it. Other connections flow freely.
   *
   * @param duration how long to hold it
   * @return a handle to wait until a reply is held, or to release it early
   */
  public Hold holdNextReply(Duration duration) {
    return holdNext(Direction.DOWNSTREAM, duration);
  }

  /**
   * Holds the next chunk in {@code direction} (on any connection) for {@code duration}, then
   * delivers it. A hold set while another is still waiting for its chunk replaces it.
   *
   * @param direction which direction
   * @param duration how long to hold it
   * @return a handle to wait until a chunk is held, or to release it early
   * @throws IllegalArgumentException when the duration is negative
   */
  public Hold holdNext(Direction direction, Duration duration) {
    return settings.hold(requireDirection(direction), requireNotNegative(duration, "duration"));
  }

  /**
   * Resets every new connection at once (accept, then TCP RST), or stops doing so. Open connections
   * are not affected.
   *
   * @param drop true to drop, false to accept again
   * @return this proxy
   */
  public FaultProxy dropNewConnections(boolean drop) {
    settings.dropNewConnections(drop);
    return this;
  }

  /**
   * Resets every open connection now (TCP RST to both the client and the server). New connections
   * are accepted as before.
   *
   * @return how many connections were reset
   */
  public int resetConnections() {
    List<ProxyLink> open = List.copyOf(links);
    open.forEach(ProxyLink::reset);
    return open.size();
  }

  /**
   * Limits the bandwidth of each connection in one direction.
   *
   * @param direction which direction
   * @param bytesPerSecond the limit, 0 for none
   * @return this proxy
   * @throws IllegalArgumentException when negative
   */
  public FaultProxy bandwidth(Direction direction, long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "bytesPerSecond must be 0 (no limit) or more, got " + bytesPerSecond);
    }
    settings.bandwidth(requireDirection(direction), bytesPerSecond);
    return this;
  }

  /**
   * Closes each connection once {@code bytes} more bytes have passed in {@code direction}, counted
   * per connection from this call (or from its start, for a later connection); the chunk that
   * crosses the limit is cut at the limit. Both sockets are closed normally (FIN).
   *
   * @param direction which direction
   * @param bytes how many bytes to let through, or -1 for no limit
   * @return this proxy
   * @throws IllegalArgumentException when below -1
   */
  public FaultProxy closeAfterBytes(Direction direction, long bytes) {
    if (bytes < -1) {
      throw new IllegalArgumentException("bytes must be -1 (no limit) or more, got " + bytes);
    }
    settings.closeAfter(requireDirection(direction), bytes);
    return this;
  }

  /**
   * Removes every fault: thaws, releases held chunks, removes latency, bandwidth and byte limits,
   * and accepts new connections again. Open connections stay open.
   *
   * @return this proxy
   */
  public FaultProxy heal() {
    settings.heal();
    return this;
  }

  /**
   * Returns the counters since the proxy started.
   *
   * @return a snapshot
   */
  public Stats stats() {
    return new Stats(
        settings.forwarded(Direction.UPSTREAM),
        settings.forwarded(Direction.DOWNSTREAM),
        accepted.get(),
        links.size(),
        dropped.get(),
        failedUpstream.get());
  }

  /** Stops listening and closes every open connection. */
  @Override
  public void close() {
    closed = true;
    settings.heal();
    ProxyLink.closeQuietly(listener);
    List.copyOf(links).forEach(ProxyLink::close);
  }

  @Override
  public String toString() {
    return "FaultProxy["
        + hostAndPort()
        + " -> "
        + target.getHostString()
        + ":"
        + target.getPort()
        + "]";
  }

  private static Direction requireDirection(Direction direction) {
    return Objects.requireNonNull(direction, "direction must not be null");
  }

  private static Duration requireNotNegative(Duration value, String name) {
    Objects.requireNonNull(value, name + " must not be null");
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
    return value;
  }

  /**
   * Counters of a proxy.
   *
   * @param bytesUpstream bytes forwarded from clients to the server
   * @param bytesDownstream bytes forwarded from the server to clients
   * @param connectionsAccepted connections accepted, dropped ones included
   * @param connectionsOpen connections open now
   * @param connectionsDropped connections reset by {@link #dropNewConnections(boolean)}
   * @param upstreamConnectFailures connections reset because the server could not be reached
   */
  public record Stats(
      long bytesUpstream,
      long bytesDownstream,
      long connectionsAccepted,
      int connectionsOpen,
      long connectionsDropped,
      long upstreamConnectFailures) {}

  /** A pending or active hold of one chunk, from {@link #holdNext(Direction, Duration)}. */
  public interface Hold {

    /**
     * Waits until a chunk is held.
     *
     * @param timeout how long to wait
     * @return true when a chunk is held (or was held and delivered), false on timeout
     */
    boolean awaitHeld(Duration timeout);

    /**
     * Tells whether a chunk has been caught by this hold.
     *
     * @return true once a chunk is held
     */
    boolean isHeld();

    /** Delivers the held chunk now, or cancels the hold if no chunk was caught yet. */
    void release();
  }
}
