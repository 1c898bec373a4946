package io.toutiao.testing;

import java.time.Duration;

/**
 * Faults of a process a test started: freeze it as a long garbage-collection pause or an overloaded
 * host would, or kill it as a crash or the out-of-memory killer would.
 *
 * <p>Implemented by {@link RedisServer}, {@link ElasticsearchServer} (each node of {@link
 * RedisCluster}, {@link RedisSentinel} and {@link ElasticsearchCluster} is one of these) and {@link
 * JavaProcess}. Faults apply to the whole process tree. External services (not started by the test)
 * throw {@link UnsupportedOperationException}.
 */
public interface ProcessFaults {

  /**
   * Freezes the process with SIGSTOP. It keeps every socket open: clients connect (the kernel
   * completes the handshake) and send, but get no answer until {@link #resume()}, when it answers
   * everything queued meanwhile. Timers inside it (lease renewals, heartbeats) do not fire.
   *
   * @throws IllegalStateException when the process is not running
   */
  void pause();

  /** Lets a paused process run again (SIGCONT); does nothing when it is not paused. */
  void resume();

  /**
   * Tells whether the process is paused.
   *
   * @return true between {@link #pause()} and {@link #resume()}
   */
  boolean isPaused();

  /**
   * Kills the process at once with SIGKILL: no shutdown hook, no flush, sockets reset by the
   * kernel. Works on a paused process too.
   */
  void kill();

  /**
   * Pauses the process, sleeps for the given time on the calling thread, then resumes it, even when
   * the sleep is interrupted.
   *
   * @param duration how long the process stays frozen
   */
  default void pauseFor(Duration duration) {
    pause();
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      resume();
    }
  }
}
