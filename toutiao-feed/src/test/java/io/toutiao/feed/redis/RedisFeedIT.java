package io.toutiao.feed.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.feed.BehaviourEvent;
import io.toutiao.feed.FeedArticle;
import io.toutiao.feed.FeedClient;
import io.toutiao.feed.FeedClientConfig;
import io.toutiao.feed.FeedPage;
import io.toutiao.feed.FeedRequest;
import io.toutiao.feed.FeedServer;
import io.toutiao.feed.FeedServiceBase;
import io.toutiao.feed.FeedUnavailableException;
import io.toutiao.feed.TrackException;
import io.toutiao.feed.TrackSigner;
import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.StreamEntry;

/** The default recommender served over a real Netty gRPC server on loopback, on a real Redis. */
@RedisTest
class RedisFeedIT {
  static final TrackSigner SIGNER =
      TrackSigner.builder()
          .key("k1", "feed-it-secret-feed-it-secret-32b".getBytes(StandardCharsets.UTF_8))
          .build();

  static RedisClient jedis;
  static RedisFeedRecommender recommender;
  static FeedServer server;
  static FeedClient client;

  @BeforeAll
  static void start(RedisServer redis) {
    jedis = RedisClient.create(redis.host(), redis.port());
    recommender = RedisFeedRecommender.builder(jedis, SIGNER).build();
    server =
        FeedServer.builder(FeedServiceBase.of(recommender))
            .host("127.0.0.1")
            .port(0)
            .build()
            .start();
    client = FeedClient.forAddress("127.0.0.1", server.port(), FeedClientConfig.ofDefaults());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
    jedis.close();
  }

