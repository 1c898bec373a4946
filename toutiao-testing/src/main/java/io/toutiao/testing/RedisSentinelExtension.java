package io.toutiao.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension giving tests a real Redis Sentinel deployment, started once per JVM (about a
 * second). Use {@link RedisSentinelTest @RedisSentinelTest} on the class, or register it as a
 * field. Test methods and constructors can take a {@link RedisSentinel} parameter.
 */
public final class RedisSentinelExtension implements BeforeAllCallback, ParameterResolver {

  /** Creates the extension; it flushes the master before each class. */
  public RedisSentinelExtension() {}

  /**
   * Returns the shared deployment, starting it on first use.
   *
   * @return the deployment
   */
  public RedisSentinel sentinel() {
    return SharedServices.sentinel();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    RedisSentinel sentinel = sentinel();
    sentinel.ensureRunning();
    boolean flush =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), RedisSentinelTest.class)
            .map(RedisSentinelTest::flush)
            .orElse(true);
    if (flush) {
      sentinel.flushAll();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RedisSentinel.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return sentinel();
  }
}
