package io.toutiao.examples;

import io.toutiao.core.id.IdCodec;
import io.toutiao.core.id.SnowflakeConfig;
import io.toutiao.core.id.SnowflakeId;
import io.toutiao.core.id.SnowflakeIdGenerator;
import io.toutiao.testing.ElasticsearchServer;
import io.toutiao.testing.RedisServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    demoIds();

    step("Starting an embedded Redis (redis-server on PATH, else the bundled binary)");
    try (RedisServer redis = RedisServer.start()) {
      String info = (String) redis.command("INFO", "server");
      say("Redis " + field(info, "redis_version") + " at " + redis.uri());
      redis.command("SET", "user:1:profile", "{\"name\":\"头条小编\"}", "EX", "1800");
      say("SET user:1:profile, TTL " + redis.command("TTL", "user:1:profile") + " s");

      step("Starting an embedded Elasticsearch node (first run unpacks it: ~30 s)");
      try (ElasticsearchServer es = ElasticsearchServer.start()) {
        say("Elasticsearch at " + es.httpUri());
        demoSearch(es);
      }
    }
    step("Done");
  }

  private static void demoIds() {
    step("Snowflake ids (toutiao-core): reference layout, datacenter 1, worker 3");
    SnowflakeIdGenerator ids =
        new SnowflakeIdGenerator(SnowflakeConfig.custom().datacenterId(1).workerId(3).build());
    long id = ids.nextId();
    SnowflakeId parsed = ids.parse(id);
    say("nextId() = " + id + "  compact: " + IdCodec.toCompact(id));
    say(
        "parse: time "
            + parsed.timestamp()
            + ", datacenter "
            + parsed.datacenterId()
            + ", worker "
            + parsed.workerId()
            + ", sequence "
            + parsed.sequence());
    long[] batch = ids.nextIds(5);
    say("nextIds(5) = " + java.util.Arrays.toString(batch));
    say("layout lasts until " + ids.config().lifetimeEnd());
  }

  private static void demoSearch(ElasticsearchServer es) throws IOException {
    es.send(
        "PUT",
        "/articles_v1",
        "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
            + "\"aliases\":{\"articles\":{}},"
            + "\"mappings\":{\"properties\":{\"title\":{\"type\":\"text\",\"analyzer\":\"cjk\"}}}}");
    es.send("PUT", "/articles/_doc/1", "{\"title\":\"人工智能改变新闻推荐\"}");
    es.send("PUT", "/articles/_doc/2?refresh=true", "{\"title\":\"今日头条发布新版客户端\"}");
    say("indexed 2 Chinese articles into articles_v1 behind the alias 'articles'");
    HttpResponse<String> found =
        es.send(
            "POST",
            "/articles/_search",
            "{\"query\":{\"match\":{\"title\":\"新闻推荐\"}},\"highlight\":{\"fields\":{\"title\":{}}}}");
    Matcher highlight = Pattern.compile("\"title\":\\[\"([^\"]+)\"").matcher(found.body());
    say("search '新闻推荐' -> " + (highlight.find() ? highlight.group(1) : found.body()));
  }

  private static String field(String info, String name) {
    Matcher m = Pattern.compile(name + ":(\\S+)").matcher(info);
    return m.find() ? m.group(1) : "?";
  }

  private static void step(String text) {
    System.out.println();
    System.out.println("== " + text);
  }

  private static void say(String text) {
    System.out.println("   " + text);
  }
}