  /**
   * Publishes n articles into a channel with many equal publish times; returns them newest first.
   */
  static List<Long> publish(int channel, int n, long seed) {
    Random random = new Random(seed);
    long t = 1_700_000_000_000L;
    List<long[]> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      t += random.nextInt(4) == 0 ? 0 : random.nextInt(1000); // a quarter share the previous time
      long id = 10_000L * channel + i;
      recommender.publish(channel, id, t);
      items.add(new long[] {id, t});
    }
    items.sort((a, b) -> a[1] != b[1] ? Long.compare(b[1], a[1]) : Long.compare(b[0], a[0]));
    List<Long> ids = new ArrayList<>();
    items.forEach(x -> ids.add(x[0]));
    return ids;
  }

  static List<Long> pageThrough(String user, int channel, int size) {
    List<Long> seen = new ArrayList<>();
    long cursor = 0;
    for (int pages = 0; pages < 10_000; pages++) {
      FeedPage page = client.fetch(new FeedRequest(user, channel, size, cursor));
      assertThat(page.isFallback()).isFalse();
      page.articles().forEach(a -> seen.add(a.articleId()));
      if (page.nextTimestamp() == 0) {
        return seen;
      }
      assertThat(cursor == 0 || page.nextTimestamp() < cursor).as("cursor moves older").isTrue();
      cursor = page.nextTimestamp();
    }
    throw new AssertionError("paging did not end");
  }

  @Test
  void pagingThroughAChannelReturnsEveryArticleOnceNewestFirstWithoutTheReadOnes() {
    List<Long> all = publish(1, 757, 1);
    Set<Long> read = new HashSet<>();
    for (int i = 0; i < all.size(); i += 7) {
      read.add(all.get(i));
      jedis.zadd("user:42:his:reading", i, Long.toString(all.get(i)));
    }
    for (int size : new int[] {1, 3, 10, 100}) {
      List<Long> seen = pageThrough("42", 1, size);
      List<Long> expected = all.stream().filter(id -> !read.contains(id)).toList();
      assertThat(new HashSet<>(seen)).as("page size " + size).hasSameSizeAs(seen);
      assertThat(seen).as("page size " + size).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(publishTimes(1, seen))
          .as("newest first")
          .isSortedAccordingTo((a, b) -> Long.compare(b, a));
    }
  }

  @Test
  void aGroupOfEqualPublishTimesLargerThanAScanBatchIsReturnedOnce() {
    long t = 1_600_000_000_000L;
    List<Long> all = new ArrayList<>();
    for (int i = 0; i < 450; i++) {
      recommender.publish(5, 50_000L + i, t); // one millisecond, more than two internal batches
      all.add(50_000L + i);
    }
    for (int i = 0; i < 30; i++) {
      recommender.publish(5, 60_000L + i, t - 1 - i);
      all.add(60_000L + i);
    }
    List<Long> seen = pageThrough(FeedRequest.ANONYMOUS, 5, 10);
    assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(all);
  }

  @Test
  void publishingAndWithdrawingWhilePagingNeverRepeatsOrResurrectsAnArticle() {
    List<Long> all = publish(6, 300, 6);
    Set<Long> withdrawn = new HashSet<>();
    List<Long> seen = new ArrayList<>();
    long cursor = 0;
    Random random = new Random(66);
    long newId = 90_000;
    for (int pages = 0; pages < 1000; pages++) {
      FeedPage page = client.fetch(FeedRequest.anonymous(6, 7, cursor));
      page.articles().forEach(a -> seen.add(a.articleId()));
      // between pages: newer articles arrive, and some not yet shown are withdrawn
      for (int i = 0; i < 3; i++) {
        recommender.publish(6, newId++, System.currentTimeMillis());
      }
      List<Long> unseen =
          all.stream().filter(id -> !seen.contains(id) && !withdrawn.contains(id)).toList();
      if (!unseen.isEmpty()) {
        long victim = unseen.get(random.nextInt(unseen.size()));
        recommender.withdraw(6, victim);
        withdrawn.add(victim);
      }
      if (page.nextTimestamp() == 0) {
        break;
      }
      cursor = page.nextTimestamp();
    }
    assertThat(seen).doesNotHaveDuplicates().doesNotContainAnyElementsOf(withdrawn);
    assertThat(seen)
        .allMatch(id -> id < 90_000, "no article newer than the first page in later pages");
    List<Long> expected = all.stream().filter(id -> !withdrawn.contains(id)).toList();
    assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
  }

  static List<Long> publishTimes(int channel, List<Long> ids) {
    List<Long> times = new ArrayList<>();
    for (Long id : ids) {
      times.add(jedis.zscore("ch:" + channel + ":art:new", Long.toString(id)).longValue());
    }
    return times;
  }

  @Test
  void anAnonymousReaderGetsEverythingAndPinnedArticlesComeFirstOnTheFirstPageOnly() {
    List<Long> all = publish(2, 40, 2);
    recommender.pin(2, all.get(30), 2);
    recommender.pin(2, all.get(35), 1);
    FeedPage first = client.fetch(FeedRequest.anonymous(2, 10, 0));
    assertThat(first.articles())
        .extracting(FeedArticle::articleId)
        .startsWith(all.get(30), all.get(35));
    assertThat(first.articles().size()).isGreaterThanOrEqualTo(12);
    FeedPage firstByTime = client.fetch(FeedRequest.anonymous(2, 10, System.currentTimeMillis()));
    assertThat(firstByTime.articles().get(0).articleId()).isEqualTo(all.get(30));

    List<Long> seen = pageThrough(FeedRequest.ANONYMOUS, 2, 10);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(all);
    assertThat(seen.subList(2, seen.size())).doesNotContain(all.get(30), all.get(35));
  }

  @Test
  void tracksAreSignedForTheReaderAndAlteredOnesAreRefused() {
    publish(3, 5, 3);
    FeedPage page = client.fetch(FeedRequest.forUser(7, 3, 5, 0));
    FeedArticle a = page.articles().get(0);
    BehaviourEvent click = SIGNER.verify(a.track().click());
    assertThat(click.userId()).isEqualTo("7");
    assertThat(click.articleIds()).containsExactly(a.articleId());
    assertThat(SIGNER.verify(page.exposure()).articleIds())
        .containsExactlyElementsOf(page.articles().stream().map(FeedArticle::articleId).toList());
    String forged = a.track().click().replace("\"userId\":\"7\"", "\"userId\":\"8\"");
    assertThatThrownBy(() -> SIGNER.verify(forged)).isInstanceOf(TrackException.class);

    RedisStreamBehaviourSink sink = new RedisStreamBehaviourSink(jedis);
    sink.record(click);
    List<StreamEntry> entries = jedis.xrange(sink.key(), "-", "+");
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).getFields())
        .containsEntry("action", "click")
        .containsEntry("user", "7")
        .containsEntry("articles", Long.toString(a.articleId()));
  }

  @Test
  void aRedisOutageIsUnavailableNotAnEmptyPage(RedisServer redis) {
    publish(4, 3, 4);
    FeedClient noFallback =
        FeedClient.forAddress(
            "127.0.0.1",
            server.port(),
            FeedClientConfig.custom().deadline(java.time.Duration.ofSeconds(2)).build());
    redis.pause();
    try {
      assertThatThrownBy(() -> noFallback.fetch(FeedRequest.anonymous(4, 3, 0)))
          .isInstanceOf(FeedUnavailableException.class);
    } finally {
      redis.resume();
      noFallback.close();
    }
    assertThat(client.fetch(FeedRequest.anonymous(4, 3, 0)).articles()).hasSize(3);
  }
}
