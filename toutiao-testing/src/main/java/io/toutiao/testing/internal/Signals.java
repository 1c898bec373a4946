package io.toutiao.testing.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends POSIX signals to a process and everything it started, through {@code /bin/sh}'s {@code
 * kill} (the JDK can only terminate processes). Not part of the public API.
 */
public final class Signals {

  private Signals() {}

  /**
   * Stops a process tree with SIGSTOP: the processes stay alive, keep their sockets open and run no
   * instruction until {@link #resume(ProcessHandle)}, as during a long garbage-collection pause.
   *
   * @param root the process whose tree to stop
   */
  public static void pause(ProcessHandle root) {
    send("STOP", tree(root));
  }

  /**
   * Continues a process tree stopped by {@link #pause(ProcessHandle)} (SIGCONT).
   *
   * @param root the process whose tree to continue
   */
  public static void resume(ProcessHandle root) {
    send("CONT", tree(root));
  }

  /**
   * Sends a signal to one process only. Unlike {@link Process#destroy()}, this leaves the pipes to
   * the process open, so what it prints while shutting down can still be read.
   *
   * @param process the process
   * @param signal the signal name without {@code SIG}, e.g. {@code TERM} or {@code KILL}
   */
  public static void signal(ProcessHandle process, String signal) {
    send(signal, List.of(process));
  }

  /** The root first, then its descendants, so a stopped parent cannot react to its children. */
  private static List<ProcessHandle> tree(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    return tree;
  }

  private static void send(String signal, List<ProcessHandle> processes) {
    StringBuilder script = new StringBuilder("kill -s ").append(signal);
    for (ProcessHandle process : processes) {
      script.append(' ').append(process.pid());
    }
    try {
      Process kill =
          new ProcessBuilder("/bin/sh", "-c", script.toString()).redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException("kill -s " + signal + " did not finish within 10 s");
      }
      String output =
          new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      // A process of the tree may have exited meanwhile; only a failure for the root matters.
      if (kill.exitValue() != 0 && processes.get(0).isAlive()) {
        throw new IllegalStateException(
            "kill -s " + signal + " " + processes.get(0).pid() + " failed: " + output.trim());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run /bin/sh to send SIG" + signal, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + signal, e);
    }
  }
}
