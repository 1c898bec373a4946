package io.toutiao.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.toutiao.push.PushConfig;
import io.toutiao.push.PushPublisher;
import io.toutiao.push.internal.Inbox;
import io.toutiao.testing.JavaProcess;
import io.toutiao.testing.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import redis.clients.jedis.RedisClient;

/**
 * Connections held and events fanned out by one push node on loopback (not a JMH suite): the node
 * runs in a JVM of its own ({@link PushNodeMain}); this JVM opens the connections with a small
 * Engine.IO 4 WebSocket client on two Netty threads (one socket each, the token in the query),
 * acknowledges every event like a real client, and publishes through {@link PushPublisher}, so
 * delivery latency is publish-to-receipt on one clock. Run with {@code java -cp
 * benchmarks/target/benchmarks.jar io.toutiao.benchmarks.PushFanoutMeasurement [connections]
 * [users] [rounds] [events per second]}.
 */
public final class PushFanoutMeasurement {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PushFanoutMeasurement() {}

  /**
   * Runs the measurement and prints the figures.
   *
   * @param args connections (10,000), users (1,000), rounds of one event per user (20), events
   *     published per second (1,000), warm-up rounds not measured (5)
   * @throws Exception when a service cannot start
   */
  public static void main(String[] args) throws Exception {
    int connections = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int users = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int rate = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    int perUser = (connections + users - 1) / users;
    int deliveries = rounds * users * perUser;
    int warmupDeliveries = warmup * users * perUser;
    Tally tally = new Tally(connections, deliveries);
    try (RedisServer redis = RedisServer.start();
        JavaProcess node =
            JavaProcess.builder(PushNodeMain.class)
                .name("push-node")
                .jvmOptions("-Xmx2g", "-XX:+UseG1GC")
                .args(redis.host(), Integer.toString(redis.port()), Integer.toString(perUser))
                .start();
        RedisClient jedis = RedisClient.create(redis.host(), redis.port())) {
      int port =
          Integer.parseInt(
              node.awaitLine(l -> l.startsWith("READY "), Duration.ofSeconds(60)).substring(6));
      long[] idle = stats(node);
      EventLoopGroup group = new NioEventLoopGroup(2);
      try {
        CountDownLatch connected = tally.connected;
        long connectStart = System.nanoTime();
        for (int i = 0; i < connections; i++) {
          tally.inFlight.acquire();
          String user = Integer.toString(i % users);
          connect(group, port, user, tally);
        }
        if (!connected.await(120, TimeUnit.SECONDS)) {
          throw new IllegalStateException(
              "only " + (connections - connected.getCount()) + " connections were made");
        }
        long connectMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectStart);
        Thread.sleep(2_000);
        long[] held = stats(node);
        PushPublisher publisher = new PushPublisher(jedis, PushConfig.defaults());
        long pause = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        long next = start;
        for (int r = -warmup; r < rounds; r++) {
          if (r == 0) {
            start = System.nanoTime();
            next = start;
          }
          for (int u = 0; u < users; u++) {
            // warm-up events (JIT) are delivered like the others but not measured
            publisher.toUser(
                Integer.toString(u), "news", Map.of("t", System.nanoTime(), "w", r < 0 ? 1 : 0));
            next += pause;
            long wait = next - System.nanoTime();
            if (wait > 0) {
              TimeUnit.NANOSECONDS.sleep(wait);
            }
          }
        }
        long publishMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (tally.received.get() < deliveries + warmupDeliveries
            && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        int got = tally.received.get() - warmupDeliveries;
        long[] sorted = new long[Math.min(got, deliveries)];
        for (int i = 0; i < sorted.length; i++) {
          sorted[i] = tally.latencies.get(i);
        }
        Arrays.sort(sorted);
        System.out.printf(
            "connections %d (%d users x %d), connected in %d ms%n",
            connections, users, perUser, connectMillis);
        System.out.printf(
            "node memory: heap after GC %.1f MiB idle -> %.1f MiB with the connections:"
                + " %.1f KiB per connection; direct buffers %.1f -> %.1f MiB; resident %.0f ->"
                + " %.0f MiB (%.1f KiB per connection)%n",
            idle[1] / 1048576.0,
            held[1] / 1048576.0,
            (held[1] - idle[1]) / 1024.0 / connections,
            idle[2] / 1048576.0,
            held[2] / 1048576.0,
            idle[3] / 1048576.0,
            held[3] / 1048576.0,
            (held[3] - idle[3]) / 1024.0 / connections);
        System.out.printf(
            "events: %d published in %d ms (%d/s), %d deliveries expected, %d received,"
                + " %d repeated%n",
            rounds * users,
            publishMillis,
            rounds * users * 1000L / Math.max(1, publishMillis),
            deliveries,
            got,
            tally.duplicates.get());
        if (sorted.length > 0) {
          System.out.printf(
              "delivery latency publish -> client: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms,"
                  + " p99.9 %.2f ms, max %.2f ms%n",
              percentile(sorted, 0.50),
              percentile(sorted, 0.90),
              percentile(sorted, 0.99),
              percentile(sorted, 0.999),
              sorted[sorted.length - 1] / 1e6);
        }
        long[] after = stats(node);
        List<String> lines = statsLines(node);
        System.out.printf(
            "node connections at the end: %d; %s%n",
            after[0], lines.get(lines.size() - 1).replaceFirst("^STATS( \\d+){4} ", ""));
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        node.writeLine("quit");
      }
    }
  }

