package io.toutiao.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against the JVM's shared {@link RedisSentinel} deployment (a master, a replica
 * and three sentinels): started before the first such class; before each class every process a test
 * paused, stopped or killed is brought back, the deployment is waited for until healthy and the
 * master is flushed (unless {@link #flush()} is false); injectable as a {@code RedisSentinel}
 * parameter; stopped at JVM exit.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RedisSentinelExtension.class)
public @interface RedisSentinelTest {

  /**
   * Whether to delete every key before the class runs.
   *
   * @return true (the default) to start each class on an empty data set
   */
  boolean flush() default true;
}
