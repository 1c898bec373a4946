package io.toutiao.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against the JVM's shared {@link ElasticsearchCluster} ({@value
 * ElasticsearchCluster#DEFAULT_NODES} nodes): started before the first such class (about a minute
 * on 2 cores); before each class every node a test paused, stopped or killed is brought back and
 * the cluster is waited for until all nodes are in and it is at least yellow; injectable as an
 * {@code ElasticsearchCluster} parameter; stopped at JVM exit.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ElasticsearchClusterExtension.class)
public @interface ElasticsearchClusterTest {

  /**
   * Whether to delete every index (except hidden and system ones) before the class runs.
   *
   * @return false (the default) to keep indexes of earlier classes
   */
  boolean deleteIndices() default false;
}
