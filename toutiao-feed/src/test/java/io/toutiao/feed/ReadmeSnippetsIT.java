package io.toutiao.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.toutiao.feed.redis.RedisFeedRecommender;
import io.toutiao.feed.redis.RedisStreamBehaviourSink;
import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The code shown in toutiao-feed/README.md, kept here so it compiles and runs. */
@RedisTest
class ReadmeSnippetsIT {

  private static FeedPage newestApprovedFromDatabase(FeedRequest request) {
    return FeedPage.of(List.of(), 0, "");
  }

  @Test
  void quickStart(RedisServer redis) throws Exception {
    byte[] secretBytes = new byte[32];
    new SecureRandom().nextBytes(secretBytes);
    int channelId = 1;
    long articleId = 1001;
    long publishedAtMillis = System.currentTimeMillis() - 1000;
    long userId = 42;
    int port = 0;
    try (RedisClient jedis = RedisClient.create(redis.host(), redis.port())) {

      TrackSigner signer = TrackSigner.builder().key("2026-12", secretBytes).build();
      RedisFeedRecommender recommender = RedisFeedRecommender.builder(jedis, signer).build();
      recommender.publish(channelId, articleId, publishedAtMillis);
      FeedServer server =
          FeedServer.builder(FeedServiceBase.of(recommender)).port(port).build().start();

      FeedClient feed =
          FeedClient.forAddress(
              "127.0.0.1",
              server.port(),
              FeedClientConfig.custom()
                  .deadline(Duration.ofSeconds(5))
                  .fallback(request -> newestApprovedFromDatabase(request))
                  .build());
      FeedPage page = feed.fetch(FeedRequest.forUser(userId, channelId, 10, 0));
      FeedPage older = feed.fetch(FeedRequest.forUser(userId, channelId, 10, page.nextTimestamp()));
      boolean degraded = page.isFallback();

      String trackFromClient = page.articles().get(0).track().click();
      BehaviourEvent event = signer.verify(trackFromClient);
      new RedisStreamBehaviourSink(jedis).record(event);

      assertThat(page.articles()).extracting(FeedArticle::articleId).containsExactly(articleId);
      assertThat(page.nextTimestamp()).isZero(); // one article: no older page
      assertThat(older.articles()).isNotEmpty(); // 0 again means the newest page
      assertThat(degraded).isFalse();
      assertThat(jedis.xlen(RedisStreamBehaviourSink.DEFAULT_KEY)).isEqualTo(1);
      feed.close();
      server.close();
    }
  }
}
