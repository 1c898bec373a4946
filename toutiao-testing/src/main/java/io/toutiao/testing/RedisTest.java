package io.toutiao.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against the JVM's shared {@link RedisServer}: started before the first such
 * class, flushed before each class (unless {@link #flush()} is false), injectable as a {@code
 * RedisServer} parameter, stopped at JVM exit.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RedisServerExtension.class)
public @interface RedisTest {

  /**
   * Whether to delete every key before the class runs.
   *
   * @return true (the default) to start each class on an empty server
   */
  boolean flush() default true;
}
