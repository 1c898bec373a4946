package io.toutiao.storage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The reference's upload flow: validate the image by content, then store it, returning the key
 * (what the database keeps), the URL and what the image is. Several fields at once (profile photo,
 * id card front, back, handheld) are all validated before any is stored, and one bad image fails
 * the request naming its field. Thread-safe.
 *
 * <pre>{@code
 * ImageUploadService uploads =
 *     new ImageUploadService(ImageValidator.builder().deepCheck(true).build(), storage);
 * UploadedImage photo = uploads.upload(bytes);             // InvalidImageException -> 400 "Invalid image."
 * }                                                        // StorageUnavailableException -> 507
 * </pre>
 */
public final class ImageUploadService {

  /**
   * An image after validation and storage.
   *
   * @param key its key in the store
   * @param url its public URL
   * @param info format, dimensions, size and hash
   */
  public record UploadedImage(String key, String url, ImageInfo info) {}

  private final ImageValidator validator;
  private final ObjectStorage storage;
  private final UploadListener listener;

  /**
   * Creates the service.
   *
   * @param validator decides what is an acceptable image
   * @param storage where images go
   */
  public ImageUploadService(ImageValidator validator, ObjectStorage storage) {
    this(validator, storage, UploadListener.NONE);
  }

  /**
   * Creates the service with a listener.
   *
   * @param validator decides what is an acceptable image
   * @param storage where images go
   * @param listener told of each image accepted or refused
   */
  public ImageUploadService(
      ImageValidator validator, ObjectStorage storage, UploadListener listener) {
    this.validator = Objects.requireNonNull(validator, "validator must not be null");
    this.storage = Objects.requireNonNull(storage, "storage must not be null");
    this.listener = Objects.requireNonNull(listener, "listener must not be null");
  }

  private ImageInfo check(byte[] bytes) {
    try {
      return validator.validate(bytes);
    } catch (InvalidImageException e) {
      listener.onRejected(e.reason());
      throw e;
    }
  }

  private StoredObject store(byte[] bytes, ImageInfo info) {
    StoredObject stored = storage.put(bytes, info.mimeType());
    listener.onStored(info, bytes.length);
    return stored;
  }

  /**
   * Validates and stores one image under the store's key strategy.
   *
   * @param bytes the upload
   * @return key, URL and image info
   * @throws InvalidImageException when it is not an acceptable image (nothing stored)
   * @throws StorageUnavailableException when the store fails
   */
  public UploadedImage upload(byte[] bytes) {
    ImageInfo info = check(bytes);
    StoredObject stored = store(bytes, info);
    return new UploadedImage(stored.key(), stored.url(), info);
  }

  /**
   * Validates every field first, then stores them all.
   *
   * @param fields form field name to upload (e.g. {@code photo}, {@code id_card_front}); in order
   * @return field name to stored image, in the same order
   * @throws InvalidImageException naming the first bad field ({@link
   *     InvalidImageException#field()}); nothing is stored then
   */
  public Map<String, UploadedImage> uploadAll(Map<String, byte[]> fields) {
    Objects.requireNonNull(fields, "fields must not be null");
    Map<String, ImageInfo> checked = new LinkedHashMap<>();
    fields.forEach(
        (field, bytes) -> {
          try {
            checked.put(
                field, check(Objects.requireNonNull(bytes, "field " + field + " has no content")));
          } catch (InvalidImageException e) {
            throw e.forField(field);
          }
        });
    Map<String, UploadedImage> uploaded = new LinkedHashMap<>();
    checked.forEach(
        (field, info) -> {
          StoredObject stored = store(fields.get(field), info);
          uploaded.put(field, new UploadedImage(stored.key(), stored.url(), info));
        });
    return uploaded;
  }
}
