package io.toutiao.storage.local;

import io.toutiao.storage.ImageFormat;
import io.toutiao.storage.KeyStrategy;
import io.toutiao.storage.ObjectStat;
import io.toutiao.storage.ObjectStorage;
import io.toutiao.storage.StorageUnavailableException;
import io.toutiao.storage.StoredObject;
import io.toutiao.storage.internal.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link ObjectStorage} in a local folder, the embedded default for examples and development.
 * Keys are checked ({@link ObjectStorage#checkKey}) and resolved strictly inside the folder, so no
 * key can escape it. Writes go to a temporary file first and are moved into place, so readers never
 * see half a file. Each object's hash and content type are recorded under {@code .meta/} in the
 * folder, so {@link #stat} does not re-read the object.
 */
public final class LocalObjectStorage implements ObjectStorage {

  private final Path root;
  private final String baseUrl;
  private final KeyStrategy keys;

  /**
   * Creates a store with content-hash keys.
   *
   * @param root the folder (created if missing)
   * @param baseUrl the URL the folder is served at, e.g. {@code http://localhost:8080/files}
   */
  public LocalObjectStorage(Path root, String baseUrl) {
    this(root, baseUrl, KeyStrategy.CONTENT_HASH);
  }

  /**
   * Creates a store.
   *
   * @param root the folder (created if missing)
   * @param baseUrl the URL the folder is served at
   * @param keys how keys are chosen when the caller gives none ({@link KeyStrategy#SERVER_ASSIGNED}
   *     means the content hash here)
   */
  public LocalObjectStorage(Path root, String baseUrl, KeyStrategy keys) {
    try {
      this.root =
          Files.createDirectories(Objects.requireNonNull(root, "root must not be null"))
              .toRealPath();
    } catch (IOException e) {
      throw new StorageUnavailableException("cannot create the storage folder " + root, e);
    }
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl must not be null");
    this.keys = Objects.requireNonNull(keys, "keys must not be null");
  }

  @Override
  public StoredObject put(byte[] bytes, String contentType) {
    String hash = Digests.sha256Hex(bytes, bytes.length);
    String extension = ImageFormat.extensionOf(contentType);
    String key = keys.keyFor(hash, extension);
    return put(
        key == null ? KeyStrategy.CONTENT_HASH.keyFor(hash, extension) : key, bytes, contentType);
  }

  @Override
  public StoredObject put(String key, byte[] bytes, String contentType) {
    return put(key, new java.io.ByteArrayInputStream(bytes), bytes.length, contentType);
  }

  @Override
  public StoredObject put(String key, Path file, String contentType) {
    try (InputStream in = Files.newInputStream(file)) {
      return put(key, in, Files.size(file), contentType);
    } catch (IOException e) {
      throw new StorageUnavailableException("cannot read " + file, e);
    }
  }

  @Override
  public StoredObject put(String key, InputStream in, long length, String contentType) {
    Path target = resolve(key);
    try {
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
      MessageDigest digest = Digests.sha256();
      long copied;
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
        copied = in.transferTo(out);
      }
      if (copied != length) {
        Files.deleteIfExists(temp);
        throw new StorageUnavailableException(
            "expected " + length + " bytes for " + key + " but the stream had " + copied, null);
      }
      move(temp, target);
      String hash = Digests.hex(digest);
      Path meta = metaFile(target);
      Files.createDirectories(meta.getParent());
      Files.writeString(meta, hash + "\n" + (contentType == null ? "" : contentType));
      return new StoredObject(key, publicUrl(key), copied, hash);
    } catch (IOException e) {
      throw new StorageUnavailableException("cannot store " + key + " under " + root, e);
    }
  }

  private static void move(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public Optional<ObjectStat> stat(String key) {
    Path target = resolve(key);
    try {
      BasicFileAttributes attributes = Files.readAttributes(target, BasicFileAttributes.class);
      // The hash and type were recorded when the object was stored; re-hash only files stored
      // without them.
      String[] meta =
          Files.exists(metaFile(target)) ? Files.readString(metaFile(target)).split("\n", 2) : null;
      String hash = meta != null ? meta[0] : rehash(target);
      String type = meta != null && meta.length > 1 && !meta[1].isEmpty() ? meta[1] : null;
      return Optional.of(
          new ObjectStat(
              key, attributes.size(), hash, type, attributes.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StorageUnavailableException("cannot stat " + key, e);
    }
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(resolve(key));
  }

  @Override
  public boolean delete(String key) {
    Path target = resolve(key);
    try {
      Files.deleteIfExists(metaFile(target));
      return Files.deleteIfExists(target);
    } catch (IOException e) {
      throw new StorageUnavailableException("cannot delete " + key, e);
    }
  }

  @Override
  public String publicUrl(String key) {
    return ObjectStorage.joinUrl(baseUrl, ObjectStorage.checkKey(key));
  }

  /**
   * Returns the file of a key (for serving it).
   *
   * @param key a valid key
   * @return a path inside the folder
   */
  public Path fileOf(String key) {
    return resolve(key);
  }

  private Path resolve(String key) {
    Path target = root.resolve(ObjectStorage.checkKey(key)).normalize();
    if (!target.startsWith(root) || target.equals(root)) {
      throw new IllegalArgumentException("key '" + key + "' resolves outside the storage folder");
    }
    return target;
  }

  /**
   * Hash and content type live in a parallel tree under {@code .meta/}, which no key can reach
   * (keys never start with a dot).
   */
  private Path metaFile(Path target) {
    return root.resolve(".meta").resolve(root.relativize(target).toString());
  }

  private static String rehash(Path file) throws IOException {
    MessageDigest digest = Digests.sha256();
    try (InputStream in = Files.newInputStream(file)) {
      in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
    }
    return Digests.hex(digest);
  }

  @Override
  public String toString() {
    return "LocalObjectStorage[" + root + " at " + baseUrl + "]";
  }
}
