package io.toutiao.examples.backend;

import io.toutiao.cache.redis.RedisStoreException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Runs the optional Redis work of a request (counts, histories): after a Redis failure it skips
 * that work for a second, so a frozen Redis costs one client timeout per second instead of one per
 * call, and the page answers without the counts.
 */
final class RedisGuard {

  private static final Logger log = LoggerFactory.getLogger(RedisGuard.class);
  private static final long SKIP_NANOS = Duration.ofSeconds(1).toNanos();

  private volatile long skipUntil = System.nanoTime();

  /**
   * Runs {@code work}, or skips it while Redis failed less than a second ago.
   *
   * @return its result, or empty when skipped or when Redis failed now
   */
  <T> Optional<T> call(String what, Supplier<T> work) {
    if (System.nanoTime() - skipUntil < 0) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(work.get());
    } catch (RedisStoreException | JedisException e) {
      skipUntil = System.nanoTime() + SKIP_NANOS;
      log.warn("{} skipped, Redis failed (skipping Redis work for 1 s): {}", what, e.getMessage());
      return Optional.empty();
    }
  }

  /** Runs work without a result; see {@link #call}. */
  boolean run(String what, Runnable work) {
    return call(
            what,
            () -> {
              work.run();
              return Boolean.TRUE;
            })
        .isPresent();
  }
}
