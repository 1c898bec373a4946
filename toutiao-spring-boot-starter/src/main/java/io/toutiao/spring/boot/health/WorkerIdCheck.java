package io.toutiao.spring.boot.health;

import io.toutiao.core.id.LeasedWorkerIdAssigner;
import io.toutiao.core.id.SnowflakeIdGenerator;
import java.util.Map;

/** The worker id: down while a leased worker id is not held (no ids are issued then). */
public final class WorkerIdCheck {

  private WorkerIdCheck() {}

  /**
   * Looks at the lease.
   *
   * @param generator the generator
   * @return the result
   */
  public static Check check(SnowflakeIdGenerator generator) {
    if (generator.config().workerIdAssigner() instanceof LeasedWorkerIdAssigner leased
        && !leased.isHeld()) {
      return new Check(false, Map.of("lease", "lost: no ids are issued until it is back"));
    }
    return new Check(true, Map.of("workerId", generator.currentWorkerId()));
  }
}
