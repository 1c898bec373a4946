package io.toutiao.feed;

/**
 * A behaviour track was refused: malformed, too long, altered, signed with an unknown key, or
 * expired. The message says which, never the track's text.
 */
public class TrackException extends FeedException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message why the track was refused
   */
  public TrackException(String message) {
    super(message);
  }
}
