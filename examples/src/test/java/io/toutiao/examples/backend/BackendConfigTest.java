package io.toutiao.examples.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendConfigTest {

  @Test
  void nothingSetMeansEmbeddedEverythingOn8080() {
    BackendConfig config = BackendConfig.from(Map.of());
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.redisUrl()).isNull();
    assertThat(config.elasticsearchUrl()).isNull();
    assertThat(config.qiniu()).isNull();
    assertThat(config.jwtSecret()).isNull();
  }

  @Test
  void realServicesAreTakenFromTheEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("TOUTIAO_HTTP_PORT", "9090");
    env.put("TOUTIAO_REDIS_URL", "redis://:s3cret-pass@10.0.0.5:6379");
    env.put("TOUTIAO_ES_URL", "http://10.0.0.6:9200");
    env.put("TOUTIAO_JWT_SECRET", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==");
    env.put("QINIU_ACCESS_KEY", "ak");
    env.put("QINIU_SECRET_KEY", "qiniu-secret-key");
    env.put("QINIU_BUCKET", "toutiao");
    env.put("QINIU_DOMAIN", "cdn.example.com");
    env.put("QINIU_UP_HOST", "up-z2.qiniup.com");
    env.put("QINIU_RS_HOST", "rs-z2.qiniu.com");
    env.put("QINIU_API_HOST", "api.qiniu.com");

    BackendConfig config = BackendConfig.from(env);

    assertThat(config.port()).isEqualTo(9090);
    assertThat(config.redisUrl().getHost()).isEqualTo("10.0.0.5");
    assertThat(config.qiniu().bucket()).isEqualTo("toutiao");
    assertThat(config.toString())
        .contains("10.0.0.5:6379", "toutiao", "jwtSecret=(set)")
        .doesNotContain("s3cret-pass", "qiniu-secret-key", "c2VjcmV0");
  }

  @Test
  void badSettingsAreNamed() {
    assertThatThrownBy(() -> BackendConfig.from(Map.of("TOUTIAO_HTTP_PORT", "http")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TOUTIAO_HTTP_PORT");
    assertThatThrownBy(() -> BackendConfig.from(Map.of("TOUTIAO_HTTP_PORT", "70000")))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> BackendConfig.from(Map.of("TOUTIAO_ES_URL", "not a url")))
        .hasMessageContaining("TOUTIAO_ES_URL");
    assertThatThrownBy(() -> BackendConfig.from(Map.of("QINIU_ACCESS_KEY", "ak")))
        .hasMessageContaining("QINIU_SECRET_KEY");
  }
}
