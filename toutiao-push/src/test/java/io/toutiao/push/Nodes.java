package io.toutiao.push;

import io.toutiao.testing.RedisServer;
import java.util.Set;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** Test wiring: a token rule, a node on loopback, a client for a Redis. */
final class Nodes {

  private Nodes() {}

  /**
   * Tokens of the tests: {@code valid.<user>} is the user's, {@code expired.<user>} fails as an
   * expired one would; anything else is refused.
   */
  static final PushAuthenticator TOKENS =
      token -> {
        if (token.startsWith("valid.")) {
          return new PushUser(token.substring(6));
        }
        throw new IllegalStateException(
            token.startsWith("expired.") ? "token expired" : "token refused");
      };

  static UnifiedJedis redis(RedisServer redis) {
    return RedisClient.builder()
        .hostAndPort(new HostAndPort(redis.host(), redis.port()))
        .clientConfig(config())
        .build();
  }

  static JedisClientConfig config() {
    return DefaultJedisClientConfig.builder().timeoutMillis(2_000).build();
  }

  static PushConfig.Builder settings() {
    return PushConfig.builder()
        .host("127.0.0.1")
        .port(0)
        .redisHeartbeat(java.time.Duration.ofMillis(200))
        .ackFlushInterval(java.time.Duration.ofMillis(20));
  }

  static PushServer node(UnifiedJedis jedis, int redisPort, PushConfig config) {
    return PushServer.builder(jedis, new HostAndPort("127.0.0.1", redisPort), config(), TOKENS)
        .config(config)
        .rooms(user -> Set.of("everyone-" + (user.id().hashCode() & 1)))
        .build()
        .start();
  }
}
