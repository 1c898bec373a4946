package io.toutiao.spring.boot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.toutiao.cache.CacheStats;
import io.toutiao.cache.TwoLevelCache;
import io.toutiao.core.id.SnowflakeListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer meters of the blocks (names and tags in the starter's README): cache gets by level and
 * result, loads and load time, breaker state, L1 resyncs; ids issued and clock events; token
 * verifications by result and reason. Active when Micrometer is on the class path and {@code
 * toutiao.metrics.enabled} is not false; meters bind to every {@code MeterRegistry} of the context.
 */
@AutoConfiguration(
    before = {
      ToutiaoIdAutoConfiguration.class,
      ToutiaoCacheAutoConfiguration.class,
      ToutiaoAuthAutoConfiguration.class,
      ToutiaoStorageAutoConfiguration.class,
      ToutiaoSearchAutoConfiguration.class
    })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnProperty(prefix = "toutiao.metrics", name = "enabled", matchIfMissing = true)
public class ToutiaoMetricsAutoConfiguration {

  /** Creates the configuration. */
  public ToutiaoMetricsAutoConfiguration() {}

  /**
   * Ids issued and clock events, as a listener of the generator; counted once a registry binds it.
   *
   * @return the listener and binder
   */
  @Bean
  @ConditionalOnMissingBean(SnowflakeListener.class)
  @ConditionalOnClass(SnowflakeListener.class)
  public IdMetrics toutiaoIdMetrics() {
    return new IdMetrics();
  }

  /** Meters of the id generator. */
  public static final class IdMetrics implements SnowflakeListener, MeterBinder {
    private final List<MeterRegistry> registries =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Counter[] issued = new Counter[0];
    private volatile Counter[] waited = new Counter[0];
    private volatile Counter[] refused = new Counter[0];
    private volatile Counter[] exhausted = new Counter[0];

    IdMetrics() {}

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
      registries.add(registry);
      issued =
          append(
              issued,
              Counter.builder("toutiao.ids.issued").description("ids issued").register(registry));
      waited =
          append(
              waited,
              Counter.builder("toutiao.ids.clock.backwards")
                  .tag("outcome", "waited")
                  .description("clock steps backwards the generator waited out")
                  .register(registry));
      refused =
          append(
              refused,
              Counter.builder("toutiao.ids.clock.backwards")
                  .tag("outcome", "refused")
                  .description("clock steps backwards that failed id requests")
                  .register(registry));
      exhausted =
          append(
              exhausted,
              Counter.builder("toutiao.ids.sequence.exhausted")
                  .description("milliseconds whose sequence ran out")
                  .register(registry));
    }

    private static Counter[] append(Counter[] counters, Counter counter) {
      Counter[] more = java.util.Arrays.copyOf(counters, counters.length + 1);
      more[counters.length] = counter;
      return more;
    }

    @Override
    public void onIdsIssued(int count) {
      for (Counter counter : issued) {
        counter.increment(count);
      }
    }

    @Override
    public void onClockBackwards(Duration offset, boolean waiting) {
      for (Counter counter : waiting ? waited : refused) {
        counter.increment();
      }
    }

    @Override
    public void onSequenceExhausted(Duration waited) {
      for (Counter counter : exhausted) {
        counter.increment();
      }
    }
  }

  /** Token verifications, when the Spring Security integration is there. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "io.toutiao.auth.TokenService",
        "org.springframework.security.web.SecurityFilterChain"
      })
  static class TokenMetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean(io.toutiao.spring.boot.security.TokenVerificationListener.class)
    io.toutiao.spring.boot.security.TokenVerificationListener toutiaoTokenMetrics(
        ObjectProvider<MeterRegistry> registries) {
      LazyMeters meters = new LazyMeters(registries);
      return new io.toutiao.spring.boot.security.TokenVerificationListener() {
        private void count(String result, String reason) {
          meters.count(
              "toutiao.auth.verifications",
              "bearer tokens verified by the filter",
              1,
              "result",
              result,
              "reason",
              reason);
        }

        @Override
        public void onAccepted() {
          count("accepted", "none");
        }

        @Override
        public void onRejected(io.toutiao.auth.AuthException.Reason reason) {
          count("rejected", reason.name().toLowerCase(java.util.Locale.ROOT));
        }
      };
    }
  }

  /** Upload meters, kept apart so the class loads without toutiao-storage. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.toutiao.storage.UploadListener")
  static class StorageMetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean(io.toutiao.storage.UploadListener.class)
    io.toutiao.storage.UploadListener toutiaoUploadMetrics(
        ObjectProvider<MeterRegistry> registries) {
      LazyMeters meters = new LazyMeters(registries);
      return new io.toutiao.storage.UploadListener() {
        @Override
        public void onStored(io.toutiao.storage.ImageInfo info, long bytes) {
          String format = info.format().name().toLowerCase(java.util.Locale.ROOT);
          meters.count(
              "toutiao.storage.images", "uploads", 1, "result", "stored", "reason", format);
          meters.count(
              "toutiao.storage.stored.bytes", "bytes of images stored", bytes, "format", format);
        }

        @Override
        public void onRejected(io.toutiao.storage.InvalidImageException.Reason reason) {
          meters.count(
              "toutiao.storage.images",
              "uploads",
              1,
              "result",
              "rejected",
              "reason",
              reason.name().toLowerCase(java.util.Locale.ROOT));
        }
      };
    }
  }

  /** Search meters, kept apart so the class loads without toutiao-search. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.toutiao.search.SearchListener")
  static class SearchMetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean(io.toutiao.search.SearchListener.class)
    io.toutiao.search.SearchListener toutiaoSearchMetrics(
        ObjectProvider<MeterRegistry> registries) {
      LazyMeters meters = new LazyMeters(registries);
      return new io.toutiao.search.SearchListener() {
        private void record(String result, Duration took) {
          meters.time("toutiao.search.requests", "article searches", took, "result", result);
        }

        @Override
        public void onSearch(Duration took, long total, int failedShards) {
          record(failedShards > 0 ? "partial" : "ok", took);
        }

        @Override
        public void onFailure(Duration took) {
          record("failed", took);
        }
      };
    }
  }

  /** Bulk and migration meters: pass these to your own writers and migrations. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.toutiao.search.BulkListener")
  static class BulkMetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean(io.toutiao.search.BulkListener.class)
    io.toutiao.search.BulkListener toutiaoBulkMetrics(ObjectProvider<MeterRegistry> registries) {
      LazyMeters meters = new LazyMeters(registries);
      return new io.toutiao.search.BulkListener() {
        @Override
        public void onIndexed() {
          meters.count(
              "toutiao.search.bulk.documents",
              "documents written by bulk writers",
              1,
              "result",
              "indexed");
        }

        @Override
        public void onFailed() {
          meters.count(
              "toutiao.search.bulk.documents",
              "documents written by bulk writers",
              1,
              "result",
              "failed");
        }

        @Override
        public void onOutcomeUnknown() {
          meters.count(
              "toutiao.search.bulk.documents",
              "documents written by bulk writers",
              1,
              "result",
              "unknown");
        }

        @Override
        public void onRetried() {
          meters.count("toutiao.search.bulk.retries", "documents sent again", 1);
        }
      };
    }

    @Bean
    @ConditionalOnMissingBean(io.toutiao.search.MigrationListener.class)
    io.toutiao.search.MigrationListener toutiaoMigrationMetrics(
        ObjectProvider<MeterRegistry> registries) {
      LazyMeters meters = new LazyMeters(registries);
      return new io.toutiao.search.MigrationListener() {
        @Override
        public void onCopied(String alias, long documents) {
          meters.count(
              "toutiao.search.migration.documents",
              "documents copied by migrations",
              documents,
              "alias",
              alias,
              "phase",
              "copy");
        }

        @Override
        public void onRound(String alias, int round, long documents) {
          meters.count(
              "toutiao.search.migration.documents",
              "documents copied by migrations",
              documents,
              "alias",
              alias,
              "phase",
              "catch_up");
          meters.count("toutiao.search.migration.rounds", "catch-up rounds", 1, "alias", alias);
        }

        @Override
        public void onSucceeded(io.toutiao.search.IndexMigration.Result result) {
          meters.count(
              "toutiao.search.migrations",
              "index migrations",
              1,
              "alias",
              result.alias(),
              "result",
              "succeeded");
          meters.time(
              "toutiao.search.migration.write.block",
              "writes blocked by migrations",
              result.writesBlocked(),
              "alias",
              result.alias());
        }

        @Override
        public void onFailed(String alias, Duration took) {
          meters.count(
              "toutiao.search.migrations",
              "index migrations",
              1,
              "alias",
              alias,
              "result",
              "failed");
        }
      };
    }
  }

  /** Cache meters, kept apart so the class loads without toutiao-cache. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(TwoLevelCache.class)
  static class CacheMetricsConfiguration {

    @Bean
    CacheMeters toutiaoCacheMeters(
        ObjectProvider<ToutiaoCacheManager> managers, ObjectProvider<TwoLevelCache<?, ?>> caches) {
      return new CacheMeters(managers, caches);
    }

    @Bean
    ToutiaoCache.LoadTimer toutiaoCacheLoadTimer(ObjectProvider<MeterRegistry> registries) {
      LazyMeters meters = new LazyMeters(registries);
      return (cache, load) -> {
        long started = System.nanoTime();
        try {
          return load.call();
        } finally {
          meters.time(
              "toutiao.cache.load.duration",
              "time the cached method took on a miss",
              Duration.ofNanos(System.nanoTime() - started),
              "cache",
              cache);
        }
      };
    }
  }

  /** Binds the meters of every two-level cache of the context. */
  static final class CacheMeters implements MeterBinder {
    private final ObjectProvider<ToutiaoCacheManager> managers;
    private final ObjectProvider<TwoLevelCache<?, ?>> caches;

    CacheMeters(
        ObjectProvider<ToutiaoCacheManager> managers, ObjectProvider<TwoLevelCache<?, ?>> caches) {
      this.managers = managers;
      this.caches = caches;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
      Map<TwoLevelCache<?, ?>, Boolean> all = new IdentityHashMap<>();
      managers
          .orderedStream()
          .forEach(m -> m.caches().forEach(c -> all.put(c.getNativeCache(), true)));
      caches.orderedStream().forEach(c -> all.put(c, true));
      for (TwoLevelCache<?, ?> cache : new ArrayList<>(all.keySet())) {
        bind(registry, cache);
      }
    }

    private static void bind(MeterRegistry registry, TwoLevelCache<?, ?> cache) {
      Tags tags = Tags.of("cache", cache.config().name());
      gets(registry, cache, tags.and("level", "l1", "result", "hit"), CacheStats::l1Hits);
      gets(registry, cache, tags.and("level", "l1", "result", "miss"), CacheStats::l1Misses);
      gets(registry, cache, tags.and("level", "l2", "result", "hit"), CacheStats::l2Hits);
      gets(registry, cache, tags.and("level", "l2", "result", "miss"), CacheStats::l2Misses);
      gets(
          registry,
          cache,
          tags.and("level", "bloom", "result", "rejected"),
          CacheStats::bloomRejections);
      counter(
          registry,
          "toutiao.cache.loads",
          "loader calls",
          cache,
          tags.and("result", "success"),
          s -> s.loads() - s.loadFailures());
      counter(
          registry,
          "toutiao.cache.loads",
          "loader calls",
          cache,
          tags.and("result", "failure"),
          CacheStats::loadFailures);
      counter(
          registry,
          "toutiao.cache.l1.resyncs",
          "times L1 was cleared because invalidations may have been lost",
          cache,
          tags,
          CacheStats::l1Resyncs);
      counter(
          registry,
          "toutiao.cache.redis.errors",
          "Redis commands that failed",
          cache,
          tags,
          CacheStats::l2Errors);
      Gauge.builder("toutiao.cache.breaker.open", cache, c -> c.stats().circuitOpen() ? 1 : 0)
          .tags(tags)
          .description("1 while Redis is bypassed by the circuit breaker")
          .register(registry);
    }

    private static void gets(
        MeterRegistry registry,
        TwoLevelCache<?, ?> cache,
        Tags tags,
        java.util.function.ToLongFunction<CacheStats> value) {
      counter(registry, "toutiao.cache.gets", "cache reads", cache, tags, value);
    }

    private static void counter(
        MeterRegistry registry,
        String name,
        String description,
        TwoLevelCache<?, ?> cache,
        Tags tags,
        java.util.function.ToLongFunction<CacheStats> value) {
      ToDoubleFunction<TwoLevelCache<?, ?>> read = c -> value.applyAsLong(c.stats());
      FunctionCounter.builder(name, cache, read)
          .tags(tags)
          .description(description)
          .register(registry);
    }
  }
}
