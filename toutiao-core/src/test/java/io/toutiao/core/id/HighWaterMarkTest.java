package io.toutiao.core.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HighWaterMarkTest {

  private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  @TempDir Path dir;

  private SnowflakeIdGenerator generator(FakeClock clock, Path file) {
    return new SnowflakeIdGenerator(
        SnowflakeConfig.custom()
            .clock(clock)
            .highWaterMarkStore(new FileHighWaterMarkStore(file))
            .reserveAhead(Duration.ofSeconds(1))
            .clockRollback(ClockRollbackPolicy.FAIL, Duration.ZERO)
            .build());
  }

  @Test
  void reservesTimeAheadOnStart() {
    Path file = dir.resolve("worker-0.hwm");
    try (SnowflakeIdGenerator ids = generator(new FakeClock(T0), file)) {
      ids.nextId();
    }
    assertThat(new FileHighWaterMarkStore(file).load()).contains(Instant.ofEpochMilli(T0 + 1000));
  }

  @Test
  void afterARestartWithTheClockSetBackNoIdRepeatsAnEarlierTimestamp() {
    Path file = dir.resolve("worker-0.hwm");
    FakeClock clock = new FakeClock(T0);
    long lastOfFirstRun;
    try (SnowflakeIdGenerator first = generator(clock, file)) {
      first.nextIds(100);
      clock.advance(5_000);
      lastOfFirstRun = first.nextId();
    }
    Instant mark = new FileHighWaterMarkStore(file).load().orElseThrow();

    clock.set(T0);
    try (SnowflakeIdGenerator restarted = generator(clock, file)) {
      assertThatThrownBy(restarted::nextId)
          .isInstanceOf(ClockMovedBackwardsException.class)
          .hasMessageContaining("high-water mark " + mark);

      clock.set(mark.toEpochMilli() + 1);
      long id = restarted.nextId();
      assertThat(restarted.parse(id).timestamp()).isAfter(mark);
      assertThat(id).isGreaterThan(lastOfFirstRun);
    }
    assertThat(new FileHighWaterMarkStore(file).load().orElseThrow()).isAfter(mark);
  }

  @Test
  void aQuickRestartWaitsUntilTheClockPassesTheMark() throws Exception {
    Path file = dir.resolve("worker-0.hwm");
    FakeClock clock = new FakeClock(T0);
    try (SnowflakeIdGenerator first = generator(clock, file)) {
      first.nextId();
    }
    Instant mark = new FileHighWaterMarkStore(file).load().orElseThrow();

    try (SnowflakeIdGenerator restarted = generator(clock, file)) {
      CompletableFuture<Long> next = CompletableFuture.supplyAsync(restarted::nextId);
      Thread.sleep(50);
      assertThat(next).as("waits while the clock is behind the mark").isNotDone();
      clock.set(mark.toEpochMilli() + 1);

      assertThat(restarted.parse(next.get(5, TimeUnit.SECONDS)).timestamp()).isAfter(mark);
    }
  }

  @Test
  void aCorruptMarkFailsLoudlyInsteadOfBeingIgnored() throws Exception {
    Path file = dir.resolve("worker-0.hwm");
    Files.writeString(file, "not-a-number");

    assertThatThrownBy(() -> generator(new FakeClock(T0), file))
        .isInstanceOf(IdGenerationException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("does not hold epoch milliseconds");
  }

  @Test
  void anOversizedMarkFileIsRefused() throws Exception {
    Path file = dir.resolve("worker-0.hwm");
    Files.writeString(file, "1".repeat(1000));
    assertThatThrownBy(() -> new FileHighWaterMarkStore(file).load())
        .hasMessageContaining("larger than 64 bytes");
  }

  @Test
  void backgroundThreadKeepsTheReservationAheadOfTheClock() throws Exception {
    Path file = dir.resolve("worker-0.hwm");
    FakeClock clock = new FakeClock(T0);
    FileHighWaterMarkStore store = new FileHighWaterMarkStore(file);
    try (SnowflakeIdGenerator ids =
        new SnowflakeIdGenerator(
            SnowflakeConfig.custom()
                .clock(clock)
                .highWaterMarkStore(store)
                .reserveAhead(Duration.ofMillis(200))
                .build())) {
      ids.nextId();
      clock.advance(10_000);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (store.load().orElseThrow().toEpochMilli() < T0 + 10_000
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(store.load().orElseThrow()).isAfterOrEqualTo(Instant.ofEpochMilli(T0 + 10_000));
    }
  }
}
