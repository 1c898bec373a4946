package io.toutiao.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.testing.FaultProxy.Direction;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

@RedisTest
class FaultProxyIT {

  private static EchoServer echo;

  @BeforeAll
  static void startEcho() throws IOException {
    echo = new EchoServer();
  }

  @AfterAll
  static void stopEcho() throws IOException {
    echo.close();
  }

  private static Jedis jedis(FaultProxy proxy, int timeoutMillis) {
    return new Jedis(
        new HostAndPort(proxy.host(), proxy.port()),
        DefaultJedisClientConfig.builder().timeoutMillis(timeoutMillis).build());
  }

  /** Jedis throws from close() when its socket was reset. */
  private static void closeBroken(Jedis jedis) {
    try {
      jedis.close();
    } catch (JedisConnectionException expected) {
      // the connection is gone already
    }
  }

  private static Socket connect(FaultProxy proxy, int readTimeoutMillis) throws IOException {
    Socket socket = new Socket(proxy.host(), proxy.port());
    socket.setSoTimeout(readTimeoutMillis);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String readLine(Socket socket) throws IOException {
    return SocketLines.readLine(socket.getInputStream());
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /**
   * Writes {@code data} from another thread and reads everything echoed back until {@code limit}.
   */
  private static byte[] echoThrough(FaultProxy proxy, byte[] data, int expected) throws Exception {
    try (Socket socket = connect(proxy, 20_000)) {
      Thread writer =
          new Thread(
              () -> {
                try {
                  socket.getOutputStream().write(data);
                  socket.getOutputStream().flush();
                } catch (IOException ignored) {
                  // the proxy may close the connection on purpose
                }
              });
      writer.start();
      byte[] received = socket.getInputStream().readNBytes(expected);
      writer.join(20_000);
      return received;
    }
  }

  @Test
  void passesBytesThroughUnchangedAndCountsThem() throws Exception {
    byte[] data = randomBytes(1 << 20, 1);
    try (FaultProxy proxy = FaultProxy.start(echo.host(), echo.port())) {
      byte[] received = echoThrough(proxy, data, data.length);

      assertThat(received).isEqualTo(data);
      FaultProxy.Stats stats = proxy.stats();
      assertThat(stats.bytesUpstream()).isEqualTo(data.length);
      assertThat(stats.bytesDownstream()).isEqualTo(data.length);
      assertThat(stats.connectionsAccepted()).isEqualTo(1);
    }
  }

  @Test
  void frozenProxyMakesJedisTimeOutWhileTheSocketStaysOpen(RedisServer redis) {
    try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
        Jedis jedis = jedis(proxy, 300)) {
      assertThat(jedis.ping()).isEqualTo("PONG");

      proxy.freeze();

      assertThatThrownBy(jedis::ping)
          .isInstanceOf(JedisConnectionException.class)
          .hasRootCauseInstanceOf(SocketTimeoutException.class);
      assertThat(proxy.isFrozen()).isTrue();
      assertThat(proxy.stats().connectionsOpen()).as("nothing was closed").isEqualTo(1);
    }
  }

  @Test
  void frozenBytesAreDeliveredInOrderAfterThaw(RedisServer redis) throws IOException {
    try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
        Socket socket = connect(proxy, 300)) {
      proxy.freeze();
      send(socket, "PING\r\nECHO after\r\n");

      assertThatThrownBy(() -> readLine(socket)).isInstanceOf(SocketTimeoutException.class);
      assertThat(socket.isClosed()).isFalse();

      proxy.thaw();
      socket.setSoTimeout(5_000);
      assertThat(readLine(socket)).isEqualTo("+PONG");
      assertThat(readLine(socket)).isEqualTo("$5");
      assertThat(readLine(socket)).isEqualTo("after");
    }
  }

