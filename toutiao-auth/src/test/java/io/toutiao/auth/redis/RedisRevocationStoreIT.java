package io.toutiao.auth.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.toutiao.auth.KeyRing;
import io.toutiao.auth.RevocationUnavailableException;
import io.toutiao.auth.SigningKey;
import io.toutiao.auth.TokenAlgorithm;
import io.toutiao.auth.TokenConfig;
import io.toutiao.auth.TokenPair;
import io.toutiao.auth.TokenRevokedException;
import io.toutiao.auth.TokenService;
import io.toutiao.testing.RedisCluster;
import io.toutiao.testing.RedisClusterTest;
import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import java.time.Instant;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

class RedisRevocationStoreIT {

  static final SigningKey KEY = SigningKey.generate("k1", TokenAlgorithm.HS256);

  static void revocationWorksAcrossInstances(UnifiedJedis jedis) {
    RedisRevocationStore store = new RedisRevocationStore(jedis);
    TokenService nodeA =
        new TokenService(
            TokenConfig.custom(KeyRing.of(KEY))
                .revocationStore(store)
                .rotateRefreshTokens(true)
                .build());
    TokenService nodeB =
        new TokenService(
            TokenConfig.custom(KeyRing.of(KEY))
                .revocationStore(store)
                .rotateRefreshTokens(true)
                .build());
    TokenPair pair = nodeA.issue(21);
    nodeB.verifyAccess(pair.accessToken());

    nodeA.revoke(nodeA.verifyAccess(pair.accessToken()));
    assertThatThrownBy(() -> nodeB.verifyAccess(pair.accessToken()))
        .isInstanceOf(TokenRevokedException.class);

    TokenPair second = nodeA.refresh(pair.refreshToken());
    assertThatThrownBy(() -> nodeB.refresh(pair.refreshToken()))
        .isInstanceOf(TokenRevokedException.class);
    assertThatThrownBy(() -> nodeB.verifyRefresh(second.refreshToken()))
        .isInstanceOf(TokenRevokedException.class);

    TokenPair other = nodeA.issue(22);
    nodeB.revokeAllForUser(22);
    assertThatThrownBy(() -> nodeA.verifyAccess(other.accessToken()))
        .isInstanceOf(TokenRevokedException.class);
    store.revokeUser(22, Instant.EPOCH, Instant.now().plusSeconds(60));
    assertThat(store.userRevokedBefore(22).orElseThrow()).isAfter(Instant.EPOCH);
  }

  @Nested
  @RedisTest
  class Standalone {
    @Test
    void revocationsAreSharedByEveryInstance(RedisServer redis) {
      try (RedisClient jedis = RedisClient.create(redis.host(), redis.port())) {
        revocationWorksAcrossInstances(jedis);
        assertThat(redis.command("PTTL", "auth:user:22:revoked-before")).isInstanceOf(Long.class);
        assertThat((Long) redis.command("PTTL", "auth:user:22:revoked-before")).isPositive();
      }
    }

    @Test
    void failsClosedWhileRedisIsDown(RedisServer redis) {
      assumeTrue(redis.isManaged());
      try (RedisClient jedis = RedisClient.create(redis.host(), redis.port())) {
        TokenService tokens =
            new TokenService(
                TokenConfig.custom(KeyRing.of(KEY))
                    .revocationStore(new RedisRevocationStore(jedis))
                    .build());
        String access = tokens.issue(5).accessToken();
        tokens.verifyAccess(access);

        redis.stop();
        try {
          assertThatThrownBy(() -> tokens.verifyAccess(access))
              .isInstanceOf(RevocationUnavailableException.class)
              .satisfies(
                  e ->
                      assertThat(((RevocationUnavailableException) e).httpStatus()).isEqualTo(503));
        } finally {
          redis.restart();
        }
        assertThat(tokens.verifyAccess(access).userId()).isEqualTo(5);
      }
    }
  }

  @Nested
  @RedisClusterTest
  class Cluster {
    @Test
    void revocationsWorkOnRedisCluster(RedisCluster cluster) {
      try (RedisClusterClient jedis =
          RedisClusterClient.create(
              cluster.hostAndPorts().stream().map(HostAndPort::from).collect(Collectors.toSet()))) {
        revocationWorksAcrossInstances(jedis);
      }
    }
  }
}
