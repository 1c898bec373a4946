package io.toutiao.testing;

import io.toutiao.core.ToutiaoException;

/**
 * A test service (Redis, Redis Cluster, Elasticsearch) could not be started, reached or stopped.
 * The message says what was tried and where the service's log is.
 */
public class TestServiceException extends ToutiaoException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, what was tried, where to look
   */
  public TestServiceException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed, what was tried, where to look
   * @param cause the underlying failure
   */
  public TestServiceException(String message, Throwable cause) {
    super(message, cause);
  }
}
