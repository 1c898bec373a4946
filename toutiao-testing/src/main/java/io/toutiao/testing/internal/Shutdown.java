package io.toutiao.testing.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JVM shutdown hook that runs registered clean-up actions in reverse order of registration, so
 * processes stop before the folders holding their binaries are deleted. Not part of the public API.
 */
public final class Shutdown {

  private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);
  private static final Deque<Runnable> ACTIONS = new ArrayDeque<>();
  private static boolean hookInstalled;

  private Shutdown() {}

  /**
   * Registers an action to run when the JVM exits.
   *
   * @param action what to run; failures are logged and do not stop later actions
   */
  public static synchronized void register(Runnable action) {
    if (!hookInstalled) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(Shutdown::runAll, "toutiao-testing-shutdown"));
      hookInstalled = true;
    }
    ACTIONS.push(action);
  }

  private static void runAll() {
    while (true) {
      Runnable next;
      synchronized (Shutdown.class) {
        next = ACTIONS.poll();
      }
      if (next == null) {
        return;
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        LOG.warn("clean-up at exit failed", e);
      }
    }
  }
}
