package io.toutiao.benchmarks;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.toutiao.feed.FeedArticle;
import io.toutiao.feed.FeedClient;
import io.toutiao.feed.FeedClientConfig;
import io.toutiao.feed.FeedPage;
import io.toutiao.feed.FeedRequest;
import io.toutiao.feed.FeedServer;
import io.toutiao.feed.FeedServiceBase;
import io.toutiao.feed.TrackSigner;
import io.toutiao.feed.proto.ArticleResponse;
import io.toutiao.feed.proto.UserRecommendGrpc;
import io.toutiao.feed.proto.UserRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * One page of the feed over gRPC on loopback: {@link FeedClient#fetch} (deadline, breaker, retry
 * bookkeeping, conversion to records) beside the bare generated blocking stub with the same 5 s
 * deadline, each over its own Netty channel to the same {@link FeedServer} in this JVM. The server
 * answers 10 articles with signed tracks computed once, so both sides move the same bytes.
 * Throughput with 4 threads; {@code *_latency} gives the distribution (p50/p99) with 1 thread.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FeedBenchmark {

  private FeedServer server;
  private FeedClient client;
  private ManagedChannel stubChannel;
  private UserRecommendGrpc.UserRecommendBlockingStub stub;

  @Setup
  public void start() {
    TrackSigner signer =
        TrackSigner.builder()
            .key("bench", "benchmark-secret-benchmark-secret".getBytes(StandardCharsets.UTF_8))
            .build();
    List<FeedArticle> articles = new ArrayList<>();
    for (long id = 1; id <= 10; id++) {
      articles.add(new FeedArticle(id, signer.track("42", id, "recency")));
    }
    FeedPage page =
        FeedPage.of(
            articles, 1_700_000_000_000L, signer.exposure("42", List.of(1L, 2L), "recency"));
    server =
        FeedServer.builder(FeedServiceBase.of(r -> page))
            .host("127.0.0.1")
            .port(0)
            .workers(4)
            .build()
            .start();
    client = FeedClient.forAddress("127.0.0.1", server.port(), FeedClientConfig.ofDefaults());
    stubChannel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    stub = UserRecommendGrpc.newBlockingStub(stubChannel);
    if (client.fetch(request()).articles().size() != 10
        || stub.userRecommend(proto()).getRecommendsCount() != 10) {
      throw new IllegalStateException("the benchmark server does not answer 10 articles");
    }
  }

  @TearDown
  public void stop() throws InterruptedException {
    client.close();
    stubChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  private static FeedRequest request() {
    return FeedRequest.forUser(42, 1, 10, ThreadLocalRandom.current().nextLong(1, 1L << 40));
  }

  private static UserRequest proto() {
    return UserRequest.newBuilder()
        .setUserId("42")
        .setChannelId(1)
        .setArticleNum(10)
        .setTimeStamp(ThreadLocalRandom.current().nextLong(1, 1L << 40))
        .build();
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @Threads(4)
  public FeedPage toutiao_fetch() {
    return client.fetch(request());
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @Threads(4)
  public ArticleResponse stub_fetch() {
    return stub.withDeadlineAfter(5, TimeUnit.SECONDS).userRecommend(proto());
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Threads(1)
  public FeedPage toutiao_latency() {
    return client.fetch(request());
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Threads(1)
  public ArticleResponse stub_latency() {
    return stub.withDeadlineAfter(5, TimeUnit.SECONDS).userRecommend(proto());
  }
}
