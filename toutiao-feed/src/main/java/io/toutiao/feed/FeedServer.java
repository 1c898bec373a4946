package io.toutiao.feed;

import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.toutiao.feed.proto.UserRecommendGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves a {@link FeedServiceBase} over gRPC (Netty transport) with the standard health service
 * ({@code grpc.health.v1.Health}, for the empty name and {@code UserRecommend}), a maximum message
 * size, a limit on concurrent calls (beyond it calls get {@code RESOURCE_EXHAUSTED} at once, so
 * clients fall back instead of queueing), a bounded worker pool, and graceful shutdown: {@link
 * #close()} reports {@code NOT_SERVING}, stops taking calls, lets calls in flight finish for the
 * grace period, then cancels the rest.
 *
 * <pre>{@code
 * try (FeedServer server = FeedServer.builder(FeedServiceBase.of(recommender)).port(8888).build().start()) {
 *   server.awaitTermination();
 * }
 * }</pre>
 */
public final class FeedServer implements AutoCloseable {

  /** Default port: the reference's 8888. */
  public static final int DEFAULT_PORT = 8888;

  /** Default largest inbound message: 64 KiB (a request is a few dozen bytes). */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

  /** Default concurrent calls across all connections. */
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 256;

  /** Default worker threads: 10, as the reference's thread pool. */
  public static final int DEFAULT_WORKERS = 10;

  /** Default grace period of {@link #close()}. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);

  private static final String SERVICE_NAME = UserRecommendGrpc.SERVICE_NAME;

  private final String host;
  private final int configuredPort;
  private final Duration shutdownGrace;
  private final HealthStatusManager health = new HealthStatusManager();
  private final ExecutorService workers;
  private final Server server;
  private final AtomicBoolean closed = new AtomicBoolean();

  private FeedServer(Builder b) {
    this.host = b.host;
    this.configuredPort = b.port;
    this.shutdownGrace = b.shutdownGrace;
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            b.workers,
            b.workers,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "feed-server-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.workers = pool;
    BindableService service = b.service;
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress(b.host, b.port))
            .executor(pool)
            .maxInboundMessageSize(b.maxMessageBytes)
            .maxInboundMetadataSize(8 * 1024)
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .addService(
                ServerInterceptors.intercept(service, new ConcurrencyLimit(b.maxConcurrentCalls)))
            .addService(health.getHealthService())
            .build();
  }

  /**
   * Starts configuring a server for a service.
   *
   * @param service the recommendation service
   * @return a builder
   */
  public static Builder builder(FeedServiceBase service) {
    return new Builder(Objects.requireNonNull(service, "service must not be null"));
  }

  /**
   * Binds the port and starts serving; the health service reports {@code SERVING}.
   *
   * @return this server
   * @throws UncheckedIOException if the port cannot be bound
   */
  public FeedServer start() {
    try {
      server.start();
    } catch (IOException e) {
      workers.shutdownNow();
      throw new UncheckedIOException(
          "cannot bind the feed server to " + host + ":" + configuredPort, e);
    }
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(SERVICE_NAME, ServingStatus.SERVING);
    return this;
  }

  /**
   * The bound port (the chosen one when configured with port 0).
   *
   * @return the port
   */
  public int port() {
    return server.getPort();
  }

  /**
   * Blocks until the server has shut down.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Reports {@code NOT_SERVING}, stops accepting calls, waits up to the grace period for calls in
   * flight, then cancels what is left. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        server.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      workers.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "FeedServer{"
        + host
        + ":"
        + (server.getListenSockets().isEmpty() ? configuredPort : port())
        + "}";
  }

  /** Refuses calls beyond the limit at once instead of queueing them behind slow ones. */
  private static final class ConcurrencyLimit implements ServerInterceptor {
    private final Semaphore permits;
    private final int limit;

    ConcurrencyLimit(int limit) {
      this.permits = new Semaphore(limit);
      this.limit = limit;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      if (!permits.tryAcquire()) {
        call.close(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "more than " + limit + " concurrent feed calls"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
      AtomicBoolean released = new AtomicBoolean();
      Runnable release =
          () -> {
            if (released.compareAndSet(false, true)) {
              permits.release();
            }
          };
      ServerCall.Listener<Q> delegate;
      try {
        delegate = next.startCall(call, headers);
      } catch (RuntimeException e) {
        release.run();
        throw e;
      }
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
        @Override
        public void onComplete() {
          release.run();
          super.onComplete();
        }

        @Override
        public void onCancel() {
          release.run();
          super.onCancel();
        }
      };
    }
  }

  /** Configures a {@link FeedServer}. Not thread-safe. */
  public static final class Builder {
    private final FeedServiceBase service;
    private String host = "0.0.0.0";
    private int port = DEFAULT_PORT;
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;
    private int workers = DEFAULT_WORKERS;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;

    private Builder(FeedServiceBase service) {
      this.service = service;
    }

    /**
     * The address to bind. Default {@code 0.0.0.0} (all interfaces).
     *
     * @param value a host name or address, e.g. {@code 127.0.0.1}
     * @return this builder
     */
    public Builder host(String value) {
      this.host = Objects.requireNonNull(value, "host must not be null");
      return this;
    }

    /**
     * The port. Default {@link #DEFAULT_PORT}; 0 picks a free one.
     *
     * @param value 0 to 65535
     * @return this builder
     */
    public Builder port(int value) {
      if (value < 0 || value > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + value);
      }
      this.port = value;
      return this;
    }

    /**
     * The largest inbound message. Default {@link #DEFAULT_MAX_MESSAGE_BYTES}.
     *
     * @param value 1 KiB to 16 MiB
     * @return this builder
     */
    public Builder maxMessageBytes(int value) {
      if (value < 1024 || value > 16 * 1024 * 1024) {
        throw new IllegalArgumentException(
            "maxMessageBytes must be in [1024, 16777216], got " + value);
      }
      this.maxMessageBytes = value;
      return this;
    }

    /**
     * Concurrent calls beyond which calls are refused. Default {@link
     * #DEFAULT_MAX_CONCURRENT_CALLS}.
     *
     * @param value 1 to 100000
     * @return this builder
     */
    public Builder maxConcurrentCalls(int value) {
      if (value < 1 || value > 100_000) {
        throw new IllegalArgumentException(
            "maxConcurrentCalls must be in [1, 100000], got " + value);
      }
      this.maxConcurrentCalls = value;
      return this;
    }

    /**
     * Worker threads running {@link FeedServiceBase#recommend}. Default {@link #DEFAULT_WORKERS}.
     *
     * @param value 1 to 1000
     * @return this builder
     */
    public Builder workers(int value) {
      if (value < 1 || value > 1000) {
        throw new IllegalArgumentException("workers must be in [1, 1000], got " + value);
      }
      this.workers = value;
      return this;
    }

    /**
     * How long {@link #close()} lets calls in flight finish. Default {@link
     * #DEFAULT_SHUTDOWN_GRACE}.
     *
     * @param value zero to 10 minutes
     * @return this builder
     */
    public Builder shutdownGrace(Duration value) {
      Objects.requireNonNull(value, "shutdownGrace must not be null");
      if (value.isNegative() || value.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("shutdownGrace must be in [0, 10 min], got " + value);
      }
      this.shutdownGrace = value;
      return this;
    }

    /**
     * Builds the server (not yet started).
     *
     * @return the server
     */
    public FeedServer build() {
      return new FeedServer(this);
    }
  }
}
