package io.toutiao.testing.internal;

import io.toutiao.testing.FaultProxy.Direction;
import io.toutiao.testing.FaultProxy.Hold;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The faults of one {@code FaultProxy}, read by every connection for every chunk and changed by the
 * test at any time. Waiting connections are woken through this object's monitor whenever a setting
 * changes. Not part of the public API.
 */
public final class ProxySettings {

  private static final int DIRECTIONS = Direction.values().length;

  private volatile boolean frozen;
  private volatile boolean dropNewConnections;
  private volatile long healGeneration;
  private final AtomicLongArray delayNanos = new AtomicLongArray(DIRECTIONS);
  private final AtomicLongArray jitterNanos = new AtomicLongArray(DIRECTIONS);
  private final AtomicLongArray bytesPerSecond = new AtomicLongArray(DIRECTIONS);
  private final AtomicReferenceArray<ByteLimit> limits = new AtomicReferenceArray<>(DIRECTIONS);
  private final AtomicReferenceArray<ChunkHold> pendingHolds =
      new AtomicReferenceArray<>(DIRECTIONS);
  private final Set<ChunkHold> activeHolds = ConcurrentHashMap.newKeySet();
  private final LongAdder[] forwarded = {new LongAdder(), new LongAdder()};
  private long limitGeneration;

  /** A byte budget per connection, numbered so a connection sees when a new one was set. */
  public record ByteLimit(long bytes, long generation) {}

  /**
   * Sets the latency of one direction.
   *
   * @param direction the direction
   * @param delay fixed part
   * @param jitter largest random extra
   */
  public void latency(Direction direction, Duration delay, Duration jitter) {
    delayNanos.set(direction.ordinal(), delay.toNanos());
    jitterNanos.set(direction.ordinal(), jitter.toNanos());
    changed();
  }

  /**
   * Draws the delay of one chunk.
   *
   * @param direction the direction
   * @return nanoseconds to wait, 0 for none
   */
  public long drawDelayNanos(Direction direction) {
    long delay = delayNanos.get(direction.ordinal());
    long jitter = jitterNanos.get(direction.ordinal());
    return jitter == 0 ? delay : delay + ThreadLocalRandom.current().nextLong(jitter + 1);
  }

  /**
   * Sets or clears the freeze.
   *
   * @param frozen true to freeze
   */
  public void frozen(boolean frozen) {
    this.frozen = frozen;
    changed();
  }

  /**
   * Tells whether the proxy is frozen.
   *
   * @return true when frozen
   */
  public boolean frozen() {
    return frozen;
  }

  /**
   * Blocks while the proxy is frozen.
   *
   * @throws InterruptedException when the connection closes meanwhile
   */
  public synchronized void awaitThawed() throws InterruptedException {
    while (frozen) {
      wait();
    }
  }

  /**
   * Waits until {@code dueNanos} ({@link System#nanoTime()} scale), returning early when the faults
   * are healed after {@code generation}.
   *
   * @param dueNanos when the chunk is due
   * @param generation {@link #healGeneration()} when the chunk was read
   * @throws InterruptedException when the connection closes meanwhile
   */
  public synchronized void awaitDue(long dueNanos, long generation) throws InterruptedException {
    while (healGeneration == generation) {
      long remaining = dueNanos - System.nanoTime();
      if (remaining <= 0) {
        return;
      }
      TimeUnit.NANOSECONDS.timedWait(this, remaining);
    }
  }

  /**
   * Returns a number that changes whenever the faults are healed.
   *
   * @return the generation
   */
  public long healGeneration() {
    return healGeneration;
  }

  /**
   * Sets a hold for the next chunk in one direction, replacing one that caught nothing yet.
   *
   * @param direction the direction
   * @param duration how long to hold
   * @return the hold
   */
  public Hold hold(Direction direction, Duration duration) {
    ChunkHold hold = new ChunkHold(direction, duration);
    ChunkHold replaced = pendingHolds.getAndSet(direction.ordinal(), hold);
    if (replaced != null) {
      replaced.released.countDown();
    }
    return hold;
  }

