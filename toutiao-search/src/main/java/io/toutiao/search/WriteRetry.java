package io.toutiao.search;

import java.time.Duration;

/** Sends a write again while the index is write-blocked (see {@link IndexMigration}). */
final class WriteRetry {

  /** How long writers keep retrying a write-blocked index by default. */
  static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

  /** A request that may throw the client's exceptions. */
  interface Call<T> {
    T run() throws Exception;
  }

  private WriteRetry() {}

  /**
   * Runs the call, retrying write-block refusals with growing pauses (20 ms to 500 ms) until {@code
   * wait} has passed; every other failure is translated and thrown at once.
   */
  static <T> T call(String action, Duration wait, Call<T> call) {
    long deadline = System.nanoTime() + wait.toNanos();
    long pause = 20;
    while (true) {
      try {
        return call.run();
      } catch (Exception e) {
        SearchException failure = SearchException.translate(action, e);
        if (!(failure instanceof SearchException.WriteBlocked)
            || System.nanoTime() + pause * 1_000_000 > deadline) {
          throw failure;
        }
      }
      pause(pause, action);
      pause = Math.min(pause * 2, 500);
    }
  }

  /** Sleeps, turning an interrupt into a failure of the action (the flag stays set). */
  static void pause(long millis, String action) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SearchException("interrupted while waiting to " + action, e);
    }
  }
}
