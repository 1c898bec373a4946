package io.toutiao.testing.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process with its output appended to a log file, that can be stopped gracefully (with its
 * whole process tree) and started again with the same command. Not part of the public API.
 */
public final class ManagedProcess {

  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path directory;
  private final Path logFile;
  private Process process;
  private boolean paused;

  /**
   * Describes a process; nothing is started yet.
   *
   * @param name short name used in messages, e.g. {@code redis-server 127.0.0.1:6379}
   * @param command program and arguments
   * @param environment variables added to the inherited environment
   * @param directory working directory
   * @param logFile file receiving standard output and error (appended)
   */
  public ManagedProcess(
      String name,
      List<String> command,
      Map<String, String> environment,
      Path directory,
      Path logFile) {
    this.name = name;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.directory = directory;
    this.logFile = logFile;
  }

  /** Starts the process; does nothing if it is running. */
  public synchronized void start() {
    if (isAlive()) {
      return;
    }
    try {
      Files.createDirectories(logFile.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.environment().putAll(environment);
      process = builder.start();
      paused = false;
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + " with " + command, e);
    }
  }

  /**
   * Tells whether the process is running.
   *
   * @return true while it runs
   */
  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /**
   * Returns the exit code of a process that ended.
   *
   * @return the exit code, or -1 when it never ran or still runs
   */
  public synchronized int exitCode() {
    return process == null || process.isAlive() ? -1 : process.exitValue();
  }

  /**
   * Stops the process and everything it started: a polite termination signal first, then a kill
   * after the grace period.
   *
   * @param grace how long to wait for a clean exit
   */
  public synchronized void stop(Duration grace) {
    if (process == null) {
      return;
    }
    List<ProcessHandle> tree = new ArrayList<>();
    process.descendants().forEach(tree::add);
    tree.add(process.toHandle());
    process.destroy();
    if (paused) {
      // A stopped process keeps SIGTERM pending until it runs again.
      Signals.resume(process.toHandle());
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle handle : tree) {
      awaitExit(handle, deadline);
    }
    process = null;
    paused = false;
  }

  /**
   * Freezes the process tree with SIGSTOP: it keeps its sockets open and answers nothing.
   *
   * @throws IllegalStateException when the process is not running
   */
  public synchronized void pause() {
    requireAlive("pause");
    Signals.pause(process.toHandle());
    paused = true;
  }

  /** Lets a paused process tree run again (SIGCONT); does nothing when it is not paused. */
  public synchronized void resume() {
    if (paused && isAlive()) {
      Signals.resume(process.toHandle());
    }
    paused = false;
  }

  /**
   * Tells whether the process is paused by {@link #pause()}.
   *
   * @return true between pause and resume
   */
  public synchronized boolean isPaused() {
    return paused && isAlive();
  }

  /**
   * Returns the operating system's process id.
   *
   * @return the pid
   * @throws IllegalStateException when the process is not running
   */
  public synchronized long pid() {
    requireAlive("read the pid of");
    return process.pid();
  }

  private void requireAlive(String action) {
    if (!isAlive()) {
      throw new IllegalStateException("cannot " + action + " " + name + ": it is not running");
    }
  }

  /** Kills the process tree at once, as a crash would (a paused process dies too). */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
    paused = false;
  }

  private static void awaitExit(ProcessHandle handle, long deadlineNanos) {
    long remaining = Math.max(0, deadlineNanos - System.nanoTime());
    try {
      handle.onExit().get(remaining, TimeUnit.NANOSECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      handle.destroyForcibly();
    }
  }

  /**
   * Returns the last lines of the log, for error messages.
   *
   * @param lines how many lines at most
   * @return the tail of the log, or a note that there is none
   */
  public String logTail(int lines) {
    try {
      if (!Files.exists(logFile)) {
        return "(no output)";
      }
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join(
          System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * Returns the log file.
   *
   * @return where the output goes
   */
  public Path logFile() {
    return logFile;
  }

  /**
   * Returns the process name used in messages.
   *
   * @return the name
   */
  public String name() {
    return name;
  }
}
