package io.toutiao.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * A deep check (or {@code sanitize}) could not run now: the shared {@link DecodeBudget} had no room
 * within its wait, or the JVM ran out of memory while decoding. Not the client's fault: answer 503
 * with {@code Retry-After} and let the client retry the same upload.
 */
public class ImageCheckBusyException extends StorageException {

  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  /**
   * Creates the exception.
   *
   * @param message what was short
   * @param retryAfter a sensible wait before retrying
   * @param cause the memory failure, or null
   */
  public ImageCheckBusyException(String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter must not be null");
  }

  /**
   * Returns how long to wait before retrying.
   *
   * @return a positive duration
   */
  public Duration retryAfter() {
    return retryAfter;
  }
}
