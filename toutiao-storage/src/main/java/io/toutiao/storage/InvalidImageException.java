package io.toutiao.storage;

/**
 * The content is not an acceptable image. {@link #reason()} says why in a machine-readable way; the
 * message says it for people. The reference answers such uploads with 400 "Invalid image.".
 */
public class InvalidImageException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** Why an image was refused. */
  public enum Reason {
    /** No bytes at all. */
    EMPTY,
    /** More bytes than the configured maximum. */
    TOO_LARGE,
    /** Not an image format we recognise (text, SVG, HTML, PDF, ...). */
    UNKNOWN_FORMAT,
    /** A recognised image format that the configuration does not allow (e.g. HEIC). */
    UNSUPPORTED_FORMAT,
    /** Width, height or total pixels above the configured limits. */
    DIMENSIONS_TOO_LARGE,
    /** The file ends before the image does. */
    TRUNCATED,
    /** The structure is broken or the pixels cannot be decoded. */
    CORRUPT,
    /**
     * Data after the end of the image that is neither zero padding nor allowed appended media (deep
     * check).
     */
    TRAILING_DATA,
    /**
     * Script, markup or another format's structure in the image's metadata or trailing data, or a
     * polyglot structure (ZIP, PDF) anywhere in the file.
     */
    ACTIVE_CONTENT
  }

  private final Reason reason;
  private final String field;

  /**
   * Creates the exception.
   *
   * @param reason why
   * @param message what was wrong
   */
  public InvalidImageException(Reason reason, String message) {
    this(reason, message, null, null);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param reason why
   * @param message what was wrong
   * @param cause the decoder's failure
   */
  public InvalidImageException(Reason reason, String message, Throwable cause) {
    this(reason, message, null, cause);
  }

  private InvalidImageException(Reason reason, String message, String field, Throwable cause) {
    super(field == null ? message : field + ": " + message, cause);
    this.reason = reason;
    this.field = field;
  }

  /**
   * Returns the same failure attributed to a form field (e.g. {@code id_card_front}).
   *
   * @param field the field name
   * @return a new exception naming the field
   */
  public InvalidImageException forField(String field) {
    return new InvalidImageException(reason, getMessage(), field, getCause());
  }

  /**
   * Returns why the image was refused.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }

  /**
   * Returns the form field the image came in, when known.
   *
   * @return the field, or null
   */
  public String field() {
    return field;
  }
}
