package io.toutiao.feed;

/**
 * The recommendation service could not answer within the deadline (down, slow, refusing, or the
 * circuit breaker open) and no fallback could answer either. A {@link FeedSource} may also throw it
 * to say it cannot serve now; the server then answers {@code UNAVAILABLE}, which clients retry.
 */
public class FeedUnavailableException extends FeedException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was unavailable
   */
  public FeedUnavailableException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what was unavailable
   * @param cause the last failure
   */
  public FeedUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
