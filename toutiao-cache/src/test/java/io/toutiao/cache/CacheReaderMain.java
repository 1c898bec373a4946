package io.toutiao.cache;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * A second cache node for fault tests: reads one key in a loop and prints {@code seen <version>
 * <epoch millis>} the first time each new version comes back, and {@code regression} if an older
 * one comes back after a newer. The "database" is the Redis key {@code db:<id>}, read by the loader
 * on its own client. Args: redis host, redis port, bus host, bus port (the bus port may be a fault
 * proxy's; 0 for the client's shared bus), id. Stops on {@code stop} with {@code done <reads>
 * <restarts>}.
 */
public final class CacheReaderMain {

  private CacheReaderMain() {}

  private static Connection connect(HostAndPort address) {
    Connection connection = new Connection(address, DefaultJedisClientConfig.builder().build());
    connection.connect();
    return connection;
  }

  /**
   * Runs the reader.
   *
   * @param args host, port, bus host, bus port, id
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String busHost = args[2];
    int busPort = Integer.parseInt(args[3]);
    long id = Long.parseLong(args[4]);
    try (RedisClient data = RedisClient.create(host, port);
        RedisClient database = RedisClient.create(host, port)) {
      CacheConfig<Long, String> config =
          CacheConfig.<Long, String>builder("fault")
              .codec(Codecs.string())
              .loader(key -> database.get("db:" + key))
              .build();
      InvalidationBus bus =
          busPort == 0
              ? null
              : InvalidationBus.create(
                  () -> connect(new HostAndPort(busHost, busPort)),
                  () -> connect(new HostAndPort(host, port)),
                  "subscriber through " + busPort);
      TwoLevelCache<Long, String> cache =
          bus == null ? new TwoLevelCache<>(config, data) : new TwoLevelCache<>(config, data, bus);
      long reads = 0;
      long newest = -1;
      Thread stopper =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null && !line.equals("stop")) {
                    // wait for stop
                  }
                } catch (java.io.IOException ignored) {
                  // parent gone
                }
              });
      stopper.start();
      System.out.println("started");
      while (stopper.isAlive()) {
        Optional<String> value = cache.get(id);
        reads++;
        long version = value.map(Long::parseLong).orElse(-1L);
        if (version > newest) {
          newest = version;
          System.out.println("seen " + version + " " + System.currentTimeMillis());
        } else if (version < newest) {
          System.out.println("regression " + version + " after " + newest);
        }
        Thread.sleep(0, 200_000);
      }
      System.out.println(
          "done "
              + reads
              + " "
              + cache.invalidationBus().stats().silentRestarts()
              + " "
              + cache.stats());
      cache.close();
      if (bus != null) {
        bus.close();
      }
    }
  }
}
