package io.toutiao.testing;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that puts a {@link FaultProxy} in front of a server for a test class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static FaultProxyExtension proxy = FaultProxyExtension.forRedis(); // in front of the shared Redis
 *
 * @Test
 * void timesOutWhenFrozen(FaultProxy proxy) { ... proxy.freeze(); ... }
 * }</pre>
 *
 * <p>Registered on a static field, one proxy serves the whole class and is closed after it;
 * registered on an instance field, each test gets its own. Every fault is healed after each test,
 * so a failing test cannot leave the next one frozen. Test methods and constructors can take a
 * {@link FaultProxy} parameter.
 */
public final class FaultProxyExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FaultProxyExtension.class);

  private final Supplier<InetSocketAddress> target;
  private volatile FaultProxy proxy;

  private FaultProxyExtension(Supplier<InetSocketAddress> target) {
    this.target = target;
  }

  /**
   * A proxy in front of the server that {@code target} names when the class starts (so it can come
   * from another extension's server).
   *
   * @param target supplies the server address
   * @return the extension
   */
  public static FaultProxyExtension to(Supplier<InetSocketAddress> target) {
    return new FaultProxyExtension(Objects.requireNonNull(target, "target must not be null"));
  }

  /**
   * A proxy in front of {@code host:port}.
   *
   * @param host the server's host
   * @param port the server's port
   * @return the extension
   */
  public static FaultProxyExtension to(String host, int port) {
    Objects.requireNonNull(host, "host must not be null");
    return to(() -> new InetSocketAddress(host, port));
  }

  /**
   * A proxy in front of the JVM's shared {@link RedisServer} (the one {@link RedisTest} uses).
   *
   * @return the extension
   */
  public static FaultProxyExtension forRedis() {
    return to(
        () -> {
          RedisServer redis = SharedServices.redis();
          return new InetSocketAddress(redis.host(), redis.port());
        });
  }

  /**
   * A proxy in front of the JVM's shared {@link ElasticsearchServer} (HTTP port).
   *
   * @return the extension
   */
  public static FaultProxyExtension forElasticsearch() {
    return to(
        () -> {
          ElasticsearchServer node = SharedServices.elasticsearch();
          return new InetSocketAddress(node.host(), node.httpPort());
        });
  }

  /**
   * Returns the proxy of the running class or test.
   *
   * @return the proxy
   * @throws IllegalStateException outside a test
   */
  public FaultProxy proxy() {
    FaultProxy current = proxy;
    if (current == null) {
      throw new IllegalStateException("the fault proxy exists only while a test class runs");
    }
    return current;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    open(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (proxy == null) {
      open(context);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    FaultProxy current = proxy;
    if (current != null) {
      current.heal();
    }
  }

  private void open(ExtensionContext context) {
    InetSocketAddress address = target.get();
    FaultProxy started = FaultProxy.start(address, 0);
    proxy = started;
    context
        .getStore(NAMESPACE)
        .put(
            this,
            (AutoCloseable)
                () -> {
                  proxy = null;
                  started.close();
                });
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == FaultProxy.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return proxy();
  }
}
