package io.toutiao.examples;

import io.toutiao.testing.ElasticsearchServer;
import io.toutiao.testing.RedisServer;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.RedisClient;

/**
 * Runs every per-capability example in turn (ids, images, cache, counters, tokens, search) against
 * embedded services. Runnable from an IDE; each example also has its own {@code main}.
 */
public final class AllExamples {

  private AllExamples() {}

  /**
   * Runs the tour and exits.
   *
   * @param args ignored
   * @throws IOException when a service cannot be reached
   */
  public static void main(String[] args) throws IOException {
    IdsExample.run();
    ImageUploadExample.run();

    Console.step("Starting an embedded Redis (redis-server on PATH, else the bundled binary)");
    try (RedisServer redis = RedisServer.start()) {
      String info = (String) redis.command("INFO", "server");
      Console.say("Redis " + field(info, "redis_version") + " at " + redis.uri());
      try (RedisClient jedis = RedisClient.create(redis.host(), redis.port())) {
        CacheExample.run(jedis);
        CountersExample.run(jedis);
        TokensExample.run(jedis);
      }

      Console.step("Starting an embedded Elasticsearch node (first run unpacks it: ~30 s)");
      try (ElasticsearchServer es = ElasticsearchServer.start()) {
        Console.say("Elasticsearch at " + es.httpUri());
        SearchExample.run(es);
      }
    }
    Console.step("Done");
  }

  private static String field(String info, String name) {
    Matcher m = Pattern.compile(name + ":(\\S+)").matcher(info);
    return m.find() ? m.group(1) : "?";
  }
}
