package io.toutiao.core.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WorkerIdAssignerTest {

  @Test
  void readsTheStatefulSetOrdinalFromTheHostName() {
    assertThat(WorkerIdAssigner.ordinalOf("news-api-3")).isEqualTo(3);
    assertThat(WorkerIdAssigner.ordinalOf("news-api-17.news-api.default.svc.cluster.local"))
        .isEqualTo(17);
    assertThatThrownBy(() -> WorkerIdAssigner.ordinalOf("web"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'web'")
        .hasMessageContaining("-<ordinal>");
  }

  @Test
  void readsTheWorkerIdFromASystemProperty() {
    System.setProperty("TOUTIAO_TEST_WORKER_ID", "7");
    try {
      SnowflakeConfig config =
          SnowflakeConfig.custom()
              .workerIdAssigner(WorkerIdAssigner.fromEnvironment("TOUTIAO_TEST_WORKER_ID"))
              .build();
      assertThat(config.workerId()).isEqualTo(7);
    } finally {
      System.clearProperty("TOUTIAO_TEST_WORKER_ID");
    }
  }

  @Test
  void failsWhenTheVariableIsMissingOrNotANumber() {
    assertThatThrownBy(
            () ->
                WorkerIdAssigner.fromEnvironment("TOUTIAO_TEST_UNSET_VAR")
                    .assignWorkerId(SnowflakeLayout.DEFAULT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TOUTIAO_TEST_UNSET_VAR is not set");
    System.setProperty("TOUTIAO_TEST_WORKER_ID", "seven");
    try {
      assertThatThrownBy(
              () ->
                  WorkerIdAssigner.fromEnvironment("TOUTIAO_TEST_WORKER_ID")
                      .assignWorkerId(SnowflakeLayout.DEFAULT))
          .hasMessageContaining("must be an integer, got 'seven'");
    } finally {
      System.clearProperty("TOUTIAO_TEST_WORKER_ID");
    }
  }

  @Test
  void anOrdinalBeyondTheLayoutFailsTheBuildWithTheRange() {
    WorkerIdAssigner pod40 = layout -> WorkerIdAssigner.ordinalOf("news-api-40");
    assertThatThrownBy(() -> SnowflakeConfig.custom().workerIdAssigner(pod40).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workerId must be between 0 and 31")
        .hasMessageContaining("got 40");
  }

  @Test
  void aGeneratorStopsWhenItsWorkerIdIsNoLongerHeld() {
    java.util.concurrent.atomic.AtomicBoolean held =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    WorkerIdAssigner leased =
        new WorkerIdAssigner() {
          @Override
          public long assignWorkerId(SnowflakeLayout layout) {
            return 5;
          }

          @Override
          public boolean isHeld() {
            return held.get();
          }
        };
    SnowflakeIdGenerator ids =
        new SnowflakeIdGenerator(SnowflakeConfig.custom().workerIdAssigner(leased).build());
    ids.nextId();
    held.set(false);

    assertThatThrownBy(ids::nextId)
        .isInstanceOf(IdGenerationException.class)
        .hasMessageContaining("worker id 5 is no longer held");
    assertThatThrownBy(() -> ids.nextIds(3)).isInstanceOf(IdGenerationException.class);
  }
}
