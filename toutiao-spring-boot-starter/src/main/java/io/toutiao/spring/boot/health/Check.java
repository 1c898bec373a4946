package io.toutiao.spring.boot.health;

import java.util.Map;

/**
 * What a health check found, independent of the Actuator line that reports it (Spring Boot 3's
 * {@code org.springframework.boot.actuate.health} or 4's {@code
 * org.springframework.boot.health.contributor}).
 *
 * @param up whether the block works
 * @param details what to show
 */
public record Check(boolean up, Map<String, Object> details) {

  static String error(Exception e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
