package io.toutiao.core.id;

import java.time.Duration;
import java.util.Optional;

/**
 * No id was issued because this process holds no usable worker-id lease right now: it was lost (the
 * lease store was unreachable for longer than the lease lasts, or another process took it over) and
 * is being re-acquired in the background, or the new lease's window has not opened yet. Retryable:
 * hosts answer 503 (with {@code Retry-After} when {@link #retryAfter()} is known) and try again.
 */
public final class WorkerIdUnavailableException extends IdGenerationException {

  private static final long serialVersionUID = 1L;

  private final transient Duration retryAfter;

  /**
   * Creates the exception.
   *
   * @param message what is missing and what happens next
   * @param retryAfter when a retry can succeed, or null when unknown
   */
  public WorkerIdUnavailableException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = retryAfter;
  }

  /**
   * Returns true: the same call can succeed later without any change.
   *
   * @return true
   */
  @Override
  public boolean isRetryable() {
    return true;
  }

  /**
   * Returns how long until a retry can succeed, when known (a window that opens later).
   *
   * @return the wait, or empty when it depends on the lease store coming back
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
