package io.toutiao.feed;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One verified behaviour event: what a reader did with which articles, as recommended by which
 * algorithm. Made by {@link TrackSigner#verify} from a track the app received back, so its fields
 * are the ones the recommendation service signed.
 *
 * @param action what the reader did
 * @param userId the reader ({@code anony} for anonymous readers)
 * @param articleIds the article (one for every action but {@link Action#EXPOSURE}, which lists the
 *     page)
 * @param algoCombine the recommendation algorithm's name
 * @param issuedAt when the service signed the track
 */
public record BehaviourEvent(
    Action action, String userId, List<Long> articleIds, String algoCombine, Instant issuedAt) {

  /** The behaviour actions of the reference. */
  public enum Action {
    /** The reader opened the article. */
    CLICK,
    /** The reader collected (bookmarked) it. */
    COLLECT,
    /** The reader shared it. */
    SHARE,
    /** The reader read it (the app decides when: e.g. after a reading time). */
    READ,
    /** The page was shown. */
    EXPOSURE;

    /**
     * The name in tracks: lower case, as the reference.
     *
     * @return e.g. {@code click}
     */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Action fromWireName(String name) {
      for (Action a : values()) {
        if (a.wireName().equals(name)) {
          return a;
        }
      }
      return null;
    }
  }

  /** Copies the list and checks the fields. */
  public BehaviourEvent {
    Objects.requireNonNull(action, "action must not be null");
    Objects.requireNonNull(userId, "userId must not be null");
    articleIds = List.copyOf(articleIds);
    Objects.requireNonNull(algoCombine, "algoCombine must not be null");
    Objects.requireNonNull(issuedAt, "issuedAt must not be null");
  }
}
