package io.toutiao.core.id;

import java.time.Instant;
import java.util.Optional;

/**
 * Persists the time up to which a {@link SnowflakeIdGenerator} may have issued ids, so that after a
 * restart it never issues an id with a timestamp at or below it, even if the clock was set back.
 * Implementations must be thread-safe and durable once {@link #save(Instant)} returns.
 *
 * <p>One store belongs to one generator (one worker id); {@link FileHighWaterMarkStore} keeps it in
 * a local file.
 */
public interface HighWaterMarkStore {

  /**
   * Reads the stored mark.
   *
   * @return the mark, or empty when none was ever saved
   * @throws IdGenerationException when the stored mark exists but cannot be read; never treat an
   *     unreadable mark as absent, which could repeat ids
   */
  Optional<Instant> load();

  /**
   * Durably stores a new mark (never smaller than the previous one).
   *
   * @param reservedUntil the instant up to which ids may be issued
   * @throws IdGenerationException when it cannot be stored
   */
  void save(Instant reservedUntil);
}
