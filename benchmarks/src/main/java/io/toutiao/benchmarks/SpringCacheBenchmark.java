package io.toutiao.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.toutiao.cache.TwoLevelCache;
import io.toutiao.spring.boot.CacheProperties;
import io.toutiao.spring.boot.ToutiaoCache;
import io.toutiao.spring.boot.ToutiaoCacheManager;
import io.toutiao.testing.RedisServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import redis.clients.jedis.RedisClient;

/**
 * {@code @Cacheable(sync = true)} on an L1 hit over 1,000 warm keys: through our {@link
 * ToutiaoCacheManager} ({@code toutiao}), beside a direct {@link TwoLevelCache#get} on the same
 * cache ({@code direct}) and beside the same annotated method over Spring's own {@link
 * CaffeineCacheManager} ({@code springCaffeine}). A real redis-server on loopback backs our cache.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class SpringCacheBenchmark {

  /** The cached value. */
  public record Profile(long id, String name) {}

  private static final int KEYS = 1000;

  /** The cached method. */
  public static class Profiles {
    /** Creates the service. */
    public Profiles() {}

    /**
     * @param id the user
     * @return the profile
     */
    @Cacheable(cacheNames = "profile", sync = true)
    public Profile profile(Long id) {
      return new Profile(id, "user " + id);
    }
  }

  /** Our cache manager. */
  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class Ours {
    static RedisClient jedis;

    @Bean
    CacheManager cacheManager() {
      CacheProperties properties = new CacheProperties();
      CacheProperties.Spec spec = new CacheProperties.Spec();
      spec.setValueType(Profile.class);
      spec.setL1Ttl(Duration.ofMinutes(10));
      spec.setTtl(Duration.ofHours(1));
      properties.getCaches().put("profile", spec);
      return new ToutiaoCacheManager(properties, jedis, ToutiaoCache.LoadTimer.NONE, null);
    }

    @Bean
    Profiles profiles() {
      return new Profiles();
    }
  }

  /** Spring's Caffeine cache manager. */
  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class SpringCaffeine {
    @Bean
    CacheManager cacheManager() {
      CaffeineCacheManager manager = new CaffeineCacheManager("profile");
      manager.setCaffeine(
          Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)));
      return manager;
    }

    @Bean
    Profiles profiles() {
      return new Profiles();
    }
  }

  private RedisServer redis;
  private AnnotationConfigApplicationContext ours;
  private AnnotationConfigApplicationContext spring;
  private Profiles oursProfiles;
  private Profiles springProfiles;
  private TwoLevelCache<Object, Object> direct;
  private final Long[] keys = new Long[KEYS];
  private int next;

  /** Starts Redis and both contexts, warms every key. */
  @Setup(Level.Trial)
  @SuppressWarnings("unchecked")
  public void setUp() {
    redis = RedisServer.start();
    Ours.jedis = RedisClient.create(redis.host(), redis.port());
    ours = new AnnotationConfigApplicationContext(Ours.class);
    spring = new AnnotationConfigApplicationContext(SpringCaffeine.class);
    oursProfiles = ours.getBean(Profiles.class);
    springProfiles = spring.getBean(Profiles.class);
    direct =
        (TwoLevelCache<Object, Object>)
            ours.getBean(CacheManager.class).getCache("profile").getNativeCache();
    for (int i = 0; i < KEYS; i++) {
      keys[i] = (long) i;
      oursProfiles.profile(keys[i]);
      springProfiles.profile(keys[i]);
    }
  }

  /** Stops everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    ours.close();
    spring.close();
    Ours.jedis.close();
    redis.close();
  }

  private Long key() {
    int i = next + 1;
    next = i == KEYS ? 0 : i;
    return keys[next];
  }

  /**
   * @return the profile
   */
  @Benchmark
  public Profile toutiao_cacheableL1Hit() {
    return oursProfiles.profile(key());
  }

  /**
   * @return the profile
   */
  @Benchmark
  public Object direct_cacheableL1Hit() {
    return direct.get(key()).orElse(null);
  }

  /**
   * @return the profile
   */
  @Benchmark
  public Profile springCaffeine_cacheableL1Hit() {
    return springProfiles.profile(key());
  }
}
