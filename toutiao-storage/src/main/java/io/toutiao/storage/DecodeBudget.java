package io.toutiao.storage;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Memory for decoded pixels, shared by every deep check (and {@code sanitize}) that uses it, so the
 * pixel limit of one image becomes a limit for the heap: a check reserves {@code width x height x
 * bytes per pixel} before it decodes and gives it back after. A check that does not fit waits, in
 * arrival order, at most {@link #maxWait()}, then fails with {@link ImageCheckBusyException}; a
 * check larger than the whole budget runs alone (it waits until nothing else is reserved).
 *
 * <p>{@link #shared()} is the JVM-wide default (a quarter of the maximum heap, 2 s wait) that every
 * {@link ImageValidator} uses unless given another. Hosts that decode images themselves
 * (thumbnails) can reserve from the same budget with {@link #reserve(long)}. Thread-safe.
 */
public final class DecodeBudget {

  /** Default wait for room: 2 s. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(2);

  private static final class Holder {
    static final DecodeBudget SHARED =
        new DecodeBudget(Math.max(1, Runtime.getRuntime().maxMemory() / 4), DEFAULT_MAX_WAIT);
  }

  private final long capacity;
  private final Duration maxWait;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private long reserved;

  private DecodeBudget(long capacity, Duration maxWait) {
    this.capacity = capacity;
    this.maxWait = maxWait;
  }

  /**
   * Returns the JVM-wide budget: a quarter of {@code Runtime.maxMemory()}, waits of 2 s.
   *
   * @return the shared budget
   */
  public static DecodeBudget shared() {
    return Holder.SHARED;
  }

  /**
   * Creates a budget.
   *
   * @param bytes how many bytes of decoded pixels may be reserved at once, at least 1
   * @param maxWait how long a reservation waits for room, 0 to 5 minutes
   * @return the budget
   */
  public static DecodeBudget of(long bytes, Duration maxWait) {
    if (bytes < 1) {
      throw new IllegalArgumentException("bytes must be at least 1, got " + bytes);
    }
    Objects.requireNonNull(maxWait, "maxWait must not be null");
    if (maxWait.isNegative() || maxWait.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException("maxWait must be between 0 and 5 minutes, got " + maxWait);
    }
    return new DecodeBudget(bytes, maxWait);
  }

  /**
   * Reserves memory, waiting in arrival order at most {@link #maxWait()}.
   *
   * @param bytes what the decode needs (more than the capacity reserves all of it)
   * @return the reservation; close it when the pixels are no longer referenced
   * @throws ImageCheckBusyException when there was no room in time (or the thread was interrupted)
   */
  public Reservation reserve(long bytes) {
    long need = Math.min(Math.max(bytes, 1), capacity);
    Object ticket = new Object();
    long deadline = System.nanoTime() + maxWait.toNanos();
    lock.lock();
    try {
      queue.addLast(ticket);
      try {
        while (queue.peekFirst() != ticket || capacity - reserved < need) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw busy(bytes);
          }
          changed.awaitNanos(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ImageCheckBusyException(
            "interrupted while waiting for decode memory", Duration.ofSeconds(1), e);
      } finally {
        queue.remove(ticket);
        changed.signalAll();
      }
      reserved += need;
      return new Reservation(need);
    } finally {
      lock.unlock();
    }
  }

  private ImageCheckBusyException busy(long bytes) {
    return new ImageCheckBusyException(
        "no room to decode now: "
            + mib(bytes)
            + " MiB needed, "
            + mib(reserved)
            + " of "
            + mib(capacity)
            + " MiB in use after waiting "
            + maxWait.toMillis()
            + " ms",
        Duration.ofSeconds(1),
        null);
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  private void release(long bytes) {
    lock.lock();
    try {
      reserved -= bytes;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the capacity.
   *
   * @return bytes
   */
  public long capacity() {
    return capacity;
  }

  /**
   * Returns how much is reserved now.
   *
   * @return bytes
   */
  public long reserved() {
    lock.lock();
    try {
      return reserved;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns how long a reservation waits for room.
   *
   * @return the wait
   */
  public Duration maxWait() {
    return maxWait;
  }

  @Override
  public String toString() {
    return "DecodeBudget[" + mib(capacity) + " MiB, wait " + maxWait.toMillis() + " ms]";
  }

  /** Memory reserved from a {@link DecodeBudget}; closing gives it back (once). */
  public final class Reservation implements AutoCloseable {
    private final long bytes;
    private boolean closed;

    private Reservation(long bytes) {
      this.bytes = bytes;
    }

    /**
     * Returns the reserved bytes.
     *
     * @return bytes (at most the capacity)
     */
    public long bytes() {
      return bytes;
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        release(bytes);
      }
    }
  }
}
