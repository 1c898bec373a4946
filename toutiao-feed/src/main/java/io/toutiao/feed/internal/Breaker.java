package io.toutiao.feed.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A consecutive-failure circuit breaker: after {@code threshold} failures in a row it opens for
 * {@code openNanos}; then one caller at a time may probe (half-open) until one succeeds.
 * Thread-safe.
 */
public final class Breaker {

  /** The breaker's state. */
  public enum State {
    /** Calls go through. */
    CLOSED,
    /** Calls are refused until the open time has passed. */
    OPEN,
    /** The open time has passed: one probe call at a time goes through. */
    HALF_OPEN
  }

  private final int threshold;
  private final long openNanos;
  private final LongSupplier nanoTime;
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicLong openedAt = new AtomicLong();
  private final AtomicBoolean open = new AtomicBoolean();
  private final AtomicBoolean probing = new AtomicBoolean();

  /**
   * Creates a closed breaker.
   *
   * @param threshold failures in a row that open it, positive
   * @param openNanos how long it stays open before a probe, positive
   * @param nanoTime the time source
   */
  public Breaker(int threshold, long openNanos, LongSupplier nanoTime) {
    this.threshold = threshold;
    this.openNanos = openNanos;
    this.nanoTime = nanoTime;
  }

  /**
   * Asks to make a call.
   *
   * @return a permit: {@link Permit#REFUSED} when open, {@link Permit#PROBE} for the one half-open
   *     probe, {@link Permit#CALL} when closed
   */
  public Permit acquire() {
    if (!open.get()) {
      return Permit.CALL;
    }
    if (nanoTime.getAsLong() - openedAt.get() < openNanos) {
      return Permit.REFUSED;
    }
    return probing.compareAndSet(false, true) ? Permit.PROBE : Permit.REFUSED;
  }

  /**
   * Reports a successful call.
   *
   * @param permit the permit the call had
   */
  public void onSuccess(Permit permit) {
    failures.set(0);
    open.set(false);
    if (permit == Permit.PROBE) {
      probing.set(false);
    }
  }

  /**
   * Reports a failed call.
   *
   * @param permit the permit the call had
   */
  public void onFailure(Permit permit) {
    if (permit == Permit.PROBE || failures.incrementAndGet() >= threshold) {
      openedAt.set(nanoTime.getAsLong());
      open.set(true);
    }
    if (permit == Permit.PROBE) {
      probing.set(false);
    }
  }

  /**
   * Reports a call whose outcome says nothing about the service (e.g. a refused request).
   *
   * @param permit the permit the call had
   */
  public void onNeutral(Permit permit) {
    if (permit == Permit.PROBE) {
      probing.set(false);
    }
  }

  /**
   * The current state.
   *
   * @return closed, open or half-open
   */
  public State state() {
    if (!open.get()) {
      return State.CLOSED;
    }
    return nanoTime.getAsLong() - openedAt.get() < openNanos ? State.OPEN : State.HALF_OPEN;
  }

  /** What {@link #acquire()} allows. */
  public enum Permit {
    /** A normal call. */
    CALL,
    /** The half-open probe. */
    PROBE,
    /** No call: the breaker is open. */
    REFUSED
  }
}
