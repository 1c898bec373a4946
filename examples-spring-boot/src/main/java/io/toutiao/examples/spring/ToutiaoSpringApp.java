package io.toutiao.examples.spring;

import io.toutiao.testing.ElasticsearchServer;
import io.toutiao.testing.RedisServer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application on toutiao-spring-boot-starter (run {@link #main} from the IDE): login
 * with tokens, a profile cached in two levels, a secured endpoint, a photo upload checked by
 * content, and search. Without {@code REDIS_HOST} it starts a Redis of its own (toutiao-testing);
 * with {@code SEARCH_ENABLED=true} and no {@code ES_URL}, an Elasticsearch node too. Its
 * configuration is {@code application.yaml}.
 */
@SpringBootApplication
@EnableCaching
public class ToutiaoSpringApp {

  /** Creates the application. */
  public ToutiaoSpringApp() {}

  /**
   * Starts the application, and the services it was not given.
   *
   * @param args Spring Boot's arguments
   */
  public static void main(String[] args) {
    start(args);
  }

  /**
   * Starts the application (the services it was not given stop with the JVM).
   *
   * @param args Spring Boot's arguments
   * @return the running application
   */
  public static ConfigurableApplicationContext start(String... args) {
    Map<String, Object> given = new HashMap<>();
    if (System.getenv("REDIS_HOST") == null && System.getProperty("REDIS_HOST") == null) {
      RedisServer redis = RedisServer.start();
      given.put("REDIS_HOST", redis.host());
      given.put("REDIS_PORT", redis.port());
    }
    if (System.getenv("TOKEN_SECRET") == null && System.getProperty("TOKEN_SECRET") == null) {
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      // a fresh key per run: tokens do not survive a restart (set TOKEN_SECRET for that)
      given.put("TOKEN_SECRET", Base64.getEncoder().encodeToString(secret));
    }
    if ("true".equals(setting("SEARCH_ENABLED")) && setting("ES_URL") == null) {
      ElasticsearchServer es = ElasticsearchServer.start();
      given.put("ES_URL", es.httpUri().toString());
    }
    SpringApplication application = new SpringApplication(ToutiaoSpringApp.class);
    application.setDefaultProperties(given);
    return application.run(args);
  }

  private static String setting(String name) {
    return System.getProperty(name, System.getenv(name));
  }
}
