package io.toutiao.push;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference's notifications: who did something to the receiver, as {@code {user_id, user_name,
 * user_photo, timestamp}} (epoch seconds), under the event name of its {@link Kind}. Likes and
 * comments have the same shape plus the article ({@code art_id}) when known.
 *
 * @param kind what happened, and so the event name
 * @param userId the acting user's id
 * @param userName the acting user's display name
 * @param userPhoto the acting user's photo URL, may be null
 * @param timestamp when it happened
 * @param articleId the article liked or commented on, or null
 */
public record Notification(
    Kind kind,
    String userId,
    String userName,
    String userPhoto,
    Instant timestamp,
    Long articleId) {

  /** What a notification tells, with its Socket.IO event name. */
  public enum Kind {
    /** Someone followed the receiver: {@code following notify}, as the reference. */
    FOLLOWING("following notify"),
    /** Someone liked the receiver's article: {@code liking notify}. */
    LIKING("liking notify"),
    /** Someone commented on the receiver's article: {@code comment notify}. */
    COMMENT("comment notify");

    private final String event;

    Kind(String event) {
      this.event = event;
    }

    /**
     * Returns the Socket.IO event name.
     *
     * @return e.g. {@code following notify}
     */
    public String event() {
      return event;
    }
  }

  /**
   * Checks the fields.
   *
   * @throws PushRequestException when kind, user id, user name or timestamp is missing
   */
  public Notification {
    if (kind == null || userId == null || userName == null || timestamp == null) {
      throw new PushRequestException(
          "a notification needs kind, userId, userName and timestamp; missing: "
              + (kind == null ? "kind " : "")
              + (userId == null ? "userId " : "")
              + (userName == null ? "userName " : "")
              + (timestamp == null ? "timestamp" : ""));
    }
  }

  /**
   * A follow notification, as the reference sends it to the followed user.
   *
   * @param userId the follower's id
   * @param userName the follower's name
   * @param userPhoto the follower's photo URL, may be null
   * @param at when
   * @return the notification
   */
  public static Notification following(
      String userId, String userName, String userPhoto, Instant at) {
    return new Notification(Kind.FOLLOWING, userId, userName, userPhoto, at, null);
  }

  /**
   * A like notification for the article's author.
   *
   * @param userId who liked
   * @param userName their name
   * @param userPhoto their photo URL, may be null
   * @param at when
   * @param articleId the article
   * @return the notification
   */
  public static Notification liking(
      String userId, String userName, String userPhoto, Instant at, long articleId) {
    return new Notification(Kind.LIKING, userId, userName, userPhoto, at, articleId);
  }

  /**
   * A comment notification for the article's author.
   *
   * @param userId who commented
   * @param userName their name
   * @param userPhoto their photo URL, may be null
   * @param at when
   * @param articleId the article
   * @return the notification
   */
  public static Notification comment(
      String userId, String userName, String userPhoto, Instant at, long articleId) {
    return new Notification(Kind.COMMENT, userId, userName, userPhoto, at, articleId);
  }

  /**
   * Returns the event's data as sent to the client.
   *
   * @return {@code {user_id, user_name, user_photo, timestamp[, art_id]}}
   */
  public Map<String, Object> data() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("user_id", userId);
    data.put("user_name", userName);
    data.put("user_photo", userPhoto);
    data.put("timestamp", timestamp.getEpochSecond());
    if (articleId != null) {
      data.put("art_id", articleId);
    }
    return data;
  }

  @Override
  public String toString() {
    return "Notification[" + kind.event() + " from " + userId + "]";
  }
}
