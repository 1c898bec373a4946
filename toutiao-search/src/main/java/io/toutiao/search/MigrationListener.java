package io.toutiao.search;

import java.time.Duration;

/**
 * Told of an {@link IndexMigration}'s progress (metrics, dashboards). Called on the migrating
 * thread: must be fast and must not throw. All methods default to doing nothing.
 */
public interface MigrationListener {

  /**
   * The first full copy ended.
   *
   * @param alias the alias
   * @param documents documents copied
   */
  default void onCopied(String alias, long documents) {}

  /**
   * A catch-up round ended (the last one runs under the write block).
   *
   * @param alias the alias
   * @param round 1-based
   * @param documents documents copied in it
   */
  default void onRound(String alias, int round, long documents) {}

  /**
   * The migration swapped the alias.
   *
   * @param result what was done
   */
  default void onSucceeded(IndexMigration.Result result) {}

  /**
   * The migration failed and rolled back.
   *
   * @param alias the alias
   * @param took how long until it failed
   */
  default void onFailed(String alias, Duration took) {}

  /** Nothing. */
  MigrationListener NONE = new MigrationListener() {};
}
