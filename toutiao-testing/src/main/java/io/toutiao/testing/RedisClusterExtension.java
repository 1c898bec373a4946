package io.toutiao.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension giving tests a real Redis Cluster, started once per JVM.
 *
 * <p>Use {@link RedisClusterTest @RedisClusterTest} on the class, or register it as a field. Before
 * each class stopped nodes are restarted and the masters flushed (unless disabled). Test methods
 * and constructors can take a {@link RedisCluster} parameter. When {@code
 * TOUTIAO_REDIS_CLUSTER_NODES} (comma-separated {@code host:port}) is set, that external cluster is
 * used instead.
 */
public final class RedisClusterExtension implements BeforeAllCallback, ParameterResolver {

  private final boolean flush;

  /** Creates the extension; it flushes the cluster before each class. */
  public RedisClusterExtension() {
    this(true);
  }

  private RedisClusterExtension(boolean flush) {
    this.flush = flush;
  }

  /**
   * Creates an extension that keeps the data of earlier classes.
   *
   * @return the extension
   */
  public static RedisClusterExtension withoutFlush() {
    return new RedisClusterExtension(false);
  }

  /**
   * Returns the shared cluster, starting it on first use.
   *
   * @return the cluster
   */
  public RedisCluster cluster() {
    return SharedServices.cluster();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    RedisCluster cluster = cluster();
    cluster.ensureRunning();
    boolean flushNow =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), RedisClusterTest.class)
            .map(RedisClusterTest::flush)
            .orElse(flush);
    if (flushNow) {
      cluster.flushAll();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RedisCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return cluster();
  }
}
