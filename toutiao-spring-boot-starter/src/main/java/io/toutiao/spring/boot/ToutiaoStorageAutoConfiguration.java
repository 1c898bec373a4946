package io.toutiao.spring.boot;

import io.toutiao.storage.ImageUploadService;
import io.toutiao.storage.ImageValidator;
import io.toutiao.storage.ObjectStorage;
import io.toutiao.storage.local.LocalObjectStorage;
import io.toutiao.storage.qiniu.QiniuConfig;
import io.toutiao.storage.qiniu.QiniuObjectStorage;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Storage from {@code toutiao.storage.*}: a local folder or a Qiniu bucket as {@link
 * ObjectStorage}, the content check ({@link ImageValidator}) and the {@link ImageUploadService}
 * over both. Each backs off when the application defines its own; off with {@code
 * toutiao.storage.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnClass(ObjectStorage.class)
@ConditionalOnProperty(prefix = "toutiao.storage", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(StorageProperties.class)
public class ToutiaoStorageAutoConfiguration {

  /** Creates the configuration. */
  public ToutiaoStorageAutoConfiguration() {}

  /**
   * The store.
   *
   * @param properties {@code toutiao.storage.*}
   * @return the store
   */
  @Bean
  @ConditionalOnMissingBean(ObjectStorage.class)
  public ObjectStorage toutiaoObjectStorage(StorageProperties properties) {
    if (properties.getType() == StorageProperties.Type.QINIU) {
      StorageProperties.Qiniu q = properties.getQiniu();
      require("toutiao.storage.qiniu.access-key", q.getAccessKey());
      require("toutiao.storage.qiniu.secret-key", q.getSecretKey());
      require("toutiao.storage.qiniu.bucket", q.getBucket());
      require("toutiao.storage.qiniu.domain", q.getDomain());
      try {
        QiniuConfig.Builder config =
            QiniuConfig.builder(q.getAccessKey(), q.getSecretKey(), q.getBucket(), q.getDomain())
                .https(q.isHttps());
        if (!q.getUpHosts().isEmpty()) {
          if (q.getRsHost() == null || q.getApiHost() == null) {
            throw new ToutiaoPropertyException(
                "toutiao.storage.qiniu.rs-host",
                "rs-host and api-host must be set with up-hosts",
                null);
          }
          config.hosts(q.getUpHosts(), q.getRsHost(), q.getApiHost());
        }
        return new QiniuObjectStorage(config.build());
      } catch (IllegalArgumentException e) {
        throw new ToutiaoPropertyException("toutiao.storage.qiniu", e.getMessage(), e);
      }
    }
    if (properties.getLocal().getRoot() == null) {
      throw new ToutiaoPropertyException(
          "toutiao.storage.local.root",
          "must name the folder uploads are stored in (or set toutiao.storage.type=QINIU)",
          null);
    }
    try {
      return new LocalObjectStorage(
          properties.getLocal().getRoot(), properties.getLocal().getBaseUrl());
    } catch (IllegalArgumentException e) {
      throw new ToutiaoPropertyException("toutiao.storage.local", e.getMessage(), e);
    }
  }

  private static void require(String property, String value) {
    if (value == null || value.isBlank()) {
      throw new ToutiaoPropertyException(
          property, "must be set for toutiao.storage.type=QINIU", null);
    }
  }

  /**
   * The content check.
   *
   * @param properties {@code toutiao.storage.*}
   * @return the validator
   */
  @Bean
  @ConditionalOnMissingBean
  public ImageValidator toutiaoImageValidator(StorageProperties properties) {
    ImageValidator.Builder builder = ImageValidator.builder().deepCheck(properties.isDeepCheck());
    if (properties.getMaxBytes() != null) {
      try {
        builder.maxBytes(properties.getMaxBytes());
      } catch (IllegalArgumentException e) {
        throw new ToutiaoPropertyException("toutiao.storage.max-bytes", e.getMessage(), e);
      }
    }
    return builder.build();
  }

  /**
   * Uploads: checked by content, then stored.
   *
   * @param validator the check
   * @param storage the store
   * @param listeners metrics, when on
   * @return the service
   */
  @Bean
  @ConditionalOnMissingBean
  public ImageUploadService toutiaoImageUploadService(
      ImageValidator validator,
      ObjectStorage storage,
      org.springframework.beans.factory.ObjectProvider<io.toutiao.storage.UploadListener>
          listeners) {
    return new ImageUploadService(
        validator, storage, listeners.getIfUnique(() -> io.toutiao.storage.UploadListener.NONE));
  }
}
