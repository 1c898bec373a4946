package io.toutiao.testing;

import io.toutiao.testing.internal.Shutdown;
import io.toutiao.testing.internal.Signals;
import io.toutiao.testing.internal.WorkDirs;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM running a main class with the test's class path, for tests that need a second
 * process: several instances competing for a lease, a process that is paused while it holds one, a
 * crash in the middle of a write.
 *
 * <pre>{@code
 * try (JavaProcess child = JavaProcess.builder(LeaseHolder.class).args(redis.uri().toString()).start()) {
 *   child.awaitLine(line -> line.startsWith("leased"), Duration.ofSeconds(10));
 *   child.pauseFor(Duration.ofSeconds(3));     // as a long GC pause would
 *   child.writeLine("issue");                   // its standard input
 *   child.kill();
 * }
 * }</pre>
 *
 * <p>Standard output and error are merged, kept in memory for {@link #lines()} and {@link
 * #awaitLine(Predicate, Duration)} (the last {@value #MAX_LINES} lines) and appended to {@code
 * target/java-NAME-PID.log}. A child still running when the test JVM exits is killed. Instances are
 * thread-safe.
 */
public final class JavaProcess implements ProcessFaults, AutoCloseable {

  /** How many output lines are kept in memory: {@value}. */
  public static final int MAX_LINES = 100_000;

  private final String name;
  private final Process process;
  private final Writer stdin;
  private final Path logFile;
  private final List<String> lines = new ArrayList<>();
  private final Thread pump;
  private long droppedLines;
  private volatile boolean paused;

