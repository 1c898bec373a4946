package io.toutiao.feed;

import java.util.Objects;

/**
 * The behaviour parameters of one recommended article, as the reference's {@code Track}: the
 * strings the app sends back when the reader clicks, collects, shares or reads it. Produced by
 * {@link TrackSigner#track}; checked by {@link TrackSigner#verify}.
 *
 * @param click sent when the reader opens the article
 * @param collect sent when the reader collects it
 * @param share sent when the reader shares it
 * @param read sent when the reader has read it
 */
public record Track(String click, String collect, String share, String read) {

  /** An empty track, for sources that do not track behaviour (e.g. a fallback). */
  public static final Track NONE = new Track("", "", "", "");

  /** Checks that no string is null. */
  public Track {
    Objects.requireNonNull(click, "click must not be null");
    Objects.requireNonNull(collect, "collect must not be null");
    Objects.requireNonNull(share, "share must not be null");
    Objects.requireNonNull(read, "read must not be null");
  }
}
