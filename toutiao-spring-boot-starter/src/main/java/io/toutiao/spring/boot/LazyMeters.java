package io.toutiao.spring.boot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Counters and timers by name and tags, registered on first use in the context's registry (none
 * yet: nothing is counted). What the blocks' listeners count with.
 */
final class LazyMeters {

  private final ObjectProvider<MeterRegistry> registries;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  LazyMeters(ObjectProvider<MeterRegistry> registries) {
    this.registries = registries;
  }

  private static String key(String name, String... tags) {
    return name + "|" + String.join("|", tags);
  }

  /**
   * Adds to a counter.
   *
   * @param name the meter
   * @param description what it counts
   * @param amount how much
   * @param tags key, value, key, value ...
   */
  void count(String name, String description, double amount, String... tags) {
    MeterRegistry registry = registries.getIfUnique();
    if (registry != null) {
      counters
          .computeIfAbsent(
              key(name, tags),
              k -> Counter.builder(name).tags(tags).description(description).register(registry))
          .increment(amount);
    }
  }

  /**
   * Records a duration.
   *
   * @param name the meter
   * @param description what it times
   * @param duration how long
   * @param tags key, value, key, value ...
   */
  void time(String name, String description, Duration duration, String... tags) {
    MeterRegistry registry = registries.getIfUnique();
    if (registry != null) {
      timers
          .computeIfAbsent(
              key(name, tags),
              k -> Timer.builder(name).tags(tags).description(description).register(registry))
          .record(duration);
    }
  }
}
