package io.toutiao.core.id;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CoarseClockTest {

  @Test
  void followsTheSystemClock() throws InterruptedException {
    CoarseClock clock = CoarseClock.shared();
    long before = clock.millis();
    Thread.sleep(30);
    long after = clock.millis();

    assertThat(after - before).isGreaterThanOrEqualTo(20);
    assertThat(Math.abs(System.currentTimeMillis() - after)).isLessThan(1000);
    assertThat(CoarseClock.shared()).isSameAs(clock);
  }

  @Test
  void generatorOnTheCoarseClockIssuesUniqueIncreasingIds() {
    SnowflakeIdGenerator ids =
        new SnowflakeIdGenerator(SnowflakeConfig.custom().clock(CoarseClock.shared()).build());
    long[] issued = new long[200_000];
    for (int i = 0; i < issued.length; i++) {
      issued[i] = ids.nextId();
    }
    for (int i = 1; i < issued.length; i++) {
      assertThat(issued[i]).isGreaterThan(issued[i - 1]);
    }
    assertThat(Arrays.stream(issued).distinct().count()).isEqualTo(issued.length);
  }
}