  private static double percentile(long[] sorted, double p) {
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  private static long[] stats(JavaProcess node) throws InterruptedException {
    long before = statsLines(node).size();
    node.writeLine("stats");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (statsLines(node).size() <= before) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the node did not answer stats");
      }
      Thread.sleep(50);
    }
    List<String> lines = statsLines(node);
    String[] parts = lines.get(lines.size() - 1).split(" ");
    return new long[] {
      Long.parseLong(parts[1]),
      Long.parseLong(parts[2]),
      Long.parseLong(parts[3]),
      Long.parseLong(parts[4])
    };
  }

  private static List<String> statsLines(JavaProcess node) {
    return node.lines().stream().filter(l -> l.startsWith("STATS ")).toList();
  }

  private static void connect(EventLoopGroup group, int port, String user, Tally tally) {
    URI uri =
        URI.create(
            "ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket&token=valid." + user);
    WebSocketClientHandshaker handshaker =
        WebSocketClientHandshakerFactory.newHandshaker(
            uri, WebSocketVersion.V13, null, false, new DefaultHttpHeaders(), 65_536);
    new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                    .addLast(new HttpClientCodec())
                    .addLast(new HttpObjectAggregator(65_536))
                    .addLast(new EngineIoClient(handshaker, tally));
              }
            })
        .connect("127.0.0.1", port)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                tally.inFlight.release();
                System.err.println("connect failed: " + f.cause());
              }
            });
  }

  /** What every connection reports into: connects, receipts, latencies, repeats. */
  private static final class Tally {
    final CountDownLatch connected;
    final Semaphore inFlight = new Semaphore(200);
    final AtomicLongArray latencies;
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger measured = new AtomicInteger();
    final AtomicLong duplicates = new AtomicLong();

    Tally(int connections, int deliveries) {
      this.connected = new CountDownLatch(connections);
      this.latencies = new AtomicLongArray(deliveries);
    }
  }

  /** Just enough of Engine.IO 4 and Socket.IO 4: open, connect, ping/pong, events with acks. */
  private static final class EngineIoClient extends SimpleChannelInboundHandler<Object> {
    private final WebSocketClientHandshaker handshaker;
    private final Tally tally;
    private String lastId = "0-0";
    private boolean counted;

    EngineIoClient(WebSocketClientHandshaker handshaker, Tally tally) {
      this.handshaker = handshaker;
      this.tally = tally;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      handshaker.handshake(ctx.channel());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) throws Exception {
      Channel ch = ctx.channel();
      if (!handshaker.isHandshakeComplete()) {
        handshaker.finishHandshake(ch, (FullHttpResponse) msg);
        return;
      }
      if (!(msg instanceof TextWebSocketFrame frame)) {
        return;
      }
      String text = frame.text();
      if (text.startsWith("0")) {
        ch.writeAndFlush(new TextWebSocketFrame("40"));
      } else if (text.startsWith("40")) {
        if (!counted) {
          counted = true;
          tally.connected.countDown();
          tally.inFlight.release();
        }
      } else if (text.equals("2")) {
        ch.writeAndFlush(new TextWebSocketFrame("3"));
      } else if (text.startsWith("42")) {
        long now = System.nanoTime();
        int bracket = text.indexOf('[');
        String ackId = text.substring(2, bracket);
        JsonNode args = JSON.readTree(text.substring(bracket));
        long sent = args.path(1).path("t").asLong();
        boolean warm = args.path(1).path("w").asInt() == 1;
        String id = args.path(2).asText();
        if (Inbox.compare(id, lastId) <= 0) {
          tally.duplicates.incrementAndGet();
        }
        lastId = id;
        tally.received.incrementAndGet();
        if (!warm) {
          int slot = tally.measured.getAndIncrement();
          if (slot < tally.latencies.length()) {
            tally.latencies.set(slot, now - sent);
          }
        }
        if (!ackId.isEmpty()) {
          ch.writeAndFlush(new TextWebSocketFrame("43" + ackId + "[]"));
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      System.err.println("connection failed: " + cause);
      ctx.close();
    }
  }
}
