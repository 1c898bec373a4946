package io.toutiao.storage;

/** Image formats recognised by content; HEIC and AVIF are detected but not accepted by default. */
public enum ImageFormat {
  /** JPEG (JFIF, EXIF). */
  JPEG("image/jpeg", "jpg"),
  /** PNG. */
  PNG("image/png", "png"),
  /** GIF 87a/89a. */
  GIF("image/gif", "gif"),
  /** WebP (lossy VP8, lossless VP8L, extended VP8X). */
  WEBP("image/webp", "webp"),
  /** Windows bitmap. */
  BMP("image/bmp", "bmp"),
  /** HEIF/HEIC (detected; not decodable by the JDK). */
  HEIC("image/heic", "heic"),
  /** AVIF (detected; not decodable by the JDK). */
  AVIF("image/avif", "avif");

  private final String mimeType;
  private final String extension;

  ImageFormat(String mimeType, String extension) {
    this.mimeType = mimeType;
    this.extension = extension;
  }

  /**
   * Returns the MIME type.
   *
   * @return e.g. {@code image/png}
   */
  public String mimeType() {
    return mimeType;
  }

  /**
   * Returns the usual file extension, without the dot.
   *
   * @return e.g. {@code png}
   */
  public String extension() {
    return extension;
  }

  /**
   * Returns the file extension for an image MIME type.
   *
   * @param mimeType e.g. {@code image/png}, or null
   * @return e.g. {@code png}, or null when the type is not one of these formats
   */
  public static String extensionOf(String mimeType) {
    for (ImageFormat format : values()) {
      if (format.mimeType.equals(mimeType)) {
        return format.extension;
      }
    }
    return null;
  }
}
