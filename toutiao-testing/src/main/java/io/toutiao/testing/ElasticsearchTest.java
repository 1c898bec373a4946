package io.toutiao.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against the JVM's shared {@link ElasticsearchServer}: started before the first
 * such class, injectable as an {@code ElasticsearchServer} parameter, stopped at JVM exit.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ElasticsearchExtension.class)
public @interface ElasticsearchTest {

  /**
   * Whether to delete every index (except hidden and system ones, whose names start with a dot)
   * before the class runs.
   *
   * @return false by default
   */
  boolean deleteIndices() default false;
}
