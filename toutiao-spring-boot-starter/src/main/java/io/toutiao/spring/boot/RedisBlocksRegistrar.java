package io.toutiao.spring.boot;

import io.toutiao.cache.redis.CounterStore;
import io.toutiao.cache.redis.RecentList;
import java.util.Map;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import redis.clients.jedis.UnifiedJedis;

/**
 * Registers one {@link CounterStore} bean per {@code toutiao.cache.counters.<name>} and one {@link
 * RecentList} bean per {@code toutiao.cache.recent-lists.<name>}, named {@code <name>} (inject them
 * with {@code @Qualifier("<name>")}). A name the application already uses is left to it.
 */
final class RedisBlocksRegistrar implements BeanDefinitionRegistryPostProcessor {

  private final Environment environment;

  RedisBlocksRegistrar(Environment environment) {
    this.environment = environment;
  }

  static CacheProperties bind(Environment environment) {
    return Binder.get(environment)
        .bindOrCreate("toutiao.cache", Bindable.of(CacheProperties.class));
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    CacheProperties properties = bind(environment);
    for (Map.Entry<String, CacheProperties.Counter> entry : properties.getCounters().entrySet()) {
      String name = entry.getKey();
      String key = entry.getValue().getKey();
      if (key == null || key.isBlank()) {
        throw new ToutiaoPropertyException(
            "toutiao.cache.counters." + name + ".key",
            "must name the sorted set, e.g. " + CounterStore.ARTICLE_LIKING,
            null);
      }
      if (!registry.containsBeanDefinition(name)) {
        registry.registerBeanDefinition(
            name,
            new RootBeanDefinition(
                CounterStore.class,
                () ->
                    new CounterStore(
                        ((org.springframework.beans.factory.BeanFactory) registry)
                            .getBean(UnifiedJedis.class),
                        key)));
      }
    }
    for (Map.Entry<String, CacheProperties.RecentListSpec> entry :
        properties.getRecentLists().entrySet()) {
      String name = entry.getKey();
      CacheProperties.RecentListSpec spec = entry.getValue();
      String prefix = "toutiao.cache.recent-lists." + name;
      if (spec.getKeyPattern() == null) {
        throw new ToutiaoPropertyException(
            prefix + ".key-pattern", "must be set, e.g. user:{}:his:reading", null);
      }
      if (spec.getCapacity() < 1 || spec.getCapacity() > 10_000) {
        throw new ToutiaoPropertyException(
            prefix + ".capacity", "must be 1 to 10000, got " + spec.getCapacity(), null);
      }
      if (!spec.getKeyPattern().contains("{}")) {
        throw new ToutiaoPropertyException(
            prefix + ".key-pattern", "must contain {} for the user id", null);
      }
      if (!registry.containsBeanDefinition(name)) {
        registry.registerBeanDefinition(
            name,
            new RootBeanDefinition(
                RecentList.class,
                () ->
                    new RecentList(
                        ((org.springframework.beans.factory.BeanFactory) registry)
                            .getBean(UnifiedJedis.class),
                        spec.getKeyPattern(),
                        spec.getCapacity())));
      }
    }
  }
}
