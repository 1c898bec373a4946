package io.toutiao.storage;

/**
 * What validation found out about an image.
 *
 * @param format the format, from the content
 * @param width pixels
 * @param height pixels
 * @param sizeBytes the file size
 * @param sha256 the content hash, lower-case hex (usable as a content-addressed key); null when the
 *     validator was built with {@code hashContent(false)}
 */
public record ImageInfo(ImageFormat format, int width, int height, long sizeBytes, String sha256) {

  /**
   * Returns the MIME type of the format.
   *
   * @return e.g. {@code image/jpeg}
   */
  public String mimeType() {
    return format.mimeType();
  }
}
