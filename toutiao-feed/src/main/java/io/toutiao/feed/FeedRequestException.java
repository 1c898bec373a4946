package io.toutiao.feed;

/**
 * The recommendation service refused the request itself ({@code INVALID_ARGUMENT}): retrying or
 * falling back would not help, so the client reports it instead.
 */
public class FeedRequestException extends FeedException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what the service refused
   * @param cause the gRPC status exception
   */
  public FeedRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
