package io.toutiao.search;

/**
 * Told of every document's end in a {@link BulkWriter}, and of every retry (metrics). Called on the
 * writer's threads: must be fast and must not throw. All methods default to doing nothing.
 */
public interface BulkListener {

  /** A document was written. */
  default void onIndexed() {}

  /** A document was not written (the failure handler has its reason). */
  default void onFailed() {}

  /** A document's outcome stayed unknown (no answer within the wait). */
  default void onOutcomeUnknown() {}

  /** A document is sent again (429, a write block, no answer, a split request). */
  default void onRetried() {}

  /** Nothing. */
  BulkListener NONE = new BulkListener() {};
}
