package com.example;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The application of the starter's README (its YAML is read from the README by the test). */
@SpringBootApplication
@EnableCaching
public class ReadmeApp {
  /** The cached profiles. */
  @Service
  public static class Profiles {
    final AtomicInteger loads = new AtomicInteger();

    @Cacheable(cacheNames = "user-profile", sync = true) // Caffeine -> Redis -> this method
    public UserProfile profile(long id) {
      loads.incrementAndGet();
      return new UserProfile(id, "头条号 " + id);
    }

    @CacheEvict(cacheNames = "user-profile") // after the database write: every node
    public void updated(long id) {}

    /**
     * @return calls that reached the method
     */
    public int loads() {
      return loads.get();
    }
  }

  /** The signed-in user's profile. */
  @RestController
  static class Me {
    private final Profiles profiles;

    Me(Profiles profiles) {
      this.profiles = profiles;
    }

    @GetMapping("/v1_0/user") // needs a valid access token
    public UserProfile me(@AuthenticationPrincipal Long userId) {
      return profiles.profile(userId);
    }
  }
}
