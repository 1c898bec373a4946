package io.toutiao.storage;

/**
 * Told of every image {@link ImageUploadService} accepted or refused (metrics, audit). Called on
 * the uploading thread: must be fast and must not throw. All methods default to doing nothing.
 */
public interface UploadListener {

  /**
   * An image passed the check and was stored.
   *
   * @param info what it is
   * @param bytes its size
   */
  default void onStored(ImageInfo info, long bytes) {}

  /**
   * An upload was refused.
   *
   * @param reason why
   */
  default void onRejected(InvalidImageException.Reason reason) {}

  /** Nothing. */
  UploadListener NONE = new UploadListener() {};
}
