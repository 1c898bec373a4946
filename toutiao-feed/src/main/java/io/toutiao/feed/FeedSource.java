package io.toutiao.feed;

/**
 * Produces a page of a channel's feed. The recommendation service implements it (see {@link
 * io.toutiao.feed.redis.RedisFeedRecommender} for the default, {@link FeedServiceBase} to serve one
 * over gRPC), and a host gives one to {@link FeedClient} as its fallback, e.g. the channel's newest
 * approved articles from its database.
 *
 * <p>Implementations must be thread-safe. The returned page's {@code nextTimestamp} follows the
 * reference: the next request passes it back to get the articles older than this page; 0 means
 * there is no older page.
 */
@FunctionalInterface
public interface FeedSource {

  /**
   * Produces the page.
   *
   * @param request the validated request
   * @return the page, never null
   * @throws FeedUnavailableException if the source cannot serve now (a dependency is down)
   */
  FeedPage recommend(FeedRequest request);
}
