package io.toutiao.cache.redis;

import io.toutiao.cache.internal.SlotKeys;
import io.toutiao.core.id.LeasedWorkerIdAssigner;
import io.toutiao.core.id.SnowflakeLayout;
import io.toutiao.core.id.WorkerLease;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Leases a free Snowflake worker id from Redis, so containers that share an image never share an
 * id, and keeps it for as long as the process runs, re-acquiring it (or another) when it is lost.
 *
 * <pre>{@code
 * RedisWorkerIdAssigner worker = RedisWorkerIdAssigner.builder(jedis).datacenterId(1).build();
 * SnowflakeIdGenerator ids = new SnowflakeIdGenerator(
 *     SnowflakeConfig.custom().datacenterId(1).workerIdAssigner(worker).build());
 * }</pre>
 *
 * <p><b>How duplicates are excluded.</b> A lease is the key {@code snowflake:worker:<dc>:<id>}
 * ({@code SET NX PX ttl}, renewed every third of the TTL) plus a window of id timestamps. The
 * generator issues an id only if the timestamp written into it lies in the window (checked when the
 * id is committed, see {@link io.toutiao.core.id.WorkerLease}), so pausing the process anywhere
 * cannot let an id escape. The window ends at {@code sent + ttl}, where {@code sent} is this
 * process's clock read <em>before</em> the acquire or renewal request was sent (a late reply cannot
 * stretch it), and that end is recorded atomically in a companion hash that never expires ({@code
 * snowflake:worker:<dc>:<id>:window:{n}}, same slot). A new holder's window starts at the recorded
 * end, so it cannot overlap any earlier holder's, however early the lease key vanished (expiry,
 * eviction, a Redis clock jump, deletion). When the record itself is missing (a new or emptied
 * Redis, a restart without persistence), an earlier holder may have had a window up to one TTL past
 * its last renewal, so the window starts at {@code now + ttl + maxClockSkew}: this is the only
 * place the clock-skew bound between hosts matters. Re-acquiring its own id with the record
 * unchanged since its last write, a holder continues at once.
 *
 * <p><b>Waiting.</b> {@link #assignWorkerId} (called when the config is built) waits until the
 * first window opens: at most {@code ttl + maxClockSkew} on an empty Redis, the previous holder's
 * remaining window otherwise, usually nothing. While no window is open, {@code nextId} throws the
 * retryable {@link io.toutiao.core.id.WorkerIdUnavailableException}; renewal failures are retried
 * every {@value #RETRY_MILLIS} ms, so ids flow again within about a second of Redis answering.
 *
 * <p><b>Replication.</b> With {@link Builder#replicasToAcknowledge(int)} {@code n > 0} (Sentinel or
 * Cluster with replicas), every acquire and renewal is followed by {@code WAIT n} on the same
 * connection, and the window is extended only when {@code n} replicas have the write: a failover to
 * one of them cannot lose it.
 *
 * <p>Thread-safe; one instance leases one id for one generator. Redis failures are logged once per
 * incident; they never reach {@code nextId} except as the lease running out.
 */
public final class RedisWorkerIdAssigner implements LeasedWorkerIdAssigner, AutoCloseable {

  /** Default lease lifetime: {@value} seconds. */
  public static final long DEFAULT_TTL_SECONDS = 30;

  /** Default bound on the clock difference between hosts: {@value} ms. */
  public static final long DEFAULT_MAX_CLOCK_SKEW_MILLIS = 1000;

  /** Delay between attempts while the lease is lost or renewals fail: {@value} ms. */
  public static final long RETRY_MILLIS = 250;

  private static final Logger LOG = LoggerFactory.getLogger(RedisWorkerIdAssigner.class);

  /** KEYS: lease, window record; ARGV: token, ttl ms, proposed window end, owner. */
  private static final String ACQUIRE =
      "if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end "
          + "local rec = redis.call('HMGET', KEYS[2], 'end', 'holder') "
          + "local e = tonumber(ARGV[3]) "
          + "if rec[1] and tonumber(rec[1]) > e then e = tonumber(rec[1]) end "
          + "redis.call('HSET', KEYS[2], 'end', string.format('%d', e), 'holder', ARGV[4]) "
          + "return {1, rec[1] or '', rec[2] or ''}";

  private static final String RENEW =
      "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end "
          + "redis.call('PEXPIRE', KEYS[1], ARGV[2]) "
          + "local prev = redis.call('HGET', KEYS[2], 'end') "
          + "local e = tonumber(ARGV[3]) "
          + "if prev and tonumber(prev) > e then e = tonumber(prev) end "
          + "redis.call('HSET', KEYS[2], 'end', string.format('%d', e), 'holder', ARGV[4]) "
          + "return 1";

  private static final String RELEASE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

  private final UnifiedJedis jedis;
  private final long datacenterId;
  private final long ttlMillis;
  private final long skewMillis;
  private final int replicas;
  private final long replicaTimeoutMillis;
  private final InstantSource clock;
  private final String keyPrefix;
  private final String owner = randomToken();
  private final ScheduledExecutorService renewer;

  private SnowflakeLayout layout;
  private volatile WorkerLease current;
  private volatile boolean closed;
  // Written by the renewer thread (and by assignWorkerId before it starts), read by it only.
  private volatile String token;
  private volatile long heldWorkerId = -1;
  private boolean failing;

  private RedisWorkerIdAssigner(Builder builder) {
    this.jedis = builder.jedis;
    this.datacenterId = builder.datacenterId;
    this.ttlMillis = builder.ttl.toMillis();
    this.skewMillis = builder.maxClockSkew.toMillis();
    this.replicas = builder.replicas;
    this.replicaTimeoutMillis = builder.replicaTimeout.toMillis();
    this.clock = builder.clock;
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
   * Creates an assigner with the defaults but for the datacenter and TTL.
   *
   * @param jedis the client, owned by the caller
   * @param datacenterId the datacenter whose worker ids to lease
   * @param ttl lease lifetime, 3 s to 10 min
   */
  public RedisWorkerIdAssigner(UnifiedJedis jedis, long datacenterId, Duration ttl) {
    this(builder(jedis).datacenterId(datacenterId).ttl(ttl).validate());
  }

  /**
   * Starts describing an assigner.
   *
   * @param jedis the client (standalone, Sentinel or Cluster), owned by the caller
   * @return a builder
   */
  public static Builder builder(UnifiedJedis jedis) {
    return new Builder(Objects.requireNonNull(jedis, "jedis must not be null"));
  }

  /**
   * Leases a worker id for a config of this assigner's datacenter without checking it; prefer the
   * two-argument form, which the config calls.
   *
   * @param layout the layout whose worker range to search
   * @return the leased id
   */
  @Override
  public long assignWorkerId(SnowflakeLayout layout) {
    return assignWorkerId(layout, datacenterId);
  }

  /**
   * Leases the lowest free worker id, waits until its window opens and starts renewing it.
   *
   * @param layout the layout whose worker range to search
   * @param configDatacenterId the datacenter of the config being built; must be this assigner's
   * @return the leased id
   * @throws IllegalStateException when the datacenter differs, every id is taken, one was leased
   *     already, or the window does not open in time
   * @throws RedisStoreException when Redis cannot be reached
   */
  @Override
  public synchronized long assignWorkerId(SnowflakeLayout layout, long configDatacenterId) {
    Objects.requireNonNull(layout, "layout must not be null");
    if (configDatacenterId != datacenterId) {
      throw new IllegalStateException(
          "this assigner leases worker ids of datacenter "
              + datacenterId
              + ", but the config is for datacenter "
              + configDatacenterId
              + "; build the assigner with datacenterId("
              + configDatacenterId
              + ")");
    }
    if (this.layout != null || closed) {
      throw new IllegalStateException(
          "this assigner was used already (worker id "
              + heldWorkerId
              + "); use one assigner per generator");
    }
    this.layout = layout;
    WorkerLease lease = acquire(-1);
    if (lease == null) {
      this.layout = null;
      throw new IllegalStateException(
          "all "
              + (layout.maxWorkerId() + 1)
              + " worker ids of datacenter "
              + datacenterId
              + " are leased by running processes; stop one, or use a layout with more worker bits");
    }
    renewer.schedule(this::maintain, ttlMillis / 3, TimeUnit.MILLISECONDS);
    awaitOpen(lease);
    LOG.info(
        "leased Snowflake worker id {} in datacenter {} for {} ms",
        lease.workerId(),
        datacenterId,
        ttlMillis);
    return lease.workerId();
  }

  /**
   * Waits until the window contains the clock. A window that starts later (an earlier holder's end,
   * or one TTL on an empty Redis) is kept open meanwhile by the renewals already running.
   */
  private void awaitOpen(WorkerLease first) {
    long waitMillis = first.fromMillis() - clock.millis();
    if (waitMillis > 0) {
      LOG.info(
          "worker id {} admits ids from {} on (an earlier holder's window may reach until then); waiting {} ms",
          first.workerId(),
          Instant.ofEpochMilli(first.fromMillis()),
          waitMillis);
    }
    long deadline =
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * ttlMillis + skewMillis + 5_000);
    while (!isHeld()) {
      if (System.nanoTime() > deadline) {
        release();
        throw new IllegalStateException(
            "the window of worker id "
                + first.workerId()
                + " did not open by "
                + Instant.ofEpochMilli(first.fromMillis())
                + " (Redis stopped answering, or the clock does not advance as expected)");
      }
      sleep(20);
    }
  }

  /** Renews the lease, or re-acquires one when it was lost; runs on the renewer thread. */
  private void maintain() {
    if (closed) {
      return;
    }
    boolean healthy;
    try {
      healthy = token != null ? renew() : acquire(heldWorkerId) != null;
      if (failing && healthy) {
        LOG.info("Snowflake worker id {} is leased again", heldWorkerId);
      }
      failing = !healthy;
    } catch (RuntimeException e) {
      if (!failing) {
        LOG.warn(
            "could not renew Snowflake worker id {}; ids stop when its window ends at {}, retrying every {} ms",
            heldWorkerId,
            windowEnd(),
            RETRY_MILLIS,
            e);
      }
      failing = true;
      healthy = false;
    }
    if (!closed) {
      renewer.schedule(
          this::maintain, healthy ? ttlMillis / 3 : RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private String windowEnd() {
    WorkerLease lease = current;
    return lease == null ? "(none)" : Instant.ofEpochMilli(lease.untilMillis()).toString();
  }

  private boolean renew() {
    String key = keyPrefix + heldWorkerId;
    long sentAt = clock.millis();
    Object reply = replicated(key, RENEW, token, sentAt + ttlMillis);
    if (reply == null) {
      return false; // not acknowledged by enough replicas: the window is not extended
    }
    if (!Long.valueOf(1).equals(reply)) {
      LOG.warn(
          "the lease of Snowflake worker id {} was lost (expired or taken over); re-acquiring",
          heldWorkerId);
      token = null;
      // The window held so far stays valid: any new holder's window starts after its end.
      return acquire(heldWorkerId) != null;
    }
    WorkerLease lease = current;
    long until = Math.max(lease == null ? 0 : lease.untilMillis(), sentAt + ttlMillis);
    current =
        new WorkerLease(heldWorkerId, lease == null ? Long.MIN_VALUE : lease.fromMillis(), until);
    return true;
  }

  /**
   * Tries the preferred id first (-1 for none), then every id of the layout; publishes the lease.
   *
   * @return the new lease, or null when every id is taken (or unacknowledged by replicas)
   */
  private WorkerLease acquire(long preferred) {
    for (long index = preferred >= 0 ? -1 : 0; index <= layout.maxWorkerId(); index++) {
      long id = index < 0 ? preferred : index;
      if (index >= 0 && id == preferred) {
        continue;
      }
      String key = keyPrefix + id;
      String newToken = randomToken();
      long sentAt = clock.millis();
      Object reply = replicated(key, ACQUIRE, newToken, sentAt + ttlMillis);
      long receivedAt = clock.millis();
      if (!(reply instanceof List<?> fields) || !Long.valueOf(1).equals(fields.get(0))) {
        if (reply == null) {
          releaseQuietly(key, newToken);
        }
        continue;
      }
      String previousEnd = text(fields.get(1));
      String previousHolder = text(fields.get(2));
      long from;
      if (previousEnd.isEmpty()) {
        // No record: a holder whose record was lost may have a window until its last renewal
        // (before now, up to the skew between clocks) plus one TTL.
        from = receivedAt + ttlMillis + skewMillis;
      } else if (previousHolder.equals(owner)) {
        from = Long.MIN_VALUE; // nobody else held it since this process did
      } else {
        from = Long.parseLong(previousEnd);
      }
      token = newToken;
      heldWorkerId = id;
      WorkerLease lease = new WorkerLease(id, from, sentAt + ttlMillis);
      current = lease;
      return lease;
    }
    return null;
  }

  /**
   * Runs a lease script, followed by {@code WAIT} on the same connection when replicas must
   * acknowledge it.
   *
   * @return the script's reply, or null when too few replicas acknowledged it
   */
  private Object replicated(String key, String script, String leaseToken, long proposedEnd) {
    List<String> keys = List.of(key, SlotKeys.companion(key, ":window"));
    List<String> args =
        List.of(leaseToken, Long.toString(ttlMillis), Long.toString(proposedEnd), owner);
    try {
      if (replicas == 0) {
        return jedis.eval(script, keys, args);
      }
      try (AbstractPipeline pipeline = jedis.pipelined()) {
        Response<Object> reply = pipeline.eval(script, keys, args);
        Response<Long> acknowledged = pipeline.waitReplicas(key, replicas, replicaTimeoutMillis);
        pipeline.sync();
        if (acknowledged.get() < replicas) {
          LOG.warn(
              "a lease write for {} reached {} of {} replicas within {} ms; not counted",
              key,
              acknowledged.get(),
              replicas,
              replicaTimeoutMillis);
          return null;
        }
        return reply.get();
      }
    } catch (JedisException e) {
      throw new RedisStoreException("lease operation on " + key + " failed: " + e.getMessage(), e);
    }
  }

  private static String text(Object value) {
    if (value instanceof byte[] bytes) {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
    return value == null ? "" : value.toString();
  }

  private void releaseQuietly(String key, String leaseToken) {
    try {
      jedis.eval(RELEASE, List.of(key), List.of(leaseToken));
    } catch (JedisException e) {
      // it expires by itself
    }
  }

  @Override
  public WorkerLease currentLease() {
    return closed ? null : current;
  }

  /**
   * Tells whether ids can be issued now: a lease is held and its window contains the clock.
   *
   * @return true while a window is open
   */
  @Override
  public boolean isHeld() {
    WorkerLease lease = currentLease();
    return lease != null && lease.allows(clock.millis());
  }

  /**
   * Returns the worker id leased now (it changes if a lost lease is re-acquired as another id).
   *
   * @return the id, or -1 before {@link #assignWorkerId}
   */
  public long workerId() {
    WorkerLease lease = current;
    return lease == null ? -1 : lease.workerId();
  }

  /** Same as {@link #close()}: gives the lease back when the config build failed. */
  @Override
  public void release() {
    close();
  }

  /**
   * Stops renewing and deletes the lease key, so another process can take the id at once (its
   * window starts where this one's ended). The generator issues no more ids.
   */
  @Override
  public void close() {
    closed = true;
    renewer.shutdownNow();
    try {
      renewer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      String held = token;
      if (held != null) {
        releaseQuietly(keyPrefix + heldWorkerId, held);
        token = null;
      }
    }
  }

  /** Stops renewing without releasing: what a crashed process looks like to Redis (for tests). */
  void abandon() {
    renewer.shutdownNow();
  }

  private static String randomToken() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the worker id window", e);
    }
  }

  @Override
  public String toString() {
    return "RedisWorkerIdAssigner[datacenter "
        + datacenterId
        + ", worker "
        + workerId()
        + ", ttl "
        + ttlMillis
        + " ms]";
  }

  /** Describes an assigner; {@link #build()} validates it. Not thread-safe. */
  public static final class Builder {
    private final UnifiedJedis jedis;
    private long datacenterId;
    private Duration ttl = Duration.ofSeconds(DEFAULT_TTL_SECONDS);
    private Duration maxClockSkew = Duration.ofMillis(DEFAULT_MAX_CLOCK_SKEW_MILLIS);
    private int replicas;
    private Duration replicaTimeout = Duration.ofSeconds(1);
    private InstantSource clock = InstantSource.system();

    private Builder(UnifiedJedis jedis) {
      this.jedis = jedis;
    }

    /**
     * Sets the datacenter whose worker ids are leased (default 0); the config must use the same.
     *
     * @param value 0 or more
     * @return this builder
     */
    public Builder datacenterId(long value) {
      datacenterId = value;
      return this;
    }

    /**
     * Sets the lease lifetime (default {@value #DEFAULT_TTL_SECONDS} s): how long ids keep flowing
     * without Redis, how long a crashed holder's id stays taken, and the longest wait for a first
     * window on an empty Redis.
     *
     * @param value 3 s to 10 min
     * @return this builder
     */
    public Builder ttl(Duration value) {
      ttl = Objects.requireNonNull(value, "ttl must not be null");
      return this;
    }

    /**
     * Sets the largest difference between the clocks of any two hosts using these leases (default
     * {@value #DEFAULT_MAX_CLOCK_SKEW_MILLIS} ms). Used only when a window record is missing.
     *
     * @param value 0 to 1 min
     * @return this builder
     */
    public Builder maxClockSkew(Duration value) {
      maxClockSkew = Objects.requireNonNull(value, "maxClockSkew must not be null");
      return this;
    }

    /**
     * Sets how many replicas must acknowledge every lease write ({@code WAIT}) before it counts
     * (default 0). Use 1 with Sentinel or a Cluster with replicas.
     *
     * @param value 0 to 16
     * @return this builder
     */
    public Builder replicasToAcknowledge(int value) {
      replicas = value;
      return this;
    }

    /**
     * Sets how long to wait for the replicas' acknowledgement (default 1 s).
     *
     * @param value 10 ms to the TTL
     * @return this builder
     */
    public Builder replicaTimeout(Duration value) {
      replicaTimeout = Objects.requireNonNull(value, "replicaTimeout must not be null");
      return this;
    }

    /**
     * Sets the clock of the window timestamps; must be the generator's clock (default the system
     * clock, as the generator's).
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(InstantSource value) {
      clock = Objects.requireNonNull(value, "clock must not be null");
      return this;
    }

    private Builder validate() {
      if (datacenterId < 0) {
        throw new IllegalArgumentException(
            "datacenterId must not be negative, got " + datacenterId);
      }
      if (ttl.compareTo(Duration.ofSeconds(3)) < 0 || ttl.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("ttl must be between 3 s and 10 min, got " + ttl);
      }
      if (maxClockSkew.isNegative() || maxClockSkew.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "maxClockSkew must be between 0 and 1 min, got " + maxClockSkew);
      }
      if (replicas < 0 || replicas > 16) {
        throw new IllegalArgumentException(
            "replicasToAcknowledge must be between 0 and 16, got " + replicas);
      }
      if (replicaTimeout.compareTo(Duration.ofMillis(10)) < 0
          || replicaTimeout.compareTo(ttl) > 0) {
        throw new IllegalArgumentException(
            "replicaTimeout must be between 10 ms and the ttl ("
                + ttl
                + "), got "
                + replicaTimeout);
      }
      return this;
    }

    /**
     * Validates and builds the assigner; nothing is leased until a config is built with it.
     *
     * @return the assigner
     * @throws IllegalArgumentException naming a setting outside its range
     */
    public RedisWorkerIdAssigner build() {
      return new RedisWorkerIdAssigner(validate());
    }
  }
}
