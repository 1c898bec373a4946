package io.toutiao.cache.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Runs jobs (such as the nightly counter correction) daily at a local time or at a fixed interval,
 * where each run happens on <b>one instance of the fleet only</b>: every instance schedules the
 * job, the first to claim the occurrence in Redis ({@code job:<name>:run:<scheduled instant>},
 * {@code SET NX}) runs it under a renewed lease ({@code job:<name>:lease}), the others skip it. The
 * last run (node, start, end, outcome, error) is kept in Redis for every instance to read.
 *
 * <pre>{@code
 * JobScheduler jobs = new JobScheduler(jedis, "api-3");
 * jobs.scheduleDaily("count-correction", LocalTime.of(3, 0), ZoneId.of("Asia/Shanghai"), correction::run);
 * jobs.runNow("count-correction");          // on demand, still one instance at a time
 * }</pre>
 *
 * <p>Thread-safe. Close it to stop scheduling.
 */
public final class JobScheduler implements AutoCloseable {

  /**
   * A finished (or running) run of a job, as stored in Redis.
   *
   * @param job the job name
   * @param node the instance that ran it
   * @param startedAt when it started
   * @param endedAt when it ended, or null while running
   * @param outcome {@code running}, {@code succeeded} or {@code failed}
   * @param error the failure's class and message, or null
   */
  public record JobRun(
      String job, String node, Instant startedAt, Instant endedAt, String outcome, String error) {}

