package io.toutiao.cache.redis;

import io.toutiao.core.id.SnowflakeConfig;
import io.toutiao.core.id.SnowflakeIdGenerator;
import io.toutiao.core.id.SnowflakeLayout;
import io.toutiao.core.id.WorkerIdUnavailableException;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * A child JVM for the worker-id lease fault tests: leases a worker id, issues ids as fast as asked
 * and writes every one to a file, until told to stop on standard input.
 *
 * <p>Arguments: redis ({@code host:port} or {@code sentinel:<master>:<host:port,...>}), datacenter,
 * worker bits, ttl ms, replicas to acknowledge, max ids (0 = until stopped), ids per millisecond (0
 * = unthrottled), output file, wait for "go" (true/false).
 */
public final class LeaseHolderMain {

  private LeaseHolderMain() {}

  public static void main(String[] args) throws Exception {
    String redis = args[0];
    long datacenter = Long.parseLong(args[1]);
    int workerBits = Integer.parseInt(args[2]);
    Duration ttl = Duration.ofMillis(Long.parseLong(args[3]));
    int replicas = Integer.parseInt(args[4]);
    long maxIds = Long.parseLong(args[5]);
    int perMilli = Integer.parseInt(args[6]);
    String out = args[7];
    boolean waitForGo = Boolean.parseBoolean(args[8]);

    CountDownLatch go = new CountDownLatch(waitForGo ? 1 : 0);
    CountDownLatch stop = new CountDownLatch(1);
    Thread input =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  if (line.equals("go")) {
                    go.countDown();
                  } else if (line.equals("stop")) {
                    break;
                  }
                }
              } catch (Exception ignored) {
                // the parent went away: stop
              }
              go.countDown();
              stop.countDown();
            });
    input.setDaemon(true);
    input.start();

    JedisClientConfig client = DefaultJedisClientConfig.builder().timeoutMillis(10_000).build();
    UnifiedJedis jedis;
    if (redis.startsWith("sentinel:")) {
      String[] parts = redis.split(":", 3);
      Set<HostAndPort> sentinels =
          Arrays.stream(parts[2].split(",")).map(HostAndPort::from).collect(Collectors.toSet());
      jedis =
          RedisSentinelClient.builder()
              .masterName(parts[1])
              .sentinels(sentinels)
              .clientConfig(DefaultJedisClientConfig.builder().timeoutMillis(2_000).build())
              .build();
    } else {
      jedis =
          RedisClient.builder().hostAndPort(HostAndPort.from(redis)).clientConfig(client).build();
    }
    System.out.println("started");
    go.await();

    SnowflakeLayout layout =
        SnowflakeLayout.builder().bits(41, 5, workerBits, 17 - workerBits).build();
    SnowflakeIdGenerator ids = null;
    while (ids == null && stop.getCount() > 0) {
      RedisWorkerIdAssigner assigner =
          RedisWorkerIdAssigner.builder(jedis)
              .datacenterId(datacenter)
              .ttl(ttl)
              .replicasToAcknowledge(replicas)
              .build();
      try {
        ids =
            new SnowflakeIdGenerator(
                SnowflakeConfig.custom()
                    .layout(layout)
                    .datacenterId(datacenter)
                    .workerIdAssigner(assigner)
                    .build());
      } catch (RuntimeException taken) {
        assigner.close();
        Thread.sleep(100);
      }
    }
    if (ids == null) {
      System.out.println("done 0 0");
      return;
    }
    System.out.println("leased " + ids.currentWorkerId());

    long issued = 0;
    long failures = 0;
    boolean available = true;
    try (DataOutputStream file =
        new DataOutputStream(new BufferedOutputStream(new FileOutputStream(out), 1 << 16))) {
      while (stop.getCount() > 0 && (maxIds == 0 || issued < maxIds)) {
        try {
          file.writeLong(ids.nextId());
          issued++;
          if (!available) {
            System.out.println("flowing as worker " + ids.currentWorkerId());
            available = true;
          }
        } catch (WorkerIdUnavailableException e) {
          failures++;
          if (available) {
            System.out.println("unavailable: " + e.getMessage());
            available = false;
          }
          LockSupport.parkNanos(200_000);
          continue;
        }
        if (perMilli > 0 && issued % perMilli == 0) {
          LockSupport.parkNanos(1_000_000);
        }
      }
    }
    System.out.println("done " + issued + " " + failures);
    System.out.flush();
    System.exit(0);
  }
}
