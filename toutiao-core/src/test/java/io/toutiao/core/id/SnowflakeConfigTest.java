package io.toutiao.core.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SnowflakeConfigTest {

  @Test
  void defaultLayoutIsTheReference() {
    SnowflakeLayout layout = SnowflakeLayout.DEFAULT;
    assertThat(layout.timeBits()).isEqualTo(41);
    assertThat(layout.datacenterBits()).isEqualTo(5);
    assertThat(layout.workerBits()).isEqualTo(5);
    assertThat(layout.sequenceBits()).isEqualTo(12);
    assertThat(layout.epoch().toEpochMilli()).isEqualTo(1288834974657L);
    assertThat(layout.lifetimeEnd())
        .isEqualTo(Instant.ofEpochMilli(1288834974657L + (1L << 41) - 1));
    assertThat(layout.maxIdsPerSecond()).isEqualTo(4_096_000);
  }

  @Test
  void rejectsWidthsThatDoNotAddUpTo63() {
    assertThatThrownBy(() -> SnowflakeLayout.builder().bits(41, 5, 5, 10).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("add up to 63")
        .hasMessageContaining("= 61");
  }

  @Test
  void rejectsFieldWidthsOutOfRange() {
    assertThatThrownBy(() -> SnowflakeLayout.builder().bits(63, 0, 0, 0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeBits must be between 1 and 62, got 63");
    assertThatThrownBy(() -> SnowflakeLayout.builder().bits(30, -1, 22, 12).build())
        .hasMessageContaining("datacenterBits must be between 0 and 31, got -1");
  }

  @Test
  void rejectsANegativeEpochAndOddTicks() {
    assertThatThrownBy(() -> SnowflakeLayout.builder().epoch(Instant.ofEpochMilli(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epoch must not be before 1970");
    assertThatThrownBy(() -> SnowflakeLayout.builder().tick(Duration.ofNanos(1500)).build())
        .hasMessageContaining("whole number of milliseconds");
    assertThatThrownBy(() -> SnowflakeLayout.builder().tick(Duration.ZERO).build())
        .hasMessageContaining("positive");
  }

  @Test
  void rejectsWorkerAndDatacenterOutOfTheLayoutsRange() {
    assertThatThrownBy(() -> SnowflakeConfig.custom().workerId(32).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workerId must be between 0 and 31")
        .hasMessageContaining("got 32");
    assertThatThrownBy(() -> SnowflakeConfig.custom().datacenterId(-1).build())
        .hasMessageContaining("datacenterId must be between 0 and 31");
    assertThatThrownBy(() -> SnowflakeConfig.custom().workerIdAssigner(layout -> 99).build())
        .hasMessageContaining("workerId must be between 0 and 31")
        .hasMessageContaining("got 99");
  }

  @Test
  void widerWorkerFieldAllowsLargerIds() {
    SnowflakeLayout layout = SnowflakeLayout.builder().bits(41, 0, 10, 12).build();
    SnowflakeConfig config = SnowflakeConfig.custom().layout(layout).workerId(1023).build();
    assertThat(config.workerId()).isEqualTo(1023);
  }

  @Test
  void rejectsAnEpochInTheFuture() {
    SnowflakeLayout layout =
        SnowflakeLayout.builder().epoch(Instant.now().plusSeconds(3600)).build();
    assertThatThrownBy(() -> SnowflakeConfig.custom().layout(layout).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("in the future");
  }

  @Test
  void rejectsALayoutThatHasRunOut() {
    SnowflakeLayout layout = SnowflakeLayout.builder().bits(30, 5, 5, 23).build();
    assertThatThrownBy(() -> SnowflakeConfig.custom().layout(layout).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ran out at " + layout.lifetimeEnd());
  }

  @Test
  void reportsTheLifetimeOfALongerTick() {
    SnowflakeLayout layout =
        SnowflakeLayout.builder().bits(31, 5, 5, 22).tick(Duration.ofSeconds(1)).build();
    assertThat(layout.lifetimeEnd()).isEqualTo(layout.epoch().plusSeconds((1L << 31) - 1));
    assertThat(SnowflakeConfig.custom().layout(layout).build().lifetimeEnd())
        .isEqualTo(layout.lifetimeEnd());
  }

  @Test
  void rejectsOutOfRangeTuning() {
    assertThatThrownBy(() -> SnowflakeConfig.custom().randomSequenceStart(5000).build())
        .hasMessageContaining("randomSequenceStart bound must be between 0 and 2048");
    assertThatThrownBy(
            () ->
                SnowflakeConfig.custom()
                    .clockRollback(ClockRollbackPolicy.WAIT, Duration.ofMinutes(1))
                    .build())
        .hasMessageContaining("between 0 and 10 s");
    assertThatThrownBy(() -> SnowflakeConfig.custom().reserveAhead(Duration.ofMillis(1)).build())
        .hasMessageContaining("reserveAhead must be between 100 ms and 1 minute");
    assertThatThrownBy(() -> SnowflakeConfig.custom().layout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("layout must not be null");
  }
}
