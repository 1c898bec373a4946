package io.toutiao.testing;

import java.io.IOException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension giving tests a real 3-node Elasticsearch cluster, started once per JVM. Use
 * {@link ElasticsearchClusterTest @ElasticsearchClusterTest} on the class, or register it as a
 * field. Test methods and constructors can take an {@link ElasticsearchCluster} parameter.
 */
public final class ElasticsearchClusterExtension implements BeforeAllCallback, ParameterResolver {

  /** Creates the extension. */
  public ElasticsearchClusterExtension() {}

  /**
   * Returns the shared cluster, starting it on first use.
   *
   * @return the cluster
   */
  public ElasticsearchCluster cluster() {
    return SharedServices.elasticsearchCluster();
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    ElasticsearchCluster cluster = cluster();
    cluster.ensureRunning();
    boolean deleteIndices =
        AnnotationSupport.findAnnotation(
                context.getRequiredTestClass(), ElasticsearchClusterTest.class)
            .map(ElasticsearchClusterTest::deleteIndices)
            .orElse(false);
    if (deleteIndices) {
      cluster.deleteIndices();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ElasticsearchCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return cluster();
  }
}
