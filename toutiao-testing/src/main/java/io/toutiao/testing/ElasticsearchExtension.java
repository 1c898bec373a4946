package io.toutiao.testing;

import java.io.IOException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension giving tests a real Elasticsearch node, started once per JVM (about 15-30 s).
 *
 * <p>Use {@link ElasticsearchTest @ElasticsearchTest} on the class, or register it as a field:
 *
 * <pre>{@code
 * @RegisterExtension static ElasticsearchExtension es = new ElasticsearchExtension();
 * ...
 * RestClient rest = RestClient.builder(HttpHost.create(es.server().httpUri().toString())).build();
 * }</pre>
 *
 * <p>Before each class a node stopped by a previous test is started again. Test methods and
 * constructors can take an {@link ElasticsearchServer} parameter. When {@code TOUTIAO_ES_URL} is
 * set, that external node is used instead.
 */
public final class ElasticsearchExtension implements BeforeAllCallback, ParameterResolver {

  /** Creates the extension. */
  public ElasticsearchExtension() {}

  /**
   * Returns the shared node, starting it on first use.
   *
   * @return the node
   */
  public ElasticsearchServer server() {
    return SharedServices.elasticsearch();
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    ElasticsearchServer server = server();
    server.ensureRunning();
    boolean deleteIndices =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), ElasticsearchTest.class)
            .map(ElasticsearchTest::deleteIndices)
            .orElse(false);
    if (deleteIndices) {
      server.deleteIndices();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ElasticsearchServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return server();
  }
}
