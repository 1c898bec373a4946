package io.toutiao.feed;

/**
 * One page request of a channel's feed, as the reference's {@code UserRequest}.
 *
 * @param userId the reader: a positive decimal id, or {@link #ANONYMOUS} ({@code anony})
 * @param channelId the channel, {@code >= 0}
 * @param articleNum how many articles the page should hold, 1 to {@link #MAX_ARTICLE_NUM}
 * @param timestamp the cursor in epoch milliseconds: articles older than this; 0 for the newest
 */
public record FeedRequest(String userId, int channelId, int articleNum, long timestamp) {

  /** The user id of an anonymous reader, as the reference spells it. */
  public static final String ANONYMOUS = "anony";

  /** The largest page a request may ask for. */
  public static final int MAX_ARTICLE_NUM = 100;

  /**
   * Validates the request.
   *
   * @throws NullPointerException if userId is null
   * @throws IllegalArgumentException naming the field that is out of range
   */
  public FeedRequest {
    if (userId == null) {
      throw new NullPointerException("userId must not be null");
    }
    if (!isValidUserId(userId)) {
      throw new IllegalArgumentException(
          "userId must be a positive decimal id or \""
              + ANONYMOUS
              + "\", got a string of length "
              + userId.length());
    }
    if (channelId < 0) {
      throw new IllegalArgumentException("channelId must be >= 0, got " + channelId);
    }
    if (articleNum < 1 || articleNum > MAX_ARTICLE_NUM) {
      throw new IllegalArgumentException(
          "articleNum must be in [1, " + MAX_ARTICLE_NUM + "], got " + articleNum);
    }
    if (timestamp < 0) {
      throw new IllegalArgumentException("timestamp must be >= 0 (0 = newest), got " + timestamp);
    }
  }

  /**
   * A request of a signed-in reader.
   *
   * @param userId the user's id, positive
   * @param channelId the channel
   * @param articleNum the page size
   * @param timestamp the cursor (0 for the newest page)
   * @return the request
   */
  public static FeedRequest forUser(long userId, int channelId, int articleNum, long timestamp) {
    if (userId <= 0) {
      throw new IllegalArgumentException("userId must be positive, got " + userId);
    }
    return new FeedRequest(Long.toString(userId), channelId, articleNum, timestamp);
  }

  /**
   * A request of an anonymous reader ({@code anony}).
   *
   * @param channelId the channel
   * @param articleNum the page size
   * @param timestamp the cursor (0 for the newest page)
   * @return the request
   */
  public static FeedRequest anonymous(int channelId, int articleNum, long timestamp) {
    return new FeedRequest(ANONYMOUS, channelId, articleNum, timestamp);
  }

  /**
   * Whether the reader is anonymous.
   *
   * @return true for {@code anony}
   */
  public boolean isAnonymous() {
    return ANONYMOUS.equals(userId);
  }

  /**
   * The cursor as an exclusive upper bound: {@link Long#MAX_VALUE} for the newest page.
   *
   * @return articles with a publish time below this belong to the page
   */
  public long olderThan() {
    return timestamp == 0 ? Long.MAX_VALUE : timestamp;
  }

  static boolean isValidUserId(String userId) {
    if (ANONYMOUS.equals(userId)) {
      return true;
    }
    int n = userId.length();
    if (n == 0 || n > 19 || userId.charAt(0) == '0') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = userId.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return n < 19 || userId.compareTo(Long.toString(Long.MAX_VALUE)) <= 0;
  }
}
