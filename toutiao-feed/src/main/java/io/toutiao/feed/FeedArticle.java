package io.toutiao.feed;

import java.util.Objects;

/**
 * One recommended article.
 *
 * @param articleId the article's id
 * @param track its behaviour parameters ({@link Track#NONE} when not tracked)
 */
public record FeedArticle(long articleId, Track track) {

  /** Checks the track is present. */
  public FeedArticle {
    Objects.requireNonNull(track, "track must not be null");
  }
}
