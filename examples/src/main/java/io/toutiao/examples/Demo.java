package io.toutiao.examples;

import io.toutiao.testing.ElasticsearchServer;
import io.toutiao.testing.RedisServer;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.RedisClient;

/**
 * The README's main job: starts the embedded services and walks through what toutiao-kit does.
 *
 * <p>Run it with {@code mvn -q -Pdemo -DskipTests -pl examples -am verify}, or from an IDE.
 */
public final class Demo {

  private Demo() {}

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
