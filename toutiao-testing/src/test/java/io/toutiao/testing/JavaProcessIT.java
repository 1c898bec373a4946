package io.toutiao.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JavaProcessIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private static JavaProcess ticker(String... args) {
    JavaProcess child = JavaProcess.builder(TickerMain.class).args(args).start();
    child.awaitLine(line -> line.startsWith("ready"), WAIT);
    return child;
  }

  private static long ticks(JavaProcess child) {
    return child.lines().stream().filter(line -> line.startsWith("tick ")).count();
  }

  @Test
  void runsAMainClassOfTheTestClassPathWithArgumentsAndInput() {
    try (JavaProcess child = ticker("a", "b")) {
      assertThat(child.lines()).contains("ready a,b");

      child.writeLine("hello 头条");

      assertThat(child.awaitLine(line -> line.startsWith("got"), WAIT)).isEqualTo("got hello 头条");
      assertThat(child.logFile()).exists();
    }
  }

  @Test
  void pausedChildRunsNothingUntilResumed() throws InterruptedException {
    try (JavaProcess child = ticker()) {
      child.awaitLine(line -> line.equals("tick 3"), WAIT);

      child.pause();
      Thread.sleep(200); // output already in the pipe is still read
      long frozenAt = ticks(child);
      Thread.sleep(600);

      assertThat(child.isPaused()).isTrue();
      assertThat(ticks(child)).as("no tick while paused").isEqualTo(frozenAt);

      child.resume();
      child.awaitLine(line -> line.equals("tick " + (frozenAt + 3)), WAIT);
      assertThat(child.isPaused()).isFalse();
    }
  }

  @Test
  void killedChildExitsWithoutRunningShutdownHooks() {
    JavaProcess child = ticker();
    child.pause();

    child.kill();

    assertThat(child.isAlive()).isFalse();
    assertThat(child.waitFor(WAIT)).isEqualTo(137);
    assertThat(child.lines()).doesNotContain("shutdown hook ran");
  }

  @Test
  void stoppedChildRunsItsShutdownHooksEvenWhenPaused() {
    JavaProcess child = ticker();
    child.pause();

    int exitCode = child.stop(WAIT);

    assertThat(exitCode).isEqualTo(143);
    assertThat(child.lines()).contains("shutdown hook ran");
  }

  @Test
  void reportsTheExitCodeAndAWaitThatCannotSucceed() {
    JavaProcess child = ticker();
    child.writeLine("exit 7");

    assertThat(child.waitFor(WAIT)).isEqualTo(7);
    assertThatThrownBy(() -> child.awaitLine(line -> line.equals("never"), WAIT))
        .isInstanceOf(TestServiceException.class)
        .hasMessageContaining("TickerMain")
        .hasMessageContaining("exit code 7");
  }

  @Test
  void refusesAnUnsafeName() {
    assertThatThrownBy(() -> JavaProcess.builder(TickerMain.class).name("../x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("../x");
  }
}
