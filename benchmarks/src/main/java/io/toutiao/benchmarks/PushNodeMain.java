package io.toutiao.benchmarks;

import io.toutiao.push.PushConfig;
import io.toutiao.push.PushServer;
import io.toutiao.push.PushUser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * The push node measured by {@link PushFanoutMeasurement}, in a JVM of its own: prints {@code READY
 * <port>}, then answers each {@code stats} line on stdin with {@code STATS <connections> <heap
 * bytes after GC> <resident bytes>}. Tokens are {@code valid.<user>}.
 */
public final class PushNodeMain {

  private PushNodeMain() {}

  /**
   * Runs the node.
   *
   * @param args redis host, redis port, connections per user
   * @throws Exception when it cannot start
   */
  public static void main(String[] args) throws Exception {
    HostAndPort redis = new HostAndPort(args[0], Integer.parseInt(args[1]));
    JedisClientConfig client = DefaultJedisClientConfig.builder().build();
    PushConfig config =
        PushConfig.builder()
            .host("127.0.0.1")
            .port(0)
            .maxConnectionsPerUser(Integer.parseInt(args[2]))
            .build();
    try (RedisClient jedis = RedisClient.builder().hostAndPort(redis).clientConfig(client).build();
        PushServer node =
            PushServer.builder(
                    jedis,
                    redis,
                    client,
                    token -> {
                      if (!token.startsWith("valid.")) {
                        throw new IllegalArgumentException("refused");
                      }
                      return new PushUser(token.substring(6));
                    })
                .config(config)
                .build()
                .start()) {
      System.out.println("READY " + node.port());
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        if (line.equals("stats")) {
          System.gc();
          Thread.sleep(200);
          System.gc();
          long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
          long direct = 0;
          for (var pool :
              ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            direct += pool.getMemoryUsed();
          }
          System.out.println(
              "STATS "
                  + node.connections()
                  + " "
                  + heap
                  + " "
                  + direct
                  + " "
                  + resident()
                  + " "
                  + node.stats());
          System.out.flush();
        }
      }
    }
  }

  private static long resident() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }
}
