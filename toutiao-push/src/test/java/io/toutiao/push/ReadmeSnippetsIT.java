package io.toutiao.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;

/** The code shown in toutiao-push/README.md, kept here so it compiles and runs. */
@RedisTest
class ReadmeSnippetsIT {

  /** Stands for the host's TokenService: returns the user id of a valid access token. */
  static long verifyAccessToken(String token) {
    if (!token.equals("a-valid-access-token")) {
      throw new IllegalArgumentException("token refused");
    }
    return 42;
  }

  @Test
  void quickStart(RedisServer redis) throws Exception {
    String redisHost = redis.host();
    int redisPort = redis.port();
    String accessToken = "a-valid-access-token";
    BlockingQueue<String> shown = new LinkedBlockingQueue<>();

    // --- the push node (one or more processes)
    JedisClientConfig clientConfig = DefaultJedisClientConfig.builder().build();
    HostAndPort redisAddress = new HostAndPort(redisHost, redisPort);
    RedisClient jedis =
        RedisClient.builder().hostAndPort(redisAddress).clientConfig(clientConfig).build();
    PushConfig config = PushConfig.builder().port(0).build(); // default 9092
    PushServer node =
        PushServer.builder(
                jedis,
                redisAddress,
                clientConfig,
                token -> new PushUser(Long.toString(verifyAccessToken(token))))
            .config(config)
            .build()
            .start();

    // --- the web app: a follow notifies the followed user, online or not
    PushPublisher push = new PushPublisher(jedis, config);
    String eventId =
        push.notify("42", Notification.following("7", "小明", "http://img/7.jpg", Instant.now()));

    // --- a client (Java socket.io-client 2.x; the JavaScript client 4.x works the same way)
    IO.Options options = IO.Options.builder().setAuth(Map.of("token", accessToken)).build();
    Socket socket = IO.socket(URI.create("http://127.0.0.1:" + node.port()), options);
    socket.on(
        "following notify",
        args -> {
          JSONObject data = (JSONObject) args[0]; // {user_id, user_name, user_photo, timestamp}
          String id = (String) args[1]; // de-duplicate by it
          shown.add(id + " " + data.getString("user_name"));
          ((Ack) args[args.length - 1]).call(); // acknowledged: not delivered again
        });
    socket.connect();

    try {
      assertThat(shown.poll(10, TimeUnit.SECONDS)).isEqualTo(eventId + " 小明");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!push.pending("42", 10).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(push.pending("42", 10)).isEmpty();
    } finally {
      socket.close();
      node.close();
      jedis.close();
    }
  }
}
