package io.toutiao.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.testing.FaultProxy;
import io.toutiao.testing.JavaProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a recommendation service in its own JVM, reached directly and through the
 * fault proxy: killed, paused, slow, frozen, refusing, and back again.
 */
class FeedClientFaultIT {
  static final Duration DEADLINE = Duration.ofMillis(800);
  static final FeedSource FALLBACK =
      r -> FeedPage.of(List.of(new FeedArticle(-1, Track.NONE)), 0, "");

  static JavaProcess service;
  static int port;
  static FaultProxy proxy;

  @BeforeAll
  static void startService() {
    startProcess();
  }

  static void startProcess() {
    service = JavaProcess.builder(FeedServerMain.class).name("feed-service").start();
    String line =
        service.awaitLine(l -> l.startsWith("feed server listening on "), Duration.ofSeconds(60));
    port = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1).trim());
    if (proxy != null) {
      proxy.close();
    }
    proxy = FaultProxy.start("127.0.0.1", port);
  }

  @AfterAll
  static void stop() {
    proxy.close();
    service.close();
  }

  @BeforeEach
  void healed() {
    proxy.heal();
    if (!service.isAlive()) {
      startProcess();
    }
  }

  static FeedClient client(int targetPort) {
    return FeedClient.forAddress(
        "127.0.0.1",
        targetPort,
        FeedClientConfig.custom()
            .deadline(DEADLINE)
            .breaker(1000, Duration.ofSeconds(1))
            .fallback(FALLBACK)
            .build());
  }

  static FeedPage timedFetch(FeedClient client) {
    long start = System.nanoTime();
    FeedPage page = client.fetch(FeedRequest.forUser(5, 1, 10, 0));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(tookMs)
        .as("answered within the deadline (+ scheduling slack)")
        .isLessThan(DEADLINE.toMillis() + 300);
    return page;
  }

  @Test
  void theServiceAnswersWithPagesAndCursors() {
    try (FeedClient client = client(port)) {
      FeedPage first = client.fetch(FeedRequest.anonymous(1, 10, 0));
      assertThat(first.isFallback()).isFalse();
      assertThat(first.articles()).extracting(FeedArticle::articleId).startsWith(999L, 998L);
      FeedPage second = client.fetch(FeedRequest.anonymous(1, 10, first.nextTimestamp()));
      assertThat(second.articles().get(0).articleId()).isEqualTo(989L);
    }
  }

  @Test
  void aSlowServiceIsReplacedByTheFallbackWithinTheDeadline() {
    try (FeedClient client = client(proxy.port())) {
      assertThat(timedFetch(client).isFallback()).isFalse();
      proxy.latency(Duration.ofSeconds(2));
      FeedPage page = timedFetch(client);
      assertThat(page.fallbackReason()).contains(FallbackReason.DEADLINE_EXCEEDED);
      assertThat(page.articles()).extracting(FeedArticle::articleId).containsExactly(-1L);
    }
  }

  @Test
  void aFrozenConnectionAndAHeldReplyFallBackWithinTheDeadline() {
    try (FeedClient client = client(proxy.port())) {
      assertThat(timedFetch(client).isFallback()).isFalse();
      proxy.holdNextReply(Duration.ofSeconds(3));
      assertThat(timedFetch(client).fallbackReason()).contains(FallbackReason.DEADLINE_EXCEEDED);
      proxy.heal();
      proxy.freeze();
      assertThat(timedFetch(client).fallbackReason()).contains(FallbackReason.DEADLINE_EXCEEDED);
    }
  }

  @Test
  void aPausedServiceProcessFallsBackAndIsUsedAgainOnceResumed() {
    try (FeedClient client = client(port)) {
      assertThat(timedFetch(client).isFallback()).isFalse();
      service.pause();
      try {
        assertThat(timedFetch(client).fallbackReason()).contains(FallbackReason.DEADLINE_EXCEEDED);
      } finally {
        service.resume();
      }
      assertThat(client.fetch(FeedRequest.anonymous(1, 10, 0)).isFallback()).isFalse();
    }
  }

  @Test
  void aKilledServiceFallsBackAndARestartedOneIsUsedAgain() throws InterruptedException {
    try (FeedClient client = client(proxy.port())) {
      assertThat(timedFetch(client).isFallback()).isFalse();
      service.kill();
      service.waitFor(Duration.ofSeconds(10));
      FeedPage page = timedFetch(client);
      assertThat(page.fallbackReason().orElseThrow())
          .isIn(FallbackReason.UNAVAILABLE, FallbackReason.DEADLINE_EXCEEDED);
      startProcess(); // a new process on a new port, behind a new proxy
    }
    try (FeedClient client = client(proxy.port())) {
      assertThat(client.fetch(FeedRequest.anonymous(1, 10, 0)).isFallback()).isFalse();
    }
  }

  @Test
  void unavailableIsRetriedWithinTheDeadline() {
    AtomicInteger calls = new AtomicInteger();
    FeedServiceBase flaky =
        FeedServiceBase.of(
            r -> {
              if (calls.incrementAndGet() <= 2) {
                throw new FeedUnavailableException("warming up");
              }
              return FeedServerMain.page(r);
            });
    try (FeedServer local = FeedServer.builder(flaky).host("127.0.0.1").port(0).build().start();
        FeedClient client = client(local.port())) {
      FeedPage page = client.fetch(FeedRequest.anonymous(1, 5, 0));
      assertThat(page.isFallback()).isFalse();
      assertThat(calls).hasValue(3);
    }
  }

  @Test
  void theBreakerOpensAfterRepeatedFailuresAndProbesAfterItsOpenTime() throws InterruptedException {
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger failing = new AtomicInteger(1);
    FeedServiceBase service =
        FeedServiceBase.of(
            r -> {
              calls.incrementAndGet();
              if (failing.get() == 1) {
                throw new IllegalStateException("bug");
              }
              return FeedServerMain.page(r);
            });
    FeedClientConfig config =
        FeedClientConfig.custom()
            .deadline(DEADLINE)
            .breaker(3, Duration.ofMillis(500))
            .fallback(FALLBACK)
            .build();
    try (FeedServer local = FeedServer.builder(service).host("127.0.0.1").port(0).build().start();
        FeedClient client = FeedClient.forAddress("127.0.0.1", local.port(), config)) {
      for (int i = 0; i < 3; i++) {
        assertThat(client.fetch(FeedRequest.anonymous(1, 5, 0)).fallbackReason())
            .contains(FallbackReason.SERVICE_ERROR);
      }
      assertThat(client.fetch(FeedRequest.anonymous(1, 5, 0)).fallbackReason())
          .contains(FallbackReason.CIRCUIT_OPEN);
      assertThat(calls).hasValue(3);
      failing.set(0);
      Thread.sleep(600);
      assertThat(client.fetch(FeedRequest.anonymous(1, 5, 0)).isFallback()).isFalse();
      assertThat(client.breakerState()).isEqualTo("CLOSED");
    }
  }

  @Test
  void withoutAFallbackFailuresAreTypedAndAFailingFallbackIsReported() {
    FeedClientConfig none = FeedClientConfig.custom().deadline(DEADLINE).build();
    try (FeedClient client = FeedClient.forAddress("127.0.0.1", proxy.port(), none)) {
      proxy.freeze();
      assertThatThrownBy(() -> client.fetch(FeedRequest.anonymous(1, 5, 0)))
          .isInstanceOf(FeedUnavailableException.class)
          .hasMessageContaining("no fallback");
    }
    FeedClientConfig broken =
        FeedClientConfig.custom()
            .deadline(DEADLINE)
            .fallback(
                r -> {
                  throw new IllegalStateException("database down");
                })
            .build();
    try (FeedClient client = FeedClient.forAddress("127.0.0.1", proxy.port(), broken)) {
      assertThatThrownBy(() -> client.fetch(FeedRequest.anonymous(1, 5, 0)))
          .isInstanceOf(FeedUnavailableException.class)
          .hasMessageContaining("fallback failed")
          .hasRootCauseMessage("database down");
    }
  }

  @Test
  void theServerRefusesAnInvalidRequestAndCallsBeyondItsConcurrencyLimit() throws Exception {
    FeedServiceBase slow =
        FeedServiceBase.of(
            r -> {
              try {
                Thread.sleep(1500);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return FeedServerMain.page(r);
            });
    try (FeedServer local =
            FeedServer.builder(slow)
                .host("127.0.0.1")
                .port(0)
                .maxConcurrentCalls(1)
                .build()
                .start();
        FeedClient first =
            FeedClient.forAddress("127.0.0.1", local.port(), FeedClientConfig.ofDefaults());
        FeedClient second =
            FeedClient.forAddress(
                "127.0.0.1", local.port(), FeedClientConfig.custom().fallback(FALLBACK).build())) {
      Thread busy = new Thread(() -> first.fetch(FeedRequest.anonymous(1, 5, 0)));
      busy.start();
      Thread.sleep(500);
      assertThat(second.fetch(FeedRequest.anonymous(1, 5, 0)).fallbackReason())
          .contains(FallbackReason.SERVICE_ERROR);
      busy.join();

      io.grpc.ManagedChannel raw =
          io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(
                  "127.0.0.1", local.port())
              .usePlaintext()
              .build();
      try {
        var stub = io.toutiao.feed.proto.UserRecommendGrpc.newBlockingStub(raw);
        assertThatThrownBy(
                () ->
                    stub.userRecommend(
                        io.toutiao.feed.proto.UserRequest.newBuilder()
                            .setUserId("1 OR 1=1")
                            .setArticleNum(5)
                            .build()))
            .hasMessageContaining("INVALID_ARGUMENT")
            .hasMessageContaining("userId");
        var health = io.grpc.health.v1.HealthGrpc.newBlockingStub(raw);
        assertThat(
                health
                    .check(
                        io.grpc.health.v1.HealthCheckRequest.newBuilder()
                            .setService("UserRecommend")
                            .build())
                    .getStatus())
            .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
      } finally {
        raw.shutdownNow();
      }
    }
  }
}
