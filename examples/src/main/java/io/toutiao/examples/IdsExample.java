package io.toutiao.examples;

import io.toutiao.core.id.IdCodec;
import io.toutiao.core.id.SnowflakeConfig;
import io.toutiao.core.id.SnowflakeId;
import io.toutiao.core.id.SnowflakeIdGenerator;

/** Snowflake ids: layout, parsing, batches and the compact form. Runnable from an IDE. */
public final class IdsExample {

  private IdsExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   * @throws Exception when a service fails
   */
  public static void main(String[] args) throws Exception {
    run();
  }

  static void run() {
    Console.step("Snowflake ids (toutiao-core): reference layout, datacenter 1, worker 3");
    SnowflakeIdGenerator ids =
        new SnowflakeIdGenerator(SnowflakeConfig.custom().datacenterId(1).workerId(3).build());
    long id = ids.nextId();
    SnowflakeId parsed = ids.parse(id);
    Console.say("nextId() = " + id + "  compact: " + IdCodec.toCompact(id));
    Console.say(
        "parse: time "
            + parsed.timestamp()
            + ", datacenter "
            + parsed.datacenterId()
            + ", worker "
            + parsed.workerId()
            + ", sequence "
            + parsed.sequence());
    long[] batch = ids.nextIds(5);
    Console.say("nextIds(5) = " + java.util.Arrays.toString(batch));
    Console.say("layout lasts until " + ids.config().lifetimeEnd());
  }
}
