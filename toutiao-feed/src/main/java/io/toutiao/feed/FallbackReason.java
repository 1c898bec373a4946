package io.toutiao.feed;

/** Why {@link FeedClient} answered from its fallback instead of the recommendation service. */
public enum FallbackReason {
  /**
   * The service could not be reached ({@code UNAVAILABLE} on every attempt within the deadline).
   */
  UNAVAILABLE,
  /** The service did not answer within the deadline (slow, paused, or a frozen connection). */
  DEADLINE_EXCEEDED,
  /** The circuit breaker is open after repeated failures; the service was not called. */
  CIRCUIT_OPEN,
  /** The service answered with an error other than the above (internal, overloaded, ...). */
  SERVICE_ERROR
}
