package io.toutiao.examples;

import io.toutiao.cache.redis.CounterStore;
import io.toutiao.cache.redis.RecentList;
import io.toutiao.testing.RedisServer;
import java.util.List;
import redis.clients.jedis.RedisClient;

/**
 * Counters with the nightly correction, and search history, on an embedded Redis. Runnable from an
 * IDE.
 */
public final class CountersExample {

  private CountersExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   * @throws Exception when a service fails
   */
  public static void main(String[] args) throws Exception {
    try (RedisServer redis = RedisServer.start();
        RedisClient jedis = RedisClient.create(redis.host(), redis.port())) {
      run(jedis);
    }
  }

  static void run(RedisClient jedis) {
    Console.step("Counters and histories (toutiao-cache redis building blocks)");
    CounterStore likes = new CounterStore(jedis, CounterStore.ARTICLE_LIKING);
    likes.increment(1001, 3);
    likes.increment(1002, 5);
    likes.increment(1001, 1);
    Console.say("count:art:liking -> " + likes.getAll(List.of(1001L, 1002L, 1003L)));
    CounterStore.RebuildResult fixed =
        likes.rebuild(
            List.of(new CounterStore.Counter(1001, 4), new CounterStore.Counter(1002, 6))
                .iterator());
    Console.say(
        "nightly correction from the database: "
            + fixed.ids()
            + " ids, "
            + fixed.changed()
            + " changed -> "
            + likes.top(2));
    RecentList searches = RecentList.searchHistory(jedis);
    for (String q : List.of("头条", "人工智能", "体育", "财经", "科技")) {
      searches.add(1, q);
    }
    Console.say("search history of user 1 (keeps 4): " + searches.list(1, 1, 10));
  }
}
