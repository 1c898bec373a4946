package io.toutiao.core.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SnowflakeLayoutTest {

  static SnowflakeLayout[] layouts() {
    return new SnowflakeLayout[] {
      SnowflakeLayout.DEFAULT,
      SnowflakeLayout.builder().bits(41, 0, 10, 12).build(),
      SnowflakeLayout.builder()
          .bits(39, 3, 8, 13)
          .tick(Duration.ofMillis(10))
          .epoch(Instant.parse("2024-01-01T00:00:00Z"))
          .build(),
      SnowflakeLayout.builder().bits(31, 4, 6, 22).tick(Duration.ofSeconds(1)).build(),
      SnowflakeLayout.builder()
          .bits(32, 0, 0, 31)
          .epoch(Instant.now().minus(Duration.ofDays(1)))
          .build(),
    };
  }

  @ParameterizedTest
  @MethodSource("layouts")
  void parseRoundTripsEveryField(SnowflakeLayout layout) {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 10_000; i++) {
      long ticks = random.nextLong(layout.maxTimestamp() + 1);
      long dc = random.nextLong(layout.maxDatacenterId() + 1);
      long worker = random.nextLong(layout.maxWorkerId() + 1);
      long sequence = random.nextLong(layout.maxSequence() + 1);

      SnowflakeId parsed = layout.parse(layout.compose(ticks, dc, worker, sequence));

      assertThat(parsed.datacenterId()).isEqualTo(dc);
      assertThat(parsed.workerId()).isEqualTo(worker);
      assertThat(parsed.sequence()).isEqualTo(sequence);
      assertThat(parsed.timestamp()).isEqualTo(Instant.ofEpochMilli(layout.toEpochMillis(ticks)));
      assertThat(parsed.id()).isNotNegative();
    }
  }

  @ParameterizedTest
  @MethodSource("layouts")
  void generatedIdsParseBackToTheirConfig(SnowflakeLayout layout) {
    Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
    SnowflakeConfig config =
        SnowflakeConfig.custom()
            .layout(layout)
            .datacenterId(layout.maxDatacenterId())
            .workerId(layout.maxWorkerId() / 2)
            .clock(FakeClock.at(now))
            .build();
    SnowflakeId parsed =
        new SnowflakeIdGenerator(config).parse(new SnowflakeIdGenerator(config).nextId());

    assertThat(parsed.datacenterId()).isEqualTo(layout.maxDatacenterId());
    assertThat(parsed.workerId()).isEqualTo(layout.maxWorkerId() / 2);
    assertThat(Duration.between(parsed.timestamp(), now))
        .isBetween(Duration.ZERO, layout.tick().minusMillis(1));
  }

  @ParameterizedTest
  @MethodSource("layouts")
  void rejectsNegativeIds(SnowflakeLayout layout) {
    assertThatThrownBy(() -> layout.parse(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-5");
  }
}
