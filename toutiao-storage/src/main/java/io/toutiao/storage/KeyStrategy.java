package io.toutiao.storage;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/** How a store names content stored without a caller's key. */
@FunctionalInterface
public interface KeyStrategy {

  /**
   * Names content.
   *
   * @param sha256 the content's SHA-256, lower-case hex
   * @param extension a file extension without the dot (e.g. {@code png}), or null
   * @return a valid key, or null to let the server name it (Qiniu's content hash, the reference)
   */
  String keyFor(String sha256, String extension);

  /** The content hash as the key: identical uploads share one object. */
  KeyStrategy CONTENT_HASH =
      (sha256, extension) -> extension == null ? sha256 : sha256 + "." + extension;

  /** Let the server choose (Qiniu names the object by its etag, as the reference does). */
  KeyStrategy SERVER_ASSIGNED = (sha256, extension) -> null;

  /**
   * The content hash under a date folder, e.g. {@code 2026/11/27/<sha256>.png}.
   *
   * @param clock the clock giving the date (UTC)
   * @return the strategy
   */
  static KeyStrategy datedContentHash(Clock clock) {
    Objects.requireNonNull(clock, "clock must not be null");
    return (sha256, extension) -> {
      LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
      return String.format(
          "%04d/%02d/%02d/%s",
          day.getYear(),
          day.getMonthValue(),
          day.getDayOfMonth(),
          CONTENT_HASH.keyFor(sha256, extension));
    };
  }
}
