package io.toutiao.feed;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a channel's feed, as the reference's {@code ArticleResponse}, plus where it came
 * from.
 *
 * @param articles the articles, in display order
 * @param nextTimestamp the cursor of the next (older) page; 0 when there is none
 * @param exposure the exposure track of the page ("" when not tracked)
 * @param fallbackReason empty when the recommendation service answered; otherwise why the fallback
 *     did
 */
public record FeedPage(
    List<FeedArticle> articles,
    long nextTimestamp,
    String exposure,
    Optional<FallbackReason> fallbackReason) {

  /** Copies the list and checks the fields. */
  public FeedPage {
    articles = List.copyOf(articles);
    Objects.requireNonNull(exposure, "exposure must not be null");
    Objects.requireNonNull(fallbackReason, "fallbackReason must not be null");
    if (nextTimestamp < 0) {
      throw new IllegalArgumentException("nextTimestamp must be >= 0, got " + nextTimestamp);
    }
  }

  /**
   * A page a recommender produced.
   *
   * @param articles the articles
   * @param nextTimestamp the next cursor, 0 for none
   * @param exposure the exposure track
   * @return the page
   */
  public static FeedPage of(List<FeedArticle> articles, long nextTimestamp, String exposure) {
    return new FeedPage(articles, nextTimestamp, exposure, Optional.empty());
  }

  /**
   * Whether the fallback produced this page.
   *
   * @return true if the recommendation service did not answer it
   */
  public boolean isFallback() {
    return fallbackReason.isPresent();
  }

  /**
   * This page marked as a fallback answer.
   *
   * @param reason why the fallback answered
   * @return a copy carrying the reason
   */
  public FeedPage asFallback(FallbackReason reason) {
    return new FeedPage(articles, nextTimestamp, exposure, Optional.of(reason));
  }
}
