package io.toutiao.spring.boot;

import io.toutiao.testing.RedisServer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/** What the tests share: properties for a real Redis, a cached service. */
final class Fixtures {

  private Fixtures() {}

  /** A folder for uploads, per JVM. */
  static final java.nio.file.Path UPLOADS = uploads();

  private static java.nio.file.Path uploads() {
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("toutiao-starter-uploads");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A 32-byte HMAC secret, fresh per JVM. */
  static final String SECRET = base64Secret();

  static String base64Secret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return Base64.getEncoder().encodeToString(secret);
  }

  /** The properties of an application on this Redis, with one HMAC key and two caches. */
  static List<String> properties(RedisServer redis) {
    List<String> p = new ArrayList<>();
    p.add("spring.data.redis.host=" + redis.host());
    p.add("spring.data.redis.port=" + redis.port());
    p.add("toutiao.ids.worker-id=3");
    p.add("toutiao.auth.keys[0].id=k1");
    p.add("toutiao.auth.keys[0].secret=" + SECRET);
    p.add("toutiao.cache.caches.profile.value-type=" + Profile.class.getName());
    p.add("toutiao.cache.caches.profile.key-pattern=user:{}:profile");
    p.add("toutiao.cache.caches.profile.max-staleness=500ms");
    p.add("toutiao.cache.caches.plain.value-type=" + Profile.class.getName());
    p.add("toutiao.search.enabled=false");
    p.add("toutiao.storage.local.root=" + UPLOADS);
    p.add("toutiao.storage.local.base-url=https://static.example.com/files");
    return p;
  }

  /** A cached value. */
  public record Profile(long id, String name) {}

  /** A service whose methods are cached, counting the calls that reach it. */
  public static class ProfileService {
    private final AtomicInteger calls = new AtomicInteger();

    /**
     * @return how many calls reached the methods
     */
    public int calls() {
      return calls.get();
    }

    /**
     * @param id the user
     * @return the profile, null for 404
     */
    @Cacheable(cacheNames = "profile", sync = true)
    public Profile profile(long id) {
      calls.incrementAndGet();
      return id == 404 ? null : new Profile(id, "user " + id + " v" + calls.get());
    }

    /**
     * @param id the user
     * @return the profile
     */
    @Cacheable(cacheNames = "plain")
    public Profile plain(long id) {
      calls.incrementAndGet();
      return new Profile(id, "plain " + id);
    }

    /**
     * @param id the user
     * @param value what to store
     * @return the value
     */
    @CachePut(cacheNames = "profile", key = "#id")
    public Object store(long id, Object value) {
      return value;
    }

    /**
     * @param id the user
     */
    @CacheEvict(cacheNames = "profile")
    public void evict(long id) {}

    /** Evicts everything (not supported). */
    @CacheEvict(cacheNames = "profile", allEntries = true)
    public void evictAll() {}
  }
}