  private JavaProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.stdin =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.pump = new Thread(this::pumpOutput, "java-process-" + name + "-output");
    this.pump.setDaemon(true);
  }

  /**
   * Starts describing a child JVM that runs {@code mainClass}.
   *
   * @param mainClass a class with a {@code public static void main(String[])} on the test's class
   *     path
   * @return a builder
   */
  public static Builder builder(Class<?> mainClass) {
    Objects.requireNonNull(mainClass, "mainClass must not be null");
    return new Builder(mainClass.getName());
  }

  /**
   * Starts describing a child JVM that runs the named main class.
   *
   * @param mainClassName the fully qualified class name
   * @return a builder
   */
  public static Builder builder(String mainClassName) {
    Objects.requireNonNull(mainClassName, "mainClassName must not be null");
    return new Builder(mainClassName);
  }

  private void pumpOutput() {
    try (BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer log =
            Files.newBufferedWriter(
                logFile,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
      String line;
      while ((line = reader.readLine()) != null) {
        log.write(line);
        log.write(System.lineSeparator());
        log.flush();
        synchronized (lines) {
          lines.add(line);
          if (lines.size() > MAX_LINES) {
            lines.remove(0);
            droppedLines++;
          }
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // the process ended or its pipe broke: the output so far is kept
    } finally {
      synchronized (lines) {
        lines.notifyAll();
      }
    }
  }

  /**
   * Returns the output lines so far (standard output and error, merged).
   *
   * @return a copy
   */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /**
   * Returns the output so far as one string, lines separated by {@code \n}.
   *
   * @return the output
   */
  public String output() {
    return String.join("\n", lines());
  }

  /**
   * Waits until an output line (already printed or still to come) matches.
   *
   * @param condition what the line must satisfy
   * @param timeout how long to wait
   * @return the first matching line
   * @throws TestServiceException when no line matches in time or the process ends first, quoting
   *     the end of its output
   */
  public String awaitLine(Predicate<String> condition, Duration timeout) {
    Objects.requireNonNull(condition, "condition must not be null");
    long deadline = System.nanoTime() + timeout.toNanos();
    long checked = 0; // counted over every line ever printed, dropped ones included
    synchronized (lines) {
      while (true) {
        for (checked = Math.max(checked, droppedLines);
            checked - droppedLines < lines.size();
            checked++) {
          String line = lines.get((int) (checked - droppedLines));
          if (condition.test(line)) {
            return line;
          }
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0 || !pump.isAlive()) {
          String why =
              pump.isAlive()
                  ? " printed no matching line within " + timeout
                  : " ended (exit code " + exitCodeOrNone() + ") without a matching line";
          throw new TestServiceException(name + why + ". Last output:\n" + tail(20));
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lines, Math.min(remaining, 100_000_000L));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TestServiceException("interrupted while waiting for " + name, e);
        }
      }
    }
  }

  private String exitCodeOrNone() {
    return process.isAlive() ? "none yet" : Integer.toString(process.exitValue());
  }

  private String tail(int count) {
    List<String> all = lines();
    return String.join("\n", all.subList(Math.max(0, all.size() - count), all.size()));
  }

  /**
   * Writes a line to the process's standard input and flushes it.
   *
   * @param line the text, without line separator
   * @throws UncheckedIOException when the process no longer reads its input
   */
  public void writeLine(String line) {
    synchronized (stdin) {
      try {
        stdin.write(line);
        stdin.write('\n');
        stdin.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write to the standard input of " + name, e);
      }
    }
  }

  /**
   * Returns the operating system's process id.
   *
   * @return the pid
   */
  public long pid() {
    return process.pid();
  }

  /**
   * Tells whether the process runs (a paused process runs).
   *
   * @return true until it exits
   */
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public synchronized void pause() {
    if (!process.isAlive()) {
      throw new IllegalStateException("cannot pause " + name + ": it has exited");
    }
    Signals.pause(process.toHandle());
    paused = true;
  }

  @Override
  public synchronized void resume() {
    if (paused && process.isAlive()) {
      Signals.resume(process.toHandle());
    }
    paused = false;
  }

  @Override
  public boolean isPaused() {
    return paused && process.isAlive();
  }

  /** Kills the process with SIGKILL and waits (up to 10 s) until it is gone. */
  @Override
  public synchronized void kill() {
    if (process.isAlive()) {
      Signals.signal(process.toHandle(), "KILL");
    }
    awaitExit(Duration.ofSeconds(10));
    paused = false;
  }

  /**
   * Asks the process to stop (SIGTERM, so its shutdown hooks run) and waits for it, killing it if
   * it has not exited after {@code grace}.
   *
   * @param grace how long it may take
   * @return its exit code
   */
  public synchronized int stop(Duration grace) {
    if (process.isAlive()) {
      Signals.signal(process.toHandle(), "TERM");
    }
    if (paused) {
      Signals.resume(process.toHandle());
      paused = false;
    }
    if (!awaitExit(grace)) {
      kill();
    }
    return waitFor(Duration.ofSeconds(10));
  }

  /**
   * Waits for the process to exit by itself.
   *
   * @param timeout how long to wait
   * @return its exit code (143 after SIGTERM, 137 after SIGKILL)
   * @throws TestServiceException when it still runs after the timeout, quoting its last output
   */
  public int waitFor(Duration timeout) {
    if (!awaitExit(timeout)) {
      throw new TestServiceException(
          name + " still runs after " + timeout + ". Last output:\n" + tail(20));
    }
    try {
      pump.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return process.exitValue();
  }

  private boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /**
   * Returns the file that receives the output.
   *
   * @return the log file
   */
  public Path logFile() {
    return logFile;
  }

  /** Kills the process if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  @Override
  public String toString() {
    return "JavaProcess["
        + name
        + ", pid "
        + process.pid()
        + (process.isAlive() ? "" : ", exited")
        + "]";
  }

  /** Describes a child JVM; {@link #start()} launches it. Not thread-safe. */
  public static final class Builder {
    private final String mainClass;
    private final List<String> args = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> environment = new HashMap<>();
    private String classPath = System.getProperty("java.class.path");
    private String name;

    private Builder(String mainClass) {
      this.mainClass = mainClass;
      this.name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
    }

    /**
     * Adds program arguments.
     *
     * @param values arguments passed to {@code main}
     * @return this builder
     */
    public Builder args(String... values) {
      args.addAll(List.of(values));
      return this;
    }

    /**
     * Adds JVM options, e.g. {@code -Xmx64m} or {@code -Dkey=value}.
     *
     * @param options the options
     * @return this builder
     */
    public Builder jvmOptions(String... options) {
      jvmOptions.addAll(List.of(options));
      return this;
    }

    /**
     * Adds an environment variable to the inherited environment.
     *
     * @param key the name
     * @param value the value
     * @return this builder
     */
    public Builder env(String key, String value) {
      environment.put(
          Objects.requireNonNull(key, "key must not be null"),
          Objects.requireNonNull(value, "value must not be null"));
      return this;
    }

    /**
     * Replaces the class path (default: this JVM's {@code java.class.path}, i.e. the test class
     * path).
     *
     * @param value the class path
     * @return this builder
     */
    public Builder classPath(String value) {
      classPath = Objects.requireNonNull(value, "classPath must not be null");
      return this;
    }

    /**
     * Names the process in messages, thread names and its log file (default: the simple class
     * name).
     *
     * @param value the name, letters, digits, {@code -} and {@code _}
     * @return this builder
     * @throws IllegalArgumentException for other characters
     */
    public Builder name(String value) {
      if (value == null || !value.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new IllegalArgumentException(
            "name must be 1 to 64 letters, digits, '-' or '_', got " + value);
      }
      name = value;
      return this;
    }

    /**
     * Starts the process with the java binary of this JVM.
     *
     * @return the running process
     * @throws TestServiceException when it cannot be started
     */
    public JavaProcess start() {
      List<String> command = new ArrayList<>();
      command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.add("-cp");
      command.add(classPath);
      command.add(mainClass);
      command.addAll(args);
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(environment);
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new TestServiceException("cannot start a JVM for " + mainClass, e);
      }
      Path log = WorkDirs.base().resolve("java-" + name + "-" + process.pid() + ".log");
      JavaProcess child = new JavaProcess(name, process, log);
      child.pump.start();
      Shutdown.register(child::close);
      return child;
    }
  }
}
