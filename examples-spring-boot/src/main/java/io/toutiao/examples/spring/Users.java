package io.toutiao.examples.spring;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * The users: an in-memory table standing in for the application's database (MyBatis, JPA...), read
 * through {@code @Cacheable} and evicted after each write.
 */
@Service
public class Users {

  private final Map<Long, UserProfile> table = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();

  /** Creates the table with the reference's first users. */
  public Users() {
    table.put(1L, new UserProfile(1, "头条小编", null));
    table.put(2L, new UserProfile(2, "科技频道", null));
  }

  /**
   * A profile: Caffeine, then Redis, then this method (once per cold key across every node).
   *
   * @param id the user
   * @return the profile, or null when there is no such user (remembered for the null TTL)
   */
  @Cacheable(cacheNames = "user-profile", sync = true)
  public UserProfile profile(long id) {
    reads.incrementAndGet();
    return table.get(id);
  }

  /**
   * Writes the table, then evicts the profile on every node.
   *
   * @param profile the new profile
   */
  @CacheEvict(cacheNames = "user-profile", key = "#profile.id()")
  public void save(UserProfile profile) {
    table.put(profile.id(), profile);
  }

  /**
   * The user for a mobile number, created on first login.
   *
   * @param mobile the number
   * @return the user id
   */
  public long userFor(String mobile) {
    long id = Math.abs(mobile.hashCode() % 1_000_000L) + 100;
    table.putIfAbsent(id, new UserProfile(id, "用户" + mobile.substring(mobile.length() - 4), null));
    return id;
  }

  /**
   * How many reads reached the table.
   *
   * @return the count
   */
  public int reads() {
    return reads.get();
  }
}
