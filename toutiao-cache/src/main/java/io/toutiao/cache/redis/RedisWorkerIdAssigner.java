package io.toutiao.cache.redis;

import io.toutiao.core.id.SnowflakeLayout;
import io.toutiao.core.id.WorkerIdAssigner;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * A {@link WorkerIdAssigner} that leases a free worker id from Redis, so containers that share an
 * image never share an id: it claims the first free {@code snowflake:worker:<datacenter>:<id>} key
 * in the layout's range ({@code SET NX PX}), renews it in the background every third of its TTL,
 * and releases it on {@link #close()}. If renewal fails for longer than the TTL (Redis unreachable,
 * or the key taken over), {@link #isHeld()} turns false and the generator stops issuing ids rather
 * than risk a duplicate. A crashed holder's id becomes free only when its lease expires.
 *
 * <pre>{@code
 * RedisWorkerIdAssigner worker = new RedisWorkerIdAssigner(jedis, 1, Duration.ofSeconds(30));
 * SnowflakeIdGenerator ids = new SnowflakeIdGenerator(
 *     SnowflakeConfig.custom().datacenterId(1).workerIdAssigner(worker).build());
 * }</pre>
 *
 * <p>Thread-safe; one instance assigns one id.
 */
public final class RedisWorkerIdAssigner implements WorkerIdAssigner, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RedisWorkerIdAssigner.class);

  private final RedisLease leases;
  private final long datacenterId;
  private final Duration ttl;
  private final String keyPrefix;
  private final ScheduledExecutorService renewer;
  private volatile RedisLease.Lease lease;
  private volatile long heldUntilNanos;
  private volatile boolean closed;

  /**
   * Creates the assigner; nothing is claimed until a config is built with it.
   *
   * @param jedis the client, owned by the caller
   * @param datacenterId the datacenter whose worker ids to claim
   * @param ttl lease lifetime, 3 s to 10 min (renewed every third)
   */
  public RedisWorkerIdAssigner(UnifiedJedis jedis, long datacenterId, Duration ttl) {
    this.leases = new RedisLease(Objects.requireNonNull(jedis, "jedis must not be null"));
    if (datacenterId < 0) {
      throw new IllegalArgumentException("datacenterId must not be negative, got " + datacenterId);
    }
    if (ttl.compareTo(Duration.ofSeconds(3)) < 0 || ttl.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("ttl must be between 3 s and 10 min, got " + ttl);
    }
    this.datacenterId = datacenterId;
    this.ttl = ttl;
    this.keyPrefix = "snowflake:worker:" + datacenterId + ":";
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "toutiao-worker-id-lease");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Claims the lowest free worker id and starts renewing it.
   *
   * @param layout the layout whose worker range to search
   * @return the claimed id
   * @throws IllegalStateException when every id in the range is taken, or one was claimed already
   */
  @Override
  public synchronized long assignWorkerId(SnowflakeLayout layout) {
    if (lease != null) {
      throw new IllegalStateException(
          "this assigner already holds worker id "
              + workerIdOf(lease)
              + "; use one assigner per generator");
    }
    for (long id = 0; id <= layout.maxWorkerId(); id++) {
      Optional<RedisLease.Lease> claimed = leases.tryAcquire(keyPrefix + id, ttl);
      if (claimed.isPresent()) {
        lease = claimed.get();
        heldUntilNanos = System.nanoTime() + ttl.toNanos();
        long period = Math.max(1, ttl.toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
        LOG.info("claimed Snowflake worker id {} in datacenter {} for {}", id, datacenterId, ttl);
        return id;
      }
    }
    throw new IllegalStateException(
        "all "
            + (layout.maxWorkerId() + 1)
            + " worker ids of datacenter "
            + datacenterId
            + " are leased by running processes; stop one, or use a layout with more worker bits");
  }

  private void renew() {
    RedisLease.Lease current = lease;
    if (current == null || closed) {
      return;
    }
    try {
      if (leases.renew(current, ttl)) {
        heldUntilNanos = System.nanoTime() + ttl.toNanos();
      } else {
        LOG.error(
            "Snowflake worker id {} was taken over; this process stops issuing ids",
            workerIdOf(current));
        heldUntilNanos = System.nanoTime();
      }
    } catch (RedisStoreException e) {
      LOG.warn(
          "could not renew Snowflake worker id {}; ids stop when the lease would expire",
          workerIdOf(current),
          e);
    }
  }

  /**
   * Tells whether the lease is still held: renewed within its TTL.
   *
   * @return false once it may have expired or was taken over
   */
  @Override
  public boolean isHeld() {
    return lease != null && !closed && System.nanoTime() - heldUntilNanos < 0;
  }

  /**
   * Returns the claimed worker id.
   *
   * @return the id, or -1 before {@link #assignWorkerId}
   */
  public long workerId() {
    RedisLease.Lease current = lease;
    return current == null ? -1 : workerIdOf(current);
  }

  private long workerIdOf(RedisLease.Lease current) {
    return Long.parseLong(current.key().substring(keyPrefix.length()));
  }

  /** Stops renewing and releases the id at once, so another process can take it. */
  @Override
  public synchronized void close() {
    closed = true;
    renewer.shutdownNow();
    RedisLease.Lease current = lease;
    if (current != null) {
      try {
        leases.release(current);
      } catch (RedisStoreException e) {
        LOG.warn(
            "could not release Snowflake worker id {}; it frees itself within {}",
            workerIdOf(current),
            ttl,
            e);
      }
    }
  }

  /** Stops renewing without releasing: what a crashed process looks like to Redis (for tests). */
  void abandon() {
    renewer.shutdownNow();
  }
}
