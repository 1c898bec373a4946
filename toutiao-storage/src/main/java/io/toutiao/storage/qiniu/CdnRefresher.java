package io.toutiao.storage.qiniu;

import com.qiniu.cdn.CdnManager;
import com.qiniu.cdn.CdnResult;
import com.qiniu.common.QiniuException;
import com.qiniu.http.Client;
import com.qiniu.util.Auth;
import io.toutiao.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Purges (refresh) and warms (prefetch) CDN caches after objects change, in batches of the API's
 * limits: {@value #MAX_URLS} URLs and {@value #MAX_DIRS} directories per call. Thread-safe.
 */
public final class CdnRefresher {

  /** URLs per refresh or prefetch call. */
  public static final int MAX_URLS = 60;

  /** Directories per refresh call. */
  public static final int MAX_DIRS = 10;

  private final CdnManager cdn;

  /**
   * Creates the refresher against the configured CDN API server.
   *
   * @param config the configuration (keys and {@link QiniuConfig#cdnServer()})
   */
  public CdnRefresher(QiniuConfig config) {
    Auth auth = Auth.create(config.accessKey(), config.secretKey());
    this.cdn =
        new CdnManager(
            auth, config.cdnServer(), new Client(QiniuObjectStorage.sdkConfiguration(config)));
  }

  /**
   * Purges URLs from the CDN.
   *
   * @param urls full URLs, any number (sent in batches of 60)
   * @return how many calls were made
   * @throws StorageException when a call is refused
   */
  public int refreshUrls(List<String> urls) {
    return inBatches(urls, MAX_URLS, batch -> check(cdn.refreshUrls(batch), "refresh URLs"));
  }

  /**
   * Purges directories (URL prefixes ending in {@code /}) from the CDN.
   *
   * @param dirs directory URLs, any number (sent in batches of 10)
   * @return how many calls were made
   */
  public int refreshDirs(List<String> dirs) {
    for (String dir : dirs) {
      if (!dir.endsWith("/")) {
        throw new IllegalArgumentException("a directory URL must end with '/': " + dir);
      }
    }
    return inBatches(dirs, MAX_DIRS, batch -> check(cdn.refreshDirs(batch), "refresh directories"));
  }

  /**
   * Warms URLs into the CDN.
   *
   * @param urls full URLs, any number (sent in batches of 60)
   * @return how many calls were made
   */
  public int prefetchUrls(List<String> urls) {
    return inBatches(urls, MAX_URLS, batch -> check(cdn.prefetchUrls(batch), "prefetch URLs"));
  }

  private interface Batch {
    void send(String[] batch) throws QiniuException;
  }

  private static int inBatches(List<String> items, int size, Batch batch) {
    Objects.requireNonNull(items, "items must not be null");
    List<String> all = new ArrayList<>(items);
    int calls = 0;
    for (int from = 0; from < all.size(); from += size) {
      try {
        batch.send(all.subList(from, Math.min(all.size(), from + size)).toArray(String[]::new));
      } catch (QiniuException e) {
        throw QiniuObjectStorage.translate(
            "update the CDN", e.code(), e.response == null ? null : e.response.reqId, e);
      }
      calls++;
    }
    return calls;
  }

  private static void check(CdnResult.RefreshResult result, String action) {
    if (result.code != 200) {
      throw new StorageException(
          "CDN could not " + action + ": code " + result.code + " " + result.error);
    }
  }

  private static void check(CdnResult.PrefetchResult result, String action) {
    if (result.code != 200) {
      throw new StorageException(
          "CDN could not " + action + ": code " + result.code + " " + result.error);
    }
  }
}
