package io.toutiao.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link RevocationStore} in this JVM's memory: right for one instance and for tests. Expired
 * entries are swept every 1024 writes. Thread-safe.
 */
public final class InMemoryRevocationStore implements RevocationStore {

  private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
  private final Map<Long, Instant[]> users = new ConcurrentHashMap<>();
  private final AtomicInteger writes = new AtomicInteger();
  private final Clock clock;

  /** Creates a store on the system clock. */
  public InMemoryRevocationStore() {
    this(Clock.systemUTC());
  }

  /**
   * Creates a store whose entries expire by the given clock.
   *
   * @param clock decides when entries may be dropped
   */
  public InMemoryRevocationStore(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
  }

  @Override
  public void revoke(String id, Instant until) {
    revoked.merge(
        Objects.requireNonNull(id, "id must not be null"), until, (a, b) -> a.isAfter(b) ? a : b);
    sweepNow();
  }

  @Override
  public boolean isRevoked(String id) {
    Instant until = revoked.get(id);
    return until != null && until.isAfter(clock.instant());
  }

  @Override
  public boolean markUsed(String id, Instant until) {
    Instant now = clock.instant();
    boolean[] first = {false};
    revoked.compute(
        id,
        (key, existing) -> {
          if (existing != null && existing.isAfter(now)) {
            return existing;
          }
          first[0] = true;
          return until;
        });
    sweepNow();
    return first[0];
  }

  @Override
  public void revokeUser(long userId, Instant before, Instant until) {
    users.merge(
        userId,
        new Instant[] {before, until},
        (a, b) -> new Instant[] {max(a[0], b[0]), max(a[1], b[1])});
    sweepNow();
  }

  @Override
  public Optional<Instant> userRevokedBefore(long userId) {
    Instant[] entry = users.get(userId);
    return entry == null || !entry[1].isAfter(clock.instant())
        ? Optional.empty()
        : Optional.of(entry[0]);
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private void sweepNow() {
    if ((writes.incrementAndGet() & 1023) == 0) {
      Instant now = clock.instant();
      revoked.values().removeIf(until -> !until.isAfter(now));
      users.values().removeIf(entry -> !entry[1].isAfter(now));
    }
  }

  /**
   * Returns how many entries are held (for tests and metrics).
   *
   * @return entries, expired ones included until swept
   */
  public int size() {
    return revoked.size() + users.size();
  }
}
