package io.toutiao.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.toutiao.testing.RedisServer;
import io.toutiao.testing.RedisTest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** The code shown in toutiao-cache/README.md, kept here so it compiles and runs. */
@RedisTest
class ReadmeSnippetsIT {

  record UserProfile(long id, String name) {}

  /** Stands in for a MyBatis mapper. */
  static final class UserMapper {
    final Map<Long, UserProfile> rows =
        new ConcurrentHashMap<>(
            Map.of(
                1L,
                new UserProfile(1, "a"),
                2L,
                new UserProfile(2, "b"),
                42L,
                new UserProfile(42, "头条")));

    UserProfile selectProfile(long id) {
      return rows.get(id);
    }

    void updateProfile(UserProfile profile) {
      rows.put(profile.id(), profile);
    }
  }

  @Test
  void quickStart(RedisServer redis) {
    UserMapper userMapper = new UserMapper();
    UserProfile changed = new UserProfile(42, "新头条");

    UnifiedJedis jedis =
        RedisClient.create(redis.host(), redis.port()); // or RedisClusterClient.create(nodes)
    CacheConfig<Long, UserProfile> config =
        CacheConfig.<Long, UserProfile>builder("user-profile")
            .keyPattern("user:{}:profile") // the reference key layout
            .codec(Codecs.json(UserProfile.class))
            .loader(id -> userMapper.selectProfile(id)) // null when the user does not exist
            .build();
    TwoLevelCache<Long, UserProfile> profiles = new TwoLevelCache<>(config, jedis);

    Optional<UserProfile> profile = profiles.get(42L); // L1 -> Redis -> loader
    Map<Long, UserProfile> many = profiles.getAll(List.of(1L, 2L)); // one pipelined round trip

    userMapper.updateProfile(changed); // 1. write the database
    profiles.invalidate(42L); // 2. then invalidate: Redis DEL + every node's L1

    assertThat(profile).contains(new UserProfile(42, "头条"));
    assertThat(many).hasSize(2);
    assertThat(profiles.get(42L)).contains(changed);
    profiles.close();
    jedis.close();
  }

  @Test
  void snowflakeWorkerIds(RedisServer redis) {
    try (UnifiedJedis jedis = RedisClient.create(redis.host(), redis.port())) {
      // --- README: Snowflake worker ids (the README's TTL is the default 30 s; 3 s keeps the first
      // window on this empty Redis 4 s away instead of 31 s) ---
      io.toutiao.cache.redis.RedisWorkerIdAssigner worker =
          io.toutiao.cache.redis.RedisWorkerIdAssigner.builder(jedis)
              .datacenterId(1)
              .ttl(java.time.Duration.ofSeconds(3))
              .maxClockSkew(java.time.Duration.ofSeconds(1))
              .replicasToAcknowledge(0)
              .build();
      io.toutiao.core.id.SnowflakeIdGenerator ids =
          new io.toutiao.core.id.SnowflakeIdGenerator(
              io.toutiao.core.id.SnowflakeConfig.custom()
                  .datacenterId(1)
                  .workerIdAssigner(worker)
                  .build());
      assertThat(ids.parse(ids.nextId()).datacenterId()).isEqualTo(1);
      worker.close();
    }
  }
}