  /**
   * Takes the pending hold of a direction for the chunk about to be written, if any.
   *
   * @param direction the direction
   * @return the hold now caught, or null
   */
  public ChunkHold claimHold(Direction direction) {
    ChunkHold hold = pendingHolds.getAndSet(direction.ordinal(), null);
    if (hold != null) {
      activeHolds.add(hold);
      hold.captured.countDown();
    }
    return hold;
  }

  /**
   * Sets or clears the dropping of new connections.
   *
   * @param drop true to drop
   */
  public void dropNewConnections(boolean drop) {
    dropNewConnections = drop;
  }

  /**
   * Tells whether new connections are dropped.
   *
   * @return true when dropped
   */
  public boolean dropNewConnections() {
    return dropNewConnections;
  }

  /**
   * Sets the bandwidth limit of a direction.
   *
   * @param direction the direction
   * @param limit bytes per second, 0 for none
   */
  public void bandwidth(Direction direction, long limit) {
    bytesPerSecond.set(direction.ordinal(), limit);
    changed();
  }

  /**
   * Returns the bandwidth limit of a direction.
   *
   * @param direction the direction
   * @return bytes per second, 0 for none
   */
  public long bandwidth(Direction direction) {
    return bytesPerSecond.get(direction.ordinal());
  }

  /**
   * Sets the byte budget of a direction.
   *
   * @param direction the direction
   * @param bytes the budget, -1 for none
   */
  public synchronized void closeAfter(Direction direction, long bytes) {
    limits.set(direction.ordinal(), bytes < 0 ? null : new ByteLimit(bytes, ++limitGeneration));
  }

  /**
   * Returns the byte budget of a direction.
   *
   * @param direction the direction
   * @return the limit, or null for none
   */
  public ByteLimit closeAfter(Direction direction) {
    return limits.get(direction.ordinal());
  }

  /**
   * Counts forwarded bytes.
   *
   * @param direction the direction
   * @param bytes how many
   */
  public void countForwarded(Direction direction, int bytes) {
    forwarded[direction.ordinal()].add(bytes);
  }

  /**
   * Returns the bytes forwarded so far.
   *
   * @param direction the direction
   * @return the total
   */
  public long forwarded(Direction direction) {
    return forwarded[direction.ordinal()].sum();
  }

  /** Removes every fault and releases every hold. */
  public void heal() {
    dropNewConnections = false;
    for (Direction direction : Direction.values()) {
      delayNanos.set(direction.ordinal(), 0);
      jitterNanos.set(direction.ordinal(), 0);
      bytesPerSecond.set(direction.ordinal(), 0);
      limits.set(direction.ordinal(), null);
      ChunkHold pending = pendingHolds.getAndSet(direction.ordinal(), null);
      if (pending != null) {
        pending.released.countDown();
      }
    }
    activeHolds.forEach(hold -> hold.released.countDown());
    synchronized (this) {
      frozen = false;
      healGeneration++;
      notifyAll();
    }
  }

  private synchronized void changed() {
    notifyAll();
  }

  /** One hold: caught by the first chunk written after it was set, released by time or by hand. */
  public final class ChunkHold implements Hold {
    private final Direction direction;
    private final Duration duration;
    private final CountDownLatch captured = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    ChunkHold(Direction direction, Duration duration) {
      this.direction = direction;
      this.duration = duration;
    }

    /**
     * Blocks the writing connection until the hold ends.
     *
     * @throws InterruptedException when the connection closes meanwhile
     */
    public void awaitRelease() throws InterruptedException {
      try {
        released.await(duration.toNanos(), TimeUnit.NANOSECONDS);
      } finally {
        activeHolds.remove(this);
      }
    }

    @Override
    public boolean awaitHeld(Duration timeout) {
      try {
        return captured.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    @Override
    public boolean isHeld() {
      return captured.getCount() == 0;
    }

    @Override
    public void release() {
      pendingHolds.compareAndSet(direction.ordinal(), this, null);
      released.countDown();
    }

    @Override
    public String toString() {
      return "Hold[" + direction + ", " + duration + (isHeld() ? ", held" : ", waiting") + "]";
    }
  }
}
