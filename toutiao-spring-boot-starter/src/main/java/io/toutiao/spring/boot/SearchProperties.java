package io.toutiao.spring.boot;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code toutiao.search.*}: the Elasticsearch client (when the application has none). */
@ConfigurationProperties(prefix = "toutiao.search")
public class SearchProperties {

  /** Whether to configure search. */
  private boolean enabled = true;

  /** The nodes, e.g. {@code http://127.0.0.1:9200}. */
  private List<URI> uris = new ArrayList<>(List.of(URI.create("http://localhost:9200")));

  /** Basic-auth user, or none. */
  private String username;

  /** Basic-auth password (never logged). */
  private String password;

  /** Connect timeout. */
  private Duration connectTimeout = Duration.ofSeconds(2);

  /** How long a request waits for its answer. */
  private Duration socketTimeout = Duration.ofSeconds(10);

  /** Whether to create the reference's {@code articles} index (behind its alias) at start-up. */
  private boolean createArticlesIndex;

  /** Creates the defaults. */
  public SearchProperties() {}

  /**
   * @return whether search is configured
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * @param enabled whether to configure search
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * @return the node URIs
   */
  public List<URI> getUris() {
    return uris;
  }

  /**
   * @param uris the node URIs
   */
  public void setUris(List<URI> uris) {
    this.uris = uris;
  }

  /**
   * @return the user, or null
   */
  public String getUsername() {
    return username;
  }

  /**
   * @param username the user
   */
  public void setUsername(String username) {
    this.username = username;
  }

  /**
   * @return the password, or null
   */
  public String getPassword() {
    return password;
  }

  /**
   * @param password the password
   */
  public void setPassword(String password) {
    this.password = password;
  }

  /**
   * @return the connect timeout
   */
  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  /**
   * @param connectTimeout the connect timeout
   */
  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  /**
   * @return the socket timeout
   */
  public Duration getSocketTimeout() {
    return socketTimeout;
  }

  /**
   * @param socketTimeout the socket timeout
   */
  public void setSocketTimeout(Duration socketTimeout) {
    this.socketTimeout = socketTimeout;
  }

  /**
   * @return whether the articles index is created at start-up
   */
  public boolean isCreateArticlesIndex() {
    return createArticlesIndex;
  }

  /**
   * @param createArticlesIndex whether to create the articles index at start-up
   */
  public void setCreateArticlesIndex(boolean createArticlesIndex) {
    this.createArticlesIndex = createArticlesIndex;
  }

  @Override
  public String toString() {
    return "SearchProperties[uris=" + uris + ", username=" + username + "]";
  }
}
