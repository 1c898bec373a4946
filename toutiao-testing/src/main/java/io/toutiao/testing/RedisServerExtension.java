package io.toutiao.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension giving tests a real Redis server, started once per JVM.
 *
 * <p>Use {@link RedisTest @RedisTest} on the class, or register it as a field:
 *
 * <pre>{@code
 * @RegisterExtension static RedisServerExtension redis = new RedisServerExtension();
 * ...
 * UnifiedJedis jedis = new UnifiedJedis(redis.server().uri());
 * }</pre>
 *
 * <p>Before each class the server is restarted if a previous test stopped it, then flushed (unless
 * disabled). Test methods and constructors can take a {@link RedisServer} parameter. When the
 * environment variable (or system property {@code toutiao.redis.url}) {@code TOUTIAO_REDIS_URL} is
 * set, the external server it names is used instead and flushed the same way.
 */
public final class RedisServerExtension implements BeforeAllCallback, ParameterResolver {

  private final boolean flush;

  /** Creates the extension; it flushes the server before each class. */
  public RedisServerExtension() {
    this(true);
  }

  private RedisServerExtension(boolean flush) {
    this.flush = flush;
  }

  /**
   * Creates an extension that keeps the data of earlier classes.
   *
   * @return the extension
   */
  public static RedisServerExtension withoutFlush() {
    return new RedisServerExtension(false);
  }

  /**
   * Returns the shared server, starting it on first use.
   *
   * @return the server
   * @throws TestServiceException when it cannot be started
   */
  public RedisServer server() {
    return SharedServices.redis();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    RedisServer server = server();
    server.ensureRunning();
    boolean flushNow =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), RedisTest.class)
            .map(RedisTest::flush)
            .orElse(flush);
    if (flushNow) {
      server.flushAll();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RedisServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return server();
  }
}