  @Test
  void heldReplyArrivesAfterTheHoldWhileOtherConnectionsFlow(RedisServer redis) throws IOException {
    try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
        Socket held = connect(proxy, 300);
        Jedis other = jedis(proxy, 2_000)) {
      assertThat(other.ping()).isEqualTo("PONG");
      FaultProxy.Hold hold = proxy.holdNextReply(Duration.ofMillis(1500));

      long sent = System.nanoTime();
      send(held, "PING\r\n");
      assertThat(hold.awaitHeld(Duration.ofSeconds(5))).isTrue();
      assertThatThrownBy(() -> readLine(held)).isInstanceOf(SocketTimeoutException.class);
      assertThat(other.ping()).as("another connection is not held").isEqualTo("PONG");

      held.setSoTimeout(10_000);
      assertThat(readLine(held)).isEqualTo("+PONG");
      assertThat(Duration.ofNanos(System.nanoTime() - sent))
          .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }
  }

  @Test
  void releasingAHoldDeliversAtOnce(RedisServer redis) throws IOException {
    try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
        Socket socket = connect(proxy, 300)) {
      FaultProxy.Hold hold = proxy.holdNextReply(Duration.ofMinutes(10));
      send(socket, "PING\r\n");
      assertThat(hold.awaitHeld(Duration.ofSeconds(5))).isTrue();
      assertThat(hold.isHeld()).isTrue();

      hold.release();

      socket.setSoTimeout(5_000);
      assertThat(readLine(socket)).isEqualTo("+PONG");
    }
  }

  @Test
  void holdOfRequestsDelaysWhatTheServerSees(RedisServer redis) throws IOException {
    try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
        Socket socket = connect(proxy, 5_000)) {
      FaultProxy.Hold hold = proxy.holdNext(Direction.UPSTREAM, Duration.ofMinutes(10));
      send(socket, "SET held-request 1\r\n");
      assertThat(hold.awaitHeld(Duration.ofSeconds(5))).isTrue();

      assertThat(redis.command("EXISTS", "held-request")).as("not yet at the server").isEqualTo(0L);

      hold.release();
      assertThat(readLine(socket)).isEqualTo("+OK");
      assertThat(redis.command("EXISTS", "held-request")).isEqualTo(1L);
    }
  }

  @Test
  void latencyDelaysRepliesWithoutAddingUpPerChunk(RedisServer redis) {
    try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
        Jedis jedis = jedis(proxy, 10_000)) {
      jedis.ping();
      proxy.latency(Direction.DOWNSTREAM, Duration.ofMillis(300), Duration.ZERO);

      long start = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        assertThat(jedis.ping()).isEqualTo("PONG");
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }
  }

  @Test
  void jitteredLatencyKeepsTheOrderOfBytes() throws Exception {
    byte[] data = randomBytes(256 * 1024, 2);
    try (FaultProxy proxy = FaultProxy.start(echo.host(), echo.port())) {
      proxy.latency(Direction.UPSTREAM, Duration.ofMillis(1), Duration.ofMillis(20));
      proxy.latency(Direction.DOWNSTREAM, Duration.ZERO, Duration.ofMillis(20));

      assertThat(echoThrough(proxy, data, data.length)).isEqualTo(data);
    }
  }

  @Test
  void droppedNewConnectionsFailWhileOpenOnesWork(RedisServer redis) {
    try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port());
        Jedis open = jedis(proxy, 2_000)) {
      open.ping();
      proxy.dropNewConnections(true);

      assertThatThrownBy(() -> jedis(proxy, 2_000).ping())
          .isInstanceOf(JedisConnectionException.class);
      assertThat(open.ping()).isEqualTo("PONG");
      assertThat(proxy.stats().connectionsDropped()).isEqualTo(1);

      proxy.dropNewConnections(false);
      try (Jedis fresh = jedis(proxy, 2_000)) {
        assertThat(fresh.ping()).isEqualTo("PONG");
      }
    }
  }

  @Test
  void resetBreaksOpenConnectionsOnly(RedisServer redis) {
    try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port())) {
      Jedis jedis = jedis(proxy, 2_000);
      jedis.ping();

      assertThat(proxy.resetConnections()).isEqualTo(1);

      assertThatThrownBy(jedis::ping).isInstanceOf(JedisConnectionException.class);
      try (Jedis fresh = jedis(proxy, 2_000)) {
        assertThat(fresh.ping()).isEqualTo("PONG");
      }
      closeBroken(jedis);
    }
  }

  @Test
  void bandwidthLimitSlowsTheTransferAndKeepsTheBytes() throws Exception {
    byte[] data = randomBytes(200 * 1024, 3);
    try (FaultProxy proxy = FaultProxy.start(echo.host(), echo.port())) {
      proxy.bandwidth(Direction.DOWNSTREAM, 100 * 1024);

      long start = System.nanoTime();
      byte[] received = echoThrough(proxy, data, data.length);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      assertThat(received).isEqualTo(data);
      assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }
  }

  @Test
  void closeAfterBytesCutsTheReplyAtTheLimit() throws Exception {
    byte[] data = randomBytes(50_000, 4);
    try (FaultProxy proxy = FaultProxy.start(echo.host(), echo.port())) {
      proxy.closeAfterBytes(Direction.DOWNSTREAM, 12_345);

      byte[] received = echoThrough(proxy, data, data.length);

      assertThat(received).hasSize(12_345);
      assertThat(received).isEqualTo(java.util.Arrays.copyOf(data, 12_345));
    }
  }

  @Test
  void closeAfterBytesCountsFromWhenItIsSet() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(echo.host(), echo.port());
        Socket socket = connect(proxy, 5_000)) {
      send(socket, "first\n");
      assertThat(readLine(socket)).isEqualTo("first");

      proxy.closeAfterBytes(Direction.DOWNSTREAM, 3);
      send(socket, "second\n");

      byte[] rest = socket.getInputStream().readAllBytes();
      assertThat(new String(rest, StandardCharsets.US_ASCII)).isEqualTo("sec");
    }
  }

  @Test
  void unreachableServerResetsTheClient() throws IOException {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    try (FaultProxy proxy = FaultProxy.start("127.0.0.1", closedPort);
        Socket socket = connect(proxy, 5_000)) {
      int first;
      try {
        send(socket, "PING\r\n");
        first = socket.getInputStream().read();
      } catch (IOException reset) {
        first = -1;
      }
      assertThat(first).as("no byte from a server that is not there").isEqualTo(-1);
      assertThat(proxy.stats().upstreamConnectFailures()).isEqualTo(1);
    }
  }

  @Test
  void faultsChangedWhileTrafficFlowsNeverCorruptReplies(RedisServer redis) throws Exception {
    int clients = 6;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong verified = new AtomicLong();
    try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port())) {
      CountDownLatch startLine = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        futures.add(
            pool.submit(
                () -> {
                  startLine.await();
                  long i = 0;
                  while (running.get()) {
                    try (Jedis jedis = jedis(proxy, 500)) {
                      while (running.get()) {
                        String key = "flow:" + client;
                        String value = client + ":" + i++ + ":" + "x".repeat((int) (i % 3000));
                        jedis.set(key, value);
                        String read = jedis.get(key);
                        if (!value.equals(read)) {
                          throw new AssertionError("read " + read + " after writing " + value);
                        }
                        verified.incrementAndGet();
                      }
                    } catch (JedisConnectionException expected) {
                      // timeouts and resets are the faults under test; a wrong reply is not
                    }
                  }
                  return null;
                }));
      }
      startLine.countDown();
      Random random = new Random(5);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() < end) {
        switch (random.nextInt(6)) {
          case 0 ->
              proxy.latency(
                  Direction.DOWNSTREAM,
                  Duration.ofMillis(random.nextInt(20)),
                  Duration.ofMillis(5));
          case 1 -> proxy.bandwidth(Direction.UPSTREAM, 20_000 + random.nextInt(200_000));
          case 2 -> proxy.holdNextReply(Duration.ofMillis(random.nextInt(300)));
          case 3 -> proxy.freeze();
          case 4 -> proxy.resetConnections();
          default -> proxy.heal();
        }
        Thread.sleep(50);
      }
      proxy.heal();
      long before = verified.get();
      Thread.sleep(500);
      running.set(false);
      for (Future<?> future : futures) {
        future.get(30, TimeUnit.SECONDS);
      }
      assertThat(verified.get()).as("traffic flows again after heal").isGreaterThan(before);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void refusesBadSettingsNamingThem() {
    try (FaultProxy proxy = FaultProxy.start(echo.host(), echo.port())) {
      assertThatThrownBy(
              () -> proxy.latency(Direction.UPSTREAM, Duration.ofMillis(-1), Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("delay");
      assertThatThrownBy(() -> proxy.bandwidth(Direction.UPSTREAM, -5))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("bytesPerSecond");
      assertThatThrownBy(() -> proxy.closeAfterBytes(null, 3))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("direction");
    }
  }

  /** The extension heals every fault after each test, so a failed test cannot freeze the next. */
  @Nested
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class WithTheExtension {

    @RegisterExtension FaultProxyExtension proxyExtension = FaultProxyExtension.forRedis();

    @Test
    @Order(1)
    void injectsAProxyInFrontOfTheSharedRedis(FaultProxy proxy, RedisServer redis) {
      assertThat(proxy.target().getPort()).isEqualTo(redis.port());
      try (Jedis jedis = jedis(proxy, 2_000)) {
        assertThat(jedis.ping()).isEqualTo("PONG");
      }
      proxy.freeze().dropNewConnections(true);
    }

    @Test
    @Order(2)
    void startsTheNextTestHealed(FaultProxy proxy) {
      assertThat(proxy.isFrozen()).isFalse();
      try (Jedis jedis = jedis(proxy, 2_000)) {
        assertThat(jedis.ping()).isEqualTo("PONG");
      }
    }
  }

  /** A TCP echo server: what the proxy forwards upstream comes back downstream. */
  static final class EchoServer implements AutoCloseable {
    private final ServerSocket server =
        new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());

    EchoServer() throws IOException {
      Thread acceptor = new Thread(this::acceptLoop, "echo-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          Thread pump =
              new Thread(
                  () -> {
                    try (socket) {
                      socket.getInputStream().transferTo(socket.getOutputStream());
                    } catch (IOException ignored) {
                      // the client went away
                    }
                  });
          pump.setDaemon(true);
          pump.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    String host() {
      return "127.0.0.1";
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
