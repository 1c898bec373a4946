package io.toutiao.examples.backend;

import io.toutiao.feed.FeedServer;
import io.toutiao.feed.FeedServiceBase;
import io.toutiao.feed.TrackSigner;
import io.toutiao.feed.redis.RedisFeedRecommender;
import java.net.URI;
import java.util.Base64;
import redis.clients.jedis.RedisClient;

/**
 * The recommendation service as its own process, for {@code TOUTIAO_FEED_ADDRESS}: the default
 * Redis recommender served over gRPC. Environment: {@code TOUTIAO_REDIS_URL} (required: the mini
 * backend's Redis, where its articles' channel sets are), {@code TOUTIAO_TRACK_SECRET} (required:
 * the base64 key the backend verifies tracks with), {@code TOUTIAO_FEED_PORT} (default 8888, as the
 * reference).
 */
public final class RecommendationServiceMain {
  private RecommendationServiceMain() {}

  /**
   * Runs the service until the process is stopped.
   *
   * @param args unused
   * @throws InterruptedException if interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    String redisUrl = System.getenv("TOUTIAO_REDIS_URL");
    String secret = System.getenv("TOUTIAO_TRACK_SECRET");
    if (redisUrl == null || secret == null) {
      System.err.println("TOUTIAO_REDIS_URL and TOUTIAO_TRACK_SECRET are required");
      System.exit(2);
    }
    int port = Integer.parseInt(System.getenv().getOrDefault("TOUTIAO_FEED_PORT", "8888").strip());
    RedisClient redis = RedisClient.create(URI.create(redisUrl.strip()));
    TrackSigner signer =
        TrackSigner.builder().key("t1", Base64.getDecoder().decode(secret.strip())).build();
    FeedServer server =
        FeedServer.builder(FeedServiceBase.of(RedisFeedRecommender.builder(redis, signer).build()))
            .port(port)
            .build()
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  redis.close();
                }));
    System.out.println("recommendation service listening on " + server.port());
    server.awaitTermination();
  }
}
