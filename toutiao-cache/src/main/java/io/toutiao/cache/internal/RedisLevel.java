package io.toutiao.cache.internal;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ClusterCommandObjects;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.Pool;

/**
 * The Redis level of a cache: runs each step (one command, or one pipeline) with its own deadline
 * and keeps the circuit breaker.
 *
 * <p><b>Deadlines.</b> On a single endpoint (standalone, Sentinel) a step borrows a connection from
 * the client's pool waiting at most the step timeout, and the connection's socket timeout is set to
 * what is left of it for the step (then put back), so a frozen Redis costs a step at most the
 * timeout; a connection that timed out is broken and leaves the pool. On a cluster client Jedis
 * routes the command and the client's own timeouts apply.
 *
 * <p><b>Breaker.</b> After {@code threshold} failed steps in a row the circuit opens for {@code
 * openFor}: {@link #allowed()} is false. After that, one probe (a PING in the background, so no
 * caller waits on it) runs; its success closes the circuit, its failure keeps it open for another
 * {@code openFor}. After a failure, a step that would have to make a new connection fails at once
 * instead (making one to a hung Redis blocks for the client's timeouts). Not part of the public
 * API; thread-safe.
 */
public final class RedisLevel {

  private static final Logger LOG = LoggerFactory.getLogger(RedisLevel.class);
  private static final CommandObjects STANDALONE = new CommandObjects();
  private static final CommandObjects CLUSTER = new ClusterCommandObjects();

