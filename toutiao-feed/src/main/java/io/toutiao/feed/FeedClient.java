package io.toutiao.feed;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.toutiao.feed.internal.Breaker;
import io.toutiao.feed.internal.Breaker.Permit;
import io.toutiao.feed.internal.ProtoMapping;
import io.toutiao.feed.proto.ArticleResponse;
import io.toutiao.feed.proto.UserRecommendGrpc;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the recommendation service for a page of a channel's feed, as the reference's web app does,
 * and keeps answering when the service does not.
 *
 * <p>Each {@link #fetch} answers within {@link FeedClientConfig#deadline()} (default 5 s): calls
 * that end in {@code UNAVAILABLE} are retried with jittered exponential back-off while the service
 * part of the deadline lasts; a service that is down, slow or paused, or answers an error, is
 * replaced by the configured fallback {@link FeedSource}, whose page is flagged with the {@link
 * FallbackReason}. After {@link FeedClientConfig#breakerThreshold()} failed fetches in a row the
 * circuit breaker opens and fetches go straight to the fallback; after {@link
 * FeedClientConfig#breakerOpen()} one fetch probes the service. Without a fallback, these cases
 * raise {@link FeedUnavailableException}. A request the service refuses as invalid raises {@link
 * FeedRequestException}.
 *
 * <p>Thread-safe; one instance per service. Close it to release a channel it created.
 */
public final class FeedClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FeedClient.class);

  /**
   * The largest answer a channel made by {@link #forAddress} accepts (100 articles with tracks are
   * ~200 KiB).
   */
  public static final int MAX_RESPONSE_BYTES = 1024 * 1024;

  private final Channel channel;
  private final boolean ownsChannel;
  private final FeedClientConfig config;
  private final UserRecommendGrpc.UserRecommendBlockingStub stub;
  private final Breaker breaker;
  private final long serviceNanos;

  private FeedClient(Channel channel, boolean ownsChannel, FeedClientConfig config) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.config = config;
    this.stub = UserRecommendGrpc.newBlockingStub(channel);
    this.breaker =
        new Breaker(config.breakerThreshold(), config.breakerOpen().toNanos(), System::nanoTime);
    this.serviceNanos = config.deadline().minus(config.fallbackReserve()).toNanos();
  }

  /**
   * A client over a channel the host manages (TLS, load balancing, interceptors are the host's);
   * {@link #close()} leaves the channel open.
   *
   * @param channel the channel to the recommendation service
   * @param config the settings
   * @return the client
   */
  public static FeedClient create(Channel channel, FeedClientConfig config) {
    Objects.requireNonNull(channel, "channel must not be null");
    Objects.requireNonNull(config, "config must not be null");
    return new FeedClient(channel, false, config);
  }

  /**
   * A client with its own plaintext channel to {@code host:port} (keep-alive pings every 30 s
   * detect a dead connection); {@link #close()} shuts the channel down. Use {@link #create} for
   * TLS.
   *
   * @param host the service's host
   * @param port the service's port
   * @param config the settings
   * @return the client
   */
  public static FeedClient forAddress(String host, int port, FeedClientConfig config) {
    Objects.requireNonNull(host, "host must not be null");
    Objects.requireNonNull(config, "config must not be null");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in [1, 65535], got " + port);
    }
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(host, port)
            .usePlaintext()
            .keepAliveTime(30, TimeUnit.SECONDS)
            .keepAliveTimeout(5, TimeUnit.SECONDS)
            .maxInboundMessageSize(MAX_RESPONSE_BYTES)
            .build();
    return new FeedClient(channel, true, config);
  }

  /**
   * Fetches one page.
   *
   * @param request the page request
   * @return the service's page, or the fallback's (flagged) when the service did not answer
   * @throws FeedUnavailableException if neither the service nor the fallback answered
   * @throws FeedRequestException if the service refused the request as invalid
   */
  public FeedPage fetch(FeedRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    long end = System.nanoTime() + serviceNanos;
    Permit permit = breaker.acquire();
    if (permit == Permit.REFUSED) {
      return fallback(request, FallbackReason.CIRCUIT_OPEN, null);
    }
    if (permit == Permit.PROBE && channel instanceof ManagedChannel managed) {
      managed.resetConnectBackoff();
    }
    StatusRuntimeException last = null;
    for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
      long remaining = end - System.nanoTime();
      if (remaining <= 0) {
        break;
      }
      try {
        ArticleResponse response =
            stub.withDeadlineAfter(remaining, TimeUnit.NANOSECONDS)
                .userRecommend(ProtoMapping.toProto(request));
        FeedPage page = ProtoMapping.fromProto(response);
        breaker.onSuccess(permit);
        return page;
      } catch (StatusRuntimeException e) {
        last = e;
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.INVALID_ARGUMENT) {
          breaker.onNeutral(permit);
          throw new FeedRequestException(
              "the feed service refused the request for channel "
                  + request.channelId()
                  + ": "
                  + e.getStatus().getDescription(),
              e);
        }
        if (code != Status.Code.UNAVAILABLE || !backOff(attempt, end)) {
          break;
        }
      } catch (IllegalArgumentException e) {
        last =
            Status.INTERNAL
                .withDescription("malformed response: " + e.getMessage())
                .asRuntimeException();
        break;
      }
    }
    breaker.onFailure(permit);
    return fallback(request, reasonOf(last), last);
  }

  private boolean backOff(int attempt, long end) {
    if (attempt >= config.maxAttempts()) {
      return false;
    }
    long base = config.initialBackoff().toNanos() << Math.min(attempt - 1, 20);
    long capped = Math.min(base, config.maxBackoff().toNanos());
    long wait = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    if (System.nanoTime() + wait >= end) {
      return false;
    }
    LockSupport.parkNanos(wait);
    return !Thread.currentThread().isInterrupted();
  }

  private static FallbackReason reasonOf(StatusRuntimeException last) {
    if (last == null || last.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return FallbackReason.DEADLINE_EXCEEDED;
    }
    return last.getStatus().getCode() == Status.Code.UNAVAILABLE
        ? FallbackReason.UNAVAILABLE
        : FallbackReason.SERVICE_ERROR;
  }

  private FeedPage fallback(
      FeedRequest request, FallbackReason reason, StatusRuntimeException cause) {
    String what =
        "the feed service did not answer for channel " + request.channelId() + " (" + reason + ")";
    FeedSource source = config.fallback().orElse(null);
    if (source == null) {
      throw new FeedUnavailableException(what + " and no fallback is configured", cause);
    }
    try {
      return Objects.requireNonNull(source.recommend(request), "fallback returned null")
          .asFallback(reason);
    } catch (RuntimeException e) {
      FeedUnavailableException failure =
          new FeedUnavailableException(what + " and the fallback failed: " + e.getMessage(), e);
      if (cause != null) {
        failure.addSuppressed(cause);
      }
      LOG.debug("feed fallback failed for channel {}", request.channelId(), e);
      throw failure;
    }
  }

  /**
   * The circuit breaker's state, for health checks.
   *
   * @return {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}
   */
  public String breakerState() {
    return breaker.state().name();
  }

  /**
   * The settings.
   *
   * @return the configuration
   */
  public FeedClientConfig config() {
    return config;
  }

  /** Shuts down the channel if this client created it, waiting up to 5 s for calls in flight. */
  @Override
  public void close() {
    if (ownsChannel && channel instanceof ManagedChannel managed) {
      managed.shutdown();
      try {
        if (!managed.awaitTermination(5, TimeUnit.SECONDS)) {
          managed.shutdownNow();
        }
      } catch (InterruptedException e) {
        managed.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "FeedClient{target="
        + channel.authority()
        + ", breaker="
        + breaker.state()
        + ", "
        + config
        + "}";
  }
}
