package io.toutiao.storage.local;

import io.toutiao.storage.ImageFormat;
import io.toutiao.storage.KeyStrategy;
import io.toutiao.storage.ObjectKeyException;
import io.toutiao.storage.ObjectStat;
import io.toutiao.storage.ObjectStorage;
import io.toutiao.storage.StorageUnavailableException;
import io.toutiao.storage.StoredObject;
import io.toutiao.storage.internal.Digests;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link ObjectStorage} in a local folder, the embedded default for examples and development.
 *
 * <ul>
 *   <li>Keys are checked ({@link ObjectStorage#checkKey}), every segment at most {@value
 *       #MAX_SEGMENT_BYTES} bytes, and resolved strictly inside the folder, also through symbolic
 *       links (a link that leads outside refuses the key); a key that clashes with an existing
 *       object or folder is refused. All of these are {@link ObjectKeyException}s (client errors).
 *   <li>A stream is copied to a temporary file in the target folder, at most its declared length
 *       plus one byte, hashed while it passes; a stream that is longer or shorter is refused with
 *       {@link IllegalArgumentException} and the temporary file is removed on every failure.
 *   <li>Each version of an object has its own metadata file (hash, content type) named by the
 *       identity of the object file (device, inode, size, modification time), written before the
 *       object is moved into place: one rename commits the object and {@link #stat} finds the
 *       metadata of exactly the file it sees, even with concurrent writers of one key.
 *   <li>Objects get the configured file mode (default {@code rw-r--r--}, readable by a separate web
 *       server user) where the file system supports POSIX permissions.
 * </ul>
 *
 * Thread-safe, and safe with several processes writing one folder.
 */
public final class LocalObjectStorage implements ObjectStorage {

  /** The longest key segment in bytes: {@value} (the usual file name limit). */
  public static final int MAX_SEGMENT_BYTES = 255;

  /** Default mode of stored files. */
  public static final String DEFAULT_FILE_MODE = "rw-r--r--";

  /** Metadata of replaced versions older than this is removed by the next write of the key. */
  private static final Duration STALE_METADATA = Duration.ofMinutes(1);

  private static final String META_DIR = ".meta";
  private static final int COPY_BUFFER = 64 * 1024;

  private final Path root;
  private final String baseUrl;
  private final KeyStrategy keys;
  private final Set<PosixFilePermission> fileMode;

  /**
   * Creates a store with content-hash keys.
   *
   * @param root the folder (created if missing)
   * @param baseUrl the URL the folder is served at, e.g. {@code http://localhost:8080/files}
   */
  public LocalObjectStorage(Path root, String baseUrl) {
    this(builder(root, baseUrl));
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
    this(builder(root, baseUrl).keyStrategy(keys));
  }

  private LocalObjectStorage(Builder builder) {
    try {
      this.root = Files.createDirectories(builder.root).toRealPath();
    } catch (IOException e) {
      throw new StorageUnavailableException("cannot create the storage folder " + builder.root, e);
    }
    this.baseUrl = builder.baseUrl;
    this.keys = builder.keys;
    boolean posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
    this.fileMode = posix ? builder.fileMode : null;
  }

  /**
   * Starts a configuration.
   *
   * @param root the folder (created if missing)
   * @param baseUrl the URL the folder is served at
   * @return a builder
   */
  public static Builder builder(Path root, String baseUrl) {
    return new Builder(root, baseUrl);
  }

  @Override
  public StoredObject put(byte[] bytes, String contentType) {
    Objects.requireNonNull(bytes, "bytes must not be null");
    String hash = Digests.sha256Hex(bytes, bytes.length);
    String extension = ImageFormat.extensionOf(contentType);
    String key = keys.keyFor(hash, extension);
    if (key == null) {
      key = KeyStrategy.CONTENT_HASH.keyFor(hash, extension);
    }
    return write(key, new ByteArrayInputStream(bytes), bytes.length, contentType, hash);
  }

  @Override
  public StoredObject put(String key, byte[] bytes, String contentType) {
    Objects.requireNonNull(bytes, "bytes must not be null");
    return write(key, new ByteArrayInputStream(bytes), bytes.length, contentType, null);
  }

  @Override
  public StoredObject put(String key, Path file, String contentType) {
    try (InputStream in = Files.newInputStream(file)) {
      return write(key, in, Files.size(file), contentType, null);
    } catch (IOException e) {
      throw new StorageUnavailableException("cannot read " + file, e);
    }
  }

  @Override
  public StoredObject put(String key, InputStream in, long length, String contentType) {
    Objects.requireNonNull(in, "in must not be null");
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative, got " + length);
    }
    return write(key, in, length, contentType, null);
  }

  /** Writes one version; {@code knownHash} is the content's hash when the caller computed it. */
  private StoredObject write(
      String key, InputStream in, long length, String contentType, String knownHash) {
    checkContentType(contentType);
    Path target = resolveForWrite(key);
    Path temp = null;
    Path meta = null;
    boolean committed = false;
    try {
      temp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
      MessageDigest digest = knownHash == null ? Digests.sha256() : null;
      long copied = copyAtMost(in, temp, length + 1, digest);
      if (copied != length) {
        throw new IllegalArgumentException(
            copied > length
                ? "the stream for " + key + " has more than the " + length + " bytes it declared"
                : "expected " + length + " bytes for " + key + " but the stream had " + copied);
      }
      if (fileMode != null) {
        Files.setPosixFilePermissions(temp, fileMode);
      }
      String hash = knownHash != null ? knownHash : Digests.hex(digest);
      BasicFileAttributes attributes = attributes(temp);
      meta = writeMetadata(key, identity(attributes), hash, contentType);
      moveIntoPlace(key, temp, target);
      committed = true;
      pruneMetadata(key, target);
      return new StoredObject(key, publicUrl(key), copied, hash);
    } catch (IOException e) {
      throw new StorageUnavailableException("cannot store " + key + " under " + root, e);
    } finally {
      if (!committed) {
        deleteQuietly(temp);
        deleteQuietly(meta);
      }
    }
  }

  private static void checkContentType(String contentType) {
    if (contentType != null
        && (contentType.length() > 255 || !contentType.matches("[\\x21-\\x7E][\\x20-\\x7E]*"))) {
      throw new IllegalArgumentException(
          "contentType must be up to 255 printable ASCII characters");
    }
  }

  private static long copyAtMost(InputStream in, Path file, long limit, MessageDigest digest)
      throws IOException {
    byte[] buffer = new byte[COPY_BUFFER];
    long copied = 0;
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream out = digest == null ? raw : new DigestOutputStream(raw, digest)) {
      while (copied < limit) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied));
        if (n < 0) {
          break;
        }
        out.write(buffer, 0, n);
        copied += n;
      }
    }
    return copied;
  }

  private void moveIntoPlace(String key, Path temp, Path target) throws IOException {
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw clash(key, key);
    }
    try {
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (DirectoryNotEmptyException | FileAlreadyExistsException e) {
      throw clash(key, key);
    }
  }

  private static ObjectKeyException clash(String key, String folder) {
    return new ObjectKeyException(
        "key '" + key + "' clashes with '" + folder + "', which holds other objects");
  }

  @Override
  public Optional<ObjectStat> stat(String key) {
    Path target = resolveForRead(key);
    try {
      BasicFileAttributes attributes = attributes(target);
      if (!attributes.isRegularFile()) {
        return Optional.empty();
      }
      String hash = null;
      String type = null;
      Path meta = metadataFolder(key).resolve("@" + identity(attributes));
      try {
        String[] lines = Files.readString(meta, StandardCharsets.UTF_8).split("\n", -1);
        hash = lines[0];
        type = lines.length > 1 && !lines[1].isEmpty() ? lines[1] : null;
      } catch (NoSuchFileException e) {
        hash = rehash(target); // stored by another tool, or metadata lost
      }
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
    return Files.isRegularFile(resolveForRead(key), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public boolean delete(String key) {
    Path target = resolveForRead(key);
    try {
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      boolean deleted = Files.deleteIfExists(target);
      deleteMetadata(key, null);
      return deleted;
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
   * @throws ObjectKeyException when the key is malformed or resolves outside the folder
   */
  public Path fileOf(String key) {
    return resolveForRead(key);
  }

  // ------------------------------------------------------------------ keys and paths

  private Path resolve(String key) {
    ObjectStorage.checkKey(key);
    for (String segment : key.split("/")) {
      if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
        throw new ObjectKeyException(
            "key segments must have at most "
                + MAX_SEGMENT_BYTES
                + " bytes, one has "
                + segment.length());
      }
    }
    Path target = root.resolve(key).normalize();
    if (!target.startsWith(root) || target.equals(root)) {
      throw new ObjectKeyException("key '" + key + "' resolves outside the storage folder");
    }
    return target;
  }

  /** Resolves a key for reading: every existing part of its path must stay inside the root. */
  private Path resolveForRead(String key) {
    Path target = resolve(key);
    try {
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        checkInside(key, target.toRealPath());
      } else if (Files.exists(target.getParent())) {
        checkInside(key, target.getParent().toRealPath());
      }
    } catch (IOException e) {
      throw new StorageUnavailableException("cannot resolve " + key, e);
    }
    if (Files.isSymbolicLink(target)) {
      throw new ObjectKeyException("key '" + key + "' is a symbolic link");
    }
    return target;
  }

  /** Resolves a key for writing: creates its folders and checks they stay inside the root. */
  private Path resolveForWrite(String key) {
    Path target = resolve(key);
    Path parent = target.getParent();
    if (!Files.isDirectory(root)) {
      throw new StorageUnavailableException("the storage folder " + root + " is gone", null);
    }
    Path existing = parent;
    while (!existing.equals(root) && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    try {
      if (!Files.isDirectory(existing)) {
        throw new ObjectKeyException(
            "key '"
                + key
                + "' needs a folder where an object with a shorter key is stored: '"
                + root.relativize(existing)
                + "'");
      }
      checkInside(key, existing.toRealPath());
      Files.createDirectories(parent);
      checkInside(key, parent.toRealPath());
    } catch (FileAlreadyExistsException | NotDirectoryException e) {
      throw new ObjectKeyException(
          "key '" + key + "' needs a folder where an object with a shorter key is stored");
    } catch (FileSystemException e) {
      if (String.valueOf(e.getReason()).contains("Not a directory")) {
        throw new ObjectKeyException(
            "key '" + key + "' needs a folder where an object with a shorter key is stored");
      }
      throw new StorageUnavailableException("cannot create the folder for " + key, e);
    } catch (IOException e) {
      throw new StorageUnavailableException("cannot create the folder for " + key, e);
    }
    return target;
  }

  private void checkInside(String key, Path real) {
    if (!real.startsWith(root)) {
      throw new ObjectKeyException(
          "key '" + key + "' resolves outside the storage folder through a symbolic link");
    }
  }

  // ------------------------------------------------------------------ metadata

  /** Metadata lives in a parallel tree under {@code .meta/}, which no key can reach. */
  private Path metadataFolder(String key) {
    return root.resolve(META_DIR).resolve(key);
  }

  private Path writeMetadata(String key, String identity, String hash, String contentType)
      throws IOException {
    Path folder = metadataFolder(key);
    Files.createDirectories(folder);
    Path temp = Files.createTempFile(folder, ".meta-", ".tmp");
    try {
      Files.writeString(
          temp,
          hash + "\n" + (contentType == null ? "" : contentType) + "\n",
          StandardCharsets.UTF_8);
      Path meta = folder.resolve("@" + identity);
      Files.move(temp, meta, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return meta;
    } finally {
      deleteQuietly(temp);
    }
  }

  /** Removes metadata of versions replaced more than a minute ago (in-flight writers are newer). */
  private void pruneMetadata(String key, Path target) {
    try {
      String current = "@" + identity(attributes(target));
      deleteMetadata(key, current);
    } catch (IOException e) {
      // replaced or deleted meanwhile: the next write prunes
    }
  }

  private void deleteMetadata(String key, String keep) throws IOException {
    Path folder = metadataFolder(key);
    Instant stale = Instant.now().minus(STALE_METADATA);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, "@*")) {
      for (Path entry : entries) {
        if (keep == null) {
          Files.deleteIfExists(entry);
        } else if (!entry.getFileName().toString().equals(keep)
            && Files.getLastModifiedTime(entry).toInstant().isBefore(stale)) {
          Files.deleteIfExists(entry);
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      // no metadata
    }
  }

  private static BasicFileAttributes attributes(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  /** Names one version of a file: device and inode, size, modification time. */
  private static String identity(BasicFileAttributes attributes) {
    Object fileKey = attributes.fileKey();
    String inode =
        fileKey == null
            ? "c" + attributes.creationTime().toInstant().toEpochMilli()
            : fileKey.toString().replaceAll("[^A-Za-z0-9]+", "_");
    Instant modified = attributes.lastModifiedTime().toInstant();
    return inode
        + "-"
        + attributes.size()
        + "-"
        + modified.getEpochSecond()
        + "."
        + modified.getNano();
  }

  private static String rehash(Path file) throws IOException {
    MessageDigest digest = Digests.sha256();
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
    }
    return Digests.hex(digest);
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // nothing more can be done; the name starts with a dot and no key reaches it
    }
  }

  @Override
  public String toString() {
    return "LocalObjectStorage[" + root + " at " + baseUrl + "]";
  }

  /** Configures a {@link LocalObjectStorage}. Not thread-safe. */
  public static final class Builder {
    private final Path root;
    private final String baseUrl;
    private KeyStrategy keys = KeyStrategy.CONTENT_HASH;
    private Set<PosixFilePermission> fileMode = PosixFilePermissions.fromString(DEFAULT_FILE_MODE);

    private Builder(Path root, String baseUrl) {
      this.root = Objects.requireNonNull(root, "root must not be null");
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl must not be null");
    }

    /**
     * Sets how keys are chosen when the caller gives none (default content hash).
     *
     * @param keys the strategy ({@link KeyStrategy#SERVER_ASSIGNED} means the content hash here)
     * @return this builder
     */
    public Builder keyStrategy(KeyStrategy keys) {
      this.keys = Objects.requireNonNull(keys, "keys must not be null");
      return this;
    }

    /**
     * Sets the mode of stored files, e.g. {@code rw-r-----}; null keeps what the file system gives
     * new temporary files ({@code rw-------}).
     *
     * @param mode nine {@code rwx-} characters, or null
     * @return this builder
     */
    public Builder fileMode(String mode) {
      this.fileMode = mode == null ? null : PosixFilePermissions.fromString(mode);
      return this;
    }

    /**
     * Creates the store (and its folder).
     *
     * @return the store
     */
    public LocalObjectStorage build() {
      return new LocalObjectStorage(this);
    }
  }
}