  /**
   * Runs what may block on a hung Redis off the callers' threads: probes, and handing broken
   * connections back (the pool may make a replacement right then, with the client's timeouts).
   */
  private static final ExecutorService MAINTENANCE =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "toutiao-cache-redis-maintenance");
            thread.setDaemon(true);
            return thread;
          });

  /** Told when the circuit opens and closes. */
  public interface CircuitListener {
    /**
     * The circuit opened.
     *
     * @param cause the last failure
     */
    void opened(Throwable cause);

    /** The circuit closed. */
    void closed();
  }

  private final UnifiedJedis jedis;
  private final ClientAccess access;
  private final String name;
  private final int threshold;
  private final long openNanos;
  private final long stepNanos;
  private final CircuitListener listener;
  private final LongAdder errors;
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicBoolean probing = new AtomicBoolean();
  private final AtomicBoolean connecting = new AtomicBoolean();
  private volatile long openUntil;
  private volatile boolean lastFailureTimedOut;
  private volatile boolean open;

  /**
   * Creates the level.
   *
   * @param access the client
   * @param name the cache name, for logs
   * @param threshold failures in a row that open the circuit
   * @param openFor how long it stays open
   * @param stepTimeout the deadline of one step
   * @param listener told of circuit changes
   * @param errors counts failed steps
   */
  public RedisLevel(
      ClientAccess access,
      String name,
      int threshold,
      Duration openFor,
      Duration stepTimeout,
      CircuitListener listener,
      LongAdder errors) {
    this.jedis = access.jedis();
    this.access = access;
    this.name = name;
    this.threshold = threshold;
    this.openNanos = openFor.toNanos();
    this.stepNanos = stepTimeout.toNanos();
    this.listener = listener;
    this.errors = errors;
  }

  /**
   * Tells whether a read may use Redis now: the circuit is closed, or this caller is the one probe
   * of a circuit whose open period ended.
   *
   * @return true to use Redis
   */
  public boolean allowed() {
    if (!open) {
      return true;
    }
    if (System.nanoTime() - openUntil >= 0 && probing.compareAndSet(false, true)) {
      MAINTENANCE.execute(this::probe);
    }
    return false;
  }

  /** The half-open probe: one PING in the background, so no caller waits on a hung Redis. */
  private void probe() {
    try {
      execute(commands().ping(), true);
    } catch (JedisException e) {
      LOG.debug("cache '{}': Redis probe failed; circuit stays open", name, e);
    } finally {
      probing.set(false);
    }
  }

  /**
   * Tells whether the circuit is open (Redis is being bypassed).
   *
   * @return true when open
   */
  public boolean isOpen() {
    return open;
  }

  /**
   * Runs one command.
   *
   * @param command the command
   * @param <T> the reply type
   * @return the reply
   * @throws JedisException when Redis fails or the deadline passes (counted by the breaker)
   */
  public <T> T execute(CommandObject<T> command) {
    return execute(command, false);
  }

  private <T> T execute(CommandObject<T> command, boolean mayConnect) {
    Pool<Connection> pool = access.endpointPool();
    try {
      T reply;
      if (pool == null) {
        reply = jedis.executeCommand(command);
      } else {
        Borrowed borrowed = borrow(pool, mayConnect);
        try {
          reply = borrowed.connection().executeCommand(command);
        } finally {
          giveBack(pool, borrowed);
        }
      }
      succeeded();
      return reply;
    } catch (JedisException e) {
      failed(e);
      dropIdleIfDead(pool, e);
      throw e;
    }
  }

  /**
   * Runs commands in one pipeline (one round trip per node).
   *
   * @param body queues the commands; read the responses after this returns
   * @throws JedisException when Redis fails or the deadline passes (counted by the breaker)
   */
  public void pipeline(Consumer<AbstractPipeline> body) {
    Pool<Connection> pool = access.endpointPool();
    try {
      if (pool == null) {
        try (AbstractPipeline pipeline = jedis.pipelined()) {
          body.accept(pipeline);
          pipeline.sync();
        }
      } else {
        Borrowed borrowed = borrow(pool, false);
        try {
          Pipeline pipeline = new Pipeline(borrowed.connection(), false);
          body.accept(pipeline);
          pipeline.sync();
        } finally {
          giveBack(pool, borrowed);
        }
      }
      succeeded();
    } catch (JedisException e) {
      failed(e);
      dropIdleIfDead(pool, e);
      throw e;
    }
  }

  /**
   * A connection that died (reset, end of stream: Redis restarted) means its idle siblings died
   * too: they are dropped so the next step connects afresh. A timeout (Redis hung) drops nothing,
   * since connecting again would block.
   */
  /** A reply or a connection that did not come in time: Redis hangs (rather than is down). */
  private static boolean isTimeout(JedisException e) {
    if (e instanceof SuspectException) {
      return true;
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SocketTimeoutException
          || cause instanceof java.util.NoSuchElementException) {
        return true;
      }
    }
    return false;
  }

  /** A step refused at once because Redis just timed out and no idle connection is left. */
  private static final class SuspectException extends JedisConnectionException {
    private static final long serialVersionUID = 1L;

    SuspectException() {
      super("Redis timed out just before and the pool has no idle connection; not connecting now");
    }
  }

  private static void dropIdleIfDead(Pool<Connection> pool, JedisException e) {
    if (pool == null || !(e instanceof JedisConnectionException)) {
      return;
    }
    if (isTimeout(e)) {
      return;
    }
    try {
      pool.clear();
    } catch (RuntimeException ignored) {
      // best effort
    }
  }

  /**
   * Tells whether Jedis routes this client's commands over a cluster.
   *
   * @return true for a cluster client
   */
  public boolean routed() {
    return access.routed();
  }

  /**
   * Returns the command builders for this client (cluster commands carry their slot).
   *
   * @return the command objects
   */
  public CommandObjects commands() {
    return access.routed() ? CLUSTER : STANDALONE;
  }

  /** A connection borrowed for one step, with the socket timeout to restore. */
  private record Borrowed(Connection connection, int configuredTimeout) {}

  private Borrowed borrow(Pool<Connection> pool, boolean mayConnect) {
    long start = System.nanoTime();
    if (!mayConnect && !full(pool)) {
      // Borrowing from a pool below its size may make the connection on this thread, bounded only
      // by the client's timeouts (seconds against a hung Redis). The pool is filled in the
      // background instead; after a timeout nothing waits for that, and meanwhile a step uses an
      // idle connection or waits for one within its deadline.
      if (lastFailureTimedOut) {
        throw new SuspectException();
      }
      requestConnection(pool);
      while (pool.getNumIdle() == 0 && !full(pool)) {
        if (System.nanoTime() - start > stepNanos) {
          throw new JedisConnectionException(
              new java.util.NoSuchElementException(
                  "no Redis connection within "
                      + TimeUnit.NANOSECONDS.toMillis(stepNanos)
                      + " ms"));
        }
        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
      }
    }
    Connection connection;
    try {
      connection =
          pool.borrowObject(Duration.ofNanos(Math.max(1, stepNanos - (System.nanoTime() - start))));
    } catch (JedisException e) {
      throw e;
    } catch (Exception e) {
      throw new JedisConnectionException(
          "no Redis connection within " + TimeUnit.NANOSECONDS.toMillis(stepNanos) + " ms", e);
    }
    int configured = connection.getSoTimeout();
    long left = stepNanos - (System.nanoTime() - start);
    try {
      connection.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    } catch (RuntimeException e) {
      pool.returnBrokenResource(connection);
      throw e;
    }
    return new Borrowed(connection, configured);
  }

  private static boolean full(Pool<Connection> pool) {
    int max = pool.getMaxTotal();
    return max >= 0 && pool.getNumActive() + pool.getNumIdle() >= max;
  }

  /**
   * Fills the pool to its size in the background, one connection at a time, unless that is under
   * way already.
   */
  private void requestConnection(Pool<Connection> pool) {
    if (full(pool) || !connecting.compareAndSet(false, true)) {
      return;
    }
    try {
      MAINTENANCE.execute(
          () -> {
            try {
              while (!full(pool) && !lastFailureTimedOut) {
                pool.addObject();
              }
            } catch (Exception e) {
              LOG.debug("cache '{}': cannot connect to Redis", name, e);
            } finally {
              connecting.set(false);
            }
          });
    } catch (RuntimeException e) {
      connecting.set(false);
    }
  }

  private static void giveBack(Pool<Connection> pool, Borrowed borrowed) {
    Connection connection = borrowed.connection();
    if (connection.isBroken()) {
      MAINTENANCE.execute(
          () -> {
            try {
              pool.returnBrokenResource(connection);
            } catch (RuntimeException e) {
              // the pool could not make a replacement (Redis hangs): it tries again on demand
              LOG.debug("broken Redis connection handed back; no replacement yet", e);
            }
          });
      return;
    }
    try {
      connection.setSoTimeout(borrowed.configuredTimeout());
      pool.returnResource(connection);
    } catch (RuntimeException e) {
      pool.returnBrokenResource(connection);
    }
  }

  /** Records a step that succeeded: failures in a row start again, an open circuit closes. */
  private void succeeded() {
    if (consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
      lastFailureTimedOut = false;
    }
    if (open) {
      open = false;
      LOG.info("cache '{}': Redis answers again; circuit closed", name);
      listener.closed();
    }
  }

  /** Records a failed step; enough in a row (or one while open) open the circuit. */
  private void failed(JedisException e) {
    errors.increment();
    lastFailureTimedOut = isTimeout(e);
    if (consecutiveFailures.incrementAndGet() >= threshold || open) {
      boolean wasClosed = !open;
      openUntil = System.nanoTime() + openNanos;
      open = true;
      if (wasClosed) {
        LOG.warn(
            "cache '{}': Redis failed {} times in a row; reading through to the loader for {} ms",
            name,
            consecutiveFailures.get(),
            TimeUnit.NANOSECONDS.toMillis(openNanos),
            e);
        listener.opened(e);
      }
    }
  }
}