  private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);
  private static final Duration LEASE_TTL = Duration.ofSeconds(30);

  private final UnifiedJedis jedis;
  private final RedisLease leases;
  private final String node;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final Map<String, Runnable> jobs = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> schedules = new ConcurrentHashMap<>();

  /**
   * Creates a scheduler on the system clock.
   *
   * @param jedis the client, owned by the caller
   * @param node this instance's name, shown in run history
   */
  public JobScheduler(UnifiedJedis jedis, String node) {
    this(jedis, node, Clock.systemDefaultZone());
  }

  /**
   * Creates a scheduler.
   *
   * @param jedis the client, owned by the caller
   * @param node this instance's name
   * @param clock decides when daily jobs are due
   */
  public JobScheduler(UnifiedJedis jedis, String node, Clock clock) {
    this.jedis = Objects.requireNonNull(jedis, "jedis must not be null");
    this.leases = new RedisLease(jedis);
    this.node = Objects.requireNonNull(node, "node must not be null");
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
    this.executor =
        Executors.newScheduledThreadPool(
            2,
            runnable -> {
              Thread thread = new Thread(runnable, "toutiao-jobs");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Runs a job every day at a local time (the reference corrects counters at 03:00).
   *
   * @param name the job name, 1-64 characters of {@code A-Za-z0-9._-}
   * @param at the local time
   * @param zone the time zone of {@code at}
   * @param job what to run; its exceptions are recorded as a failed run
   */
  public void scheduleDaily(String name, LocalTime at, ZoneId zone, Runnable job) {
    register(name, job);
    scheduleNextDaily(name, at, zone);
  }

  private void scheduleNextDaily(String name, LocalTime at, ZoneId zone) {
    ZonedDateTime now = ZonedDateTime.now(clock.withZone(zone));
    ZonedDateTime next = now.with(at);
    if (!next.isAfter(now)) {
      next = next.plusDays(1);
    }
    Instant occurrence = next.toInstant();
    long delay = Duration.between(now.toInstant(), occurrence).toMillis();
    schedules.put(
        name,
        executor.schedule(
            () -> {
              runOccurrence(name, occurrence, Duration.ofHours(23));
              scheduleNextDaily(name, at, zone);
            },
            delay,
            TimeUnit.MILLISECONDS));
  }

  /**
   * Runs a job at a fixed interval, just after each multiple of the interval since the epoch (so
   * all instances agree on the occurrence).
   *
   * @param name the job name
   * @param interval at least 1 s
   * @param job what to run
   */
  public void scheduleEvery(String name, Duration interval, Runnable job) {
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("interval must be at least 1 s, got " + interval);
    }
    register(name, job);
    long millis = interval.toMillis();
    // Every instance fires a tenth of an interval after the same epoch-aligned boundary, so all of
    // them name the occurrence by that boundary even when their clocks and timers differ a little.
    long firstDelay = millis - Math.floorMod(clock.millis(), millis) + millis / 10;
    schedules.put(
        name,
        executor.scheduleAtFixedRate(
            () -> {
              long slot = Math.floorDiv(clock.millis(), millis) * millis;
              runOccurrence(name, Instant.ofEpochMilli(slot), interval.dividedBy(2));
            },
            firstDelay,
            millis,
            TimeUnit.MILLISECONDS));
  }

  /**
   * Runs a registered job now, unless another instance is running it.
   *
   * @param name the job name
   * @return true when it ran here (successfully or not), false when another instance holds it
   */
  public boolean runNow(String name) {
    Runnable job = jobs.get(name);
    if (job == null) {
      throw new IllegalArgumentException("no job named '" + name + "' is registered");
    }
    return runGuarded(name, job);
  }

  private void register(String name, Runnable job) {
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(job, "job must not be null");
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "job name must be 1-64 characters of A-Za-z0-9._-, got '" + name + "'");
    }
    if (jobs.putIfAbsent(name, job) != null) {
      throw new IllegalStateException("a job named '" + name + "' is already scheduled");
    }
  }

  private void runOccurrence(String name, Instant occurrence, Duration claimFor) {
    try {
      String claim = "job:" + name + ":run:" + occurrence.toEpochMilli();
      String reply =
          jedis.set(
              claim, node, SetParams.setParams().nx().px(Math.max(1000, claimFor.toMillis())));
      if (!"OK".equals(reply)) {
        LOG.debug("job '{}' at {} is claimed by another instance", name, occurrence);
        return;
      }
      runGuarded(name, jobs.get(name));
    } catch (JedisException | RedisStoreException e) {
      LOG.warn(
          "job '{}' at {} skipped: Redis is unavailable to decide which instance runs it",
          name,
          occurrence,
          e);
    }
  }

  private boolean runGuarded(String name, Runnable job) {
    Optional<RedisLease.Lease> lease = leases.tryAcquire("job:" + name + ":lease", LEASE_TTL);
    if (lease.isEmpty()) {
      return false;
    }
    ScheduledFuture<?> renewal =
        executor.scheduleWithFixedDelay(
            () -> {
              try {
                leases.renew(lease.get(), LEASE_TTL);
              } catch (RedisStoreException e) {
                LOG.warn("could not renew the lease of job '{}'", name, e);
              }
            },
            LEASE_TTL.toMillis() / 3,
            LEASE_TTL.toMillis() / 3,
            TimeUnit.MILLISECONDS);
    Instant started = clock.instant();
    record(name, new JobRun(name, node, started, null, "running", null));
    try {
      job.run();
      record(name, new JobRun(name, node, started, clock.instant(), "succeeded", null));
    } catch (RuntimeException e) {
      LOG.error("job '{}' failed", name, e);
      record(
          name,
          new JobRun(
              name,
              node,
              started,
              clock.instant(),
              "failed",
              e.getClass().getName() + ": " + e.getMessage()));
    } finally {
      renewal.cancel(false);
      try {
        leases.release(lease.get());
      } catch (RedisStoreException e) {
        LOG.warn("could not release the lease of job '{}'; it expires by itself", name, e);
      }
    }
    return true;
  }

  private void record(String name, JobRun run) {
    Map<String, String> fields = new HashMap<>();
    fields.put("node", run.node());
    fields.put("startedAt", run.startedAt().toString());
    fields.put("endedAt", run.endedAt() == null ? "" : run.endedAt().toString());
    fields.put("outcome", run.outcome());
    fields.put("error", run.error() == null ? "" : run.error());
    try {
      jedis.hset("job:" + name + ":last", fields);
    } catch (JedisException e) {
      LOG.warn("could not record the run of job '{}'", name, e);
    }
  }

  /**
   * Returns the last run of a job on any instance.
   *
   * @param name the job name
   * @return the run, or empty when it never ran
   */
  public Optional<JobRun> lastRun(String name) {
    Map<String, String> fields;
    try {
      fields = jedis.hgetAll("job:" + name + ":last");
    } catch (JedisException e) {
      throw new RedisStoreException("could not read the history of job '" + name + "'", e);
    }
    if (fields.isEmpty()) {
      return Optional.empty();
    }
    String ended = fields.getOrDefault("endedAt", "");
    String error = fields.getOrDefault("error", "");
    return Optional.of(
        new JobRun(
            name,
            fields.get("node"),
            Instant.parse(fields.get("startedAt")),
            ended.isEmpty() ? null : Instant.parse(ended),
            fields.get("outcome"),
            error.isEmpty() ? null : error));
  }

  /** Stops scheduling; a running job finishes. */
  @Override
  public void close() {
    schedules.values().forEach(future -> future.cancel(false));
    executor.shutdown();
  }
}
