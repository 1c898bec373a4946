package io.toutiao.storage;

import io.toutiao.storage.InvalidImageException.Reason;
import io.toutiao.storage.internal.Digests;
import io.toutiao.storage.internal.ImageDecoding;
import io.toutiao.storage.internal.ImageScan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Accepts real images and refuses everything else by content, cheaply: the format comes from the
 * bytes (never the file name or the client's content type) and the canvas and every frame from the
 * structure, so an image bomb (a tiny PNG declaring 20000x20000, a 1x1 GIF around a 20000x20000
 * frame, ten thousand frames) is refused in microseconds with no large allocation. An optional deep
 * check then checks the whole structure (PNG CRCs, end markers, nothing unknown after the end),
 * looks for script, markup and polyglot structures in metadata and trailing data, and decodes the
 * pixels within a shared {@link DecodeBudget}; {@link #sanitize(byte[])} re-encodes to strip
 * metadata such as EXIF GPS.
 *
 * <pre>{@code
 * ImageValidator validator = ImageValidator.builder().maxBytes(5 * 1024 * 1024).deepCheck(true).build();
 * ImageInfo info = validator.validate(uploadStream);     // or InvalidImageException with reason()
 * }</pre>
 *
 * <p>Defaults: JPEG, PNG, GIF, WebP and BMP allowed (HEIC and AVIF are recognised but refused as
 * unsupported); at most {@value #DEFAULT_MAX_BYTES} bytes, {@value #DEFAULT_MAX_SIDE} pixels a
 * side, {@value #DEFAULT_MAX_PIXELS} pixels a frame, {@value #DEFAULT_MAX_TOTAL_PIXELS} pixels for
 * all frames together; deep check off; appended media (motion photos) allowed; the {@linkplain
 * DecodeBudget#shared() shared} decode budget. Immutable and thread-safe.
 */
public final class ImageValidator {

  /** Default size limit: 10 MiB. */
  public static final int DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

  /** Default limit of width and of height: {@value} pixels. */
  public static final int DEFAULT_MAX_SIDE = 10_000;

  /** Default limit of width x height: {@value} pixels (about 160 MB decoded as ARGB). */
  public static final long DEFAULT_MAX_PIXELS = 40_000_000;

  /** Default limit of the pixels of all frames together: {@value}. */
  public static final long DEFAULT_MAX_TOTAL_PIXELS = 80_000_000;

  private final Set<ImageFormat> allowed;
  private final int maxBytes;
  private final int maxWidth;
  private final int maxHeight;
  private final long maxPixels;
  private final long maxTotalPixels;
  private final boolean deepCheck;
  private final boolean hashContent;
  private final boolean appendedMedia;
  private final DecodeBudget budget;
  private final ImageScan.Limits limits;

  private ImageValidator(Builder builder) {
    this.allowed = Set.copyOf(builder.allowed);
    this.maxBytes = builder.maxBytes;
    this.maxWidth = builder.maxWidth;
    this.maxHeight = builder.maxHeight;
    this.maxPixels = builder.maxPixels;
    this.maxTotalPixels = builder.maxTotalPixels;
    this.deepCheck = builder.deepCheck;
    this.hashContent = builder.hashContent;
    this.appendedMedia = builder.appendedMedia;
    this.budget = builder.budget == null ? DecodeBudget.shared() : builder.budget;
    this.limits = new ImageScan.Limits(maxWidth, maxHeight, maxPixels, maxTotalPixels);
  }

  /**
   * Starts a configuration from the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A validator with the defaults.
   *
   * @return the validator
   */
  public static ImageValidator ofDefaults() {
    return builder().build();
  }

  /**
   * Validates an image in memory.
   *
   * @param bytes the file
   * @return what the image is
   * @throws InvalidImageException with the reason when it is not acceptable
   */
  public ImageInfo validate(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes must not be null");
    return validate(bytes, bytes.length);
  }

  /**
   * Validates an image from a stream, reading at most the size limit plus one byte (the stream is
   * not closed).
   *
   * @param in the upload
   * @return what the image is
   * @throws InvalidImageException with the reason when it is not acceptable
   * @throws UncheckedIOException when the stream fails
   */
  public ImageInfo validate(InputStream in) {
    Objects.requireNonNull(in, "in must not be null");
    byte[] bytes = readAtMost(in);
    return validate(bytes, bytes.length);
  }

  /**
   * Validates an image file.
   *
   * @param path the file
   * @return what the image is
   * @throws InvalidImageException with the reason when it is not acceptable
   * @throws UncheckedIOException when the file cannot be read
   */
  public ImageInfo validate(Path path) {
    Objects.requireNonNull(path, "path must not be null");
    try {
      long size = Files.size(path);
      if (size > maxBytes) {
        throw tooLarge(size);
      }
      try (InputStream in = Files.newInputStream(path)) {
        return validate(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  /**
   * Validates (always with the deep check), then re-encodes the image so that no metadata survives
   * (EXIF including GPS, comments, ICC profiles); a JPEG's EXIF orientation is applied to the
   * pixels first, so the result looks the same. GIF animations keep their first frame only; a BMP
   * with alpha stays a 32-bit BMP with alpha. WebP, HEIC and AVIF cannot be re-encoded with the JDK
   * and are refused as unsupported here.
   *
   * @param bytes the file
   * @return the re-encoded file, same format
   * @throws InvalidImageException when it is not acceptable
   * @throws ImageCheckBusyException when the decode budget has no room in time
   */
  public byte[] sanitize(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes must not be null");
    ImageScan scan = check(bytes, bytes.length, true);
    return ImageDecoding.reencode(bytes, scan, budget);
  }

  private ImageInfo validate(byte[] bytes, int length) {
    ImageScan scan = check(bytes, length, deepCheck);
    return new ImageInfo(
        scan.format(),
        (int) scan.width(),
        (int) scan.height(),
        length,
        hashContent ? Digests.sha256Hex(bytes, length) : null);
  }

  private ImageScan check(byte[] bytes, int length, boolean deep) {
    if (length == 0) {
      throw new InvalidImageException(Reason.EMPTY, "the file is empty");
    }
    if (length > maxBytes) {
      throw tooLarge(length);
    }
    ImageFormat format = ImageScan.detect(bytes, length);
    if (!allowed.contains(format)) {
      throw new InvalidImageException(
          Reason.UNSUPPORTED_FORMAT,
          format + " images are not accepted (allowed: " + allowed + ")");
    }
    ImageScan scan = ImageScan.scan(format, bytes, length, limits, deep);
    if (deep) {
      try {
        ImageDecoding.deepCheck(bytes, length, scan, limits, appendedMedia, budget);
      } catch (OutOfMemoryError e) {
        throw new ImageCheckBusyException(
            "not enough memory to check the " + format + " now",
            java.time.Duration.ofSeconds(1),
            e);
      }
    }
    return scan;
  }

  private InvalidImageException tooLarge(long size) {
    return new InvalidImageException(
        Reason.TOO_LARGE,
        "the file has "
            + (size > maxBytes ? "more than " + maxBytes : size)
            + " bytes; the limit is "
            + maxBytes);
  }

  private byte[] readAtMost(InputStream in) {
    try {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw tooLarge(bytes.length);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the image stream", e);
    }
  }

  /**
   * Returns the size limit.
   *
   * @return bytes
   */
  public int maxBytes() {
    return maxBytes;
  }

  @Override
  public String toString() {
    return "ImageValidator[allowed="
        + allowed
        + ", maxBytes="
        + maxBytes
        + ", max="
        + maxWidth
        + "x"
        + maxHeight
        + ", maxPixels="
        + maxPixels
        + ", maxTotalPixels="
        + maxTotalPixels
        + ", deepCheck="
        + deepCheck
        + ", appendedMedia="
        + appendedMedia
        + ", "
        + budget
        + "]";
  }

  /** Builds an {@link ImageValidator}. Not thread-safe. */
  public static final class Builder {
    private Set<ImageFormat> allowed =
        EnumSet.of(
            ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.GIF, ImageFormat.WEBP, ImageFormat.BMP);
    private int maxBytes = DEFAULT_MAX_BYTES;
    private int maxWidth = DEFAULT_MAX_SIDE;
    private int maxHeight = DEFAULT_MAX_SIDE;
    private long maxPixels = DEFAULT_MAX_PIXELS;
    private long maxTotalPixels = DEFAULT_MAX_TOTAL_PIXELS;
    private boolean deepCheck;
    private boolean hashContent = true;
    private boolean appendedMedia = true;
    private DecodeBudget budget;

    private Builder() {}

    /**
     * Sets the accepted formats.
     *
     * @param formats at least one
     * @return this builder
     */
    public Builder allowedFormats(Set<ImageFormat> formats) {
      Objects.requireNonNull(formats, "formats must not be null");
      if (formats.isEmpty()) {
        throw new IllegalArgumentException("at least one format must be allowed");
      }
      this.allowed = EnumSet.copyOf(formats);
      return this;
    }

    /**
     * Sets the size limit.
     *
     * @param maxBytes 1 byte to 2 GiB - 2
     * @return this builder
     */
    public Builder maxBytes(int maxBytes) {
      if (maxBytes < 1 || maxBytes == Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "maxBytes must be between 1 and " + (Integer.MAX_VALUE - 1) + ", got " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * Sets the dimension limits.
     *
     * @param maxWidth at least 1
     * @param maxHeight at least 1
     * @param maxPixels at least 1
     * @return this builder
     */
    public Builder maxDimensions(int maxWidth, int maxHeight, long maxPixels) {
      if (maxWidth < 1 || maxHeight < 1 || maxPixels < 1) {
        throw new IllegalArgumentException(
            "dimension limits must be positive, got "
                + maxWidth
                + "x"
                + maxHeight
                + " and "
                + maxPixels);
      }
      this.maxWidth = maxWidth;
      this.maxHeight = maxHeight;
      this.maxPixels = maxPixels;
      return this;
    }

    /**
     * Sets the limit of the pixels of all frames together (an animation's frames, the images of a
     * HEIF file), checked from the structure before anything is decoded.
     *
     * @param maxTotalPixels at least 1 (default {@value ImageValidator#DEFAULT_MAX_TOTAL_PIXELS})
     * @return this builder
     */
    public Builder maxTotalPixels(long maxTotalPixels) {
      if (maxTotalPixels < 1) {
        throw new IllegalArgumentException(
            "maxTotalPixels must be positive, got " + maxTotalPixels);
      }
      this.maxTotalPixels = maxTotalPixels;
      return this;
    }

    /**
     * Whether the deep check accepts media appended after the image (default true): a JPEG (a gain
     * map or depth image) or an ISO BMFF video such as the MP4 of a phone's motion photo, also
     * after Samsung's {@code MotionPhoto_Data} marker. Appended media is still searched for active
     * content and an appended JPEG must keep the limits. With false, anything but zero padding
     * after the image is {@link InvalidImageException.Reason#TRAILING_DATA}.
     *
     * @param allowed false to refuse appended media
     * @return this builder
     */
    public Builder appendedMedia(boolean allowed) {
      this.appendedMedia = allowed;
      return this;
    }

    /**
     * Sets the memory budget deep checks and {@code sanitize} decode in (default {@link
     * DecodeBudget#shared()}); share one budget between validators to bound the heap for all.
     *
     * @param budget the budget
     * @return this builder
     */
    public Builder decodeBudget(DecodeBudget budget) {
      this.budget = Objects.requireNonNull(budget, "budget must not be null");
      return this;
    }

    /**
     * Turns on the full decode after the header checks (default off).
     *
     * @param deepCheck true to decode
     * @return this builder
     */
    public Builder deepCheck(boolean deepCheck) {
      this.deepCheck = deepCheck;
      return this;
    }

    /**
     * Whether to compute the content's SHA-256 (default true). Hashing reads every byte, which
     * costs far more than the header checks (about 0.5 ms per MB); turn it off when the store
     * computes its own hash and {@link ImageInfo#sha256()} may be null.
     *
     * @param hashContent false to skip it
     * @return this builder
     */
    public Builder hashContent(boolean hashContent) {
      this.hashContent = hashContent;
      return this;
    }

    /**
     * Builds the validator.
     *
     * @return the validator
     */
    public ImageValidator build() {
      return new ImageValidator(this);
    }
  }
}
