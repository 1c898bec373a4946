package io.toutiao.core.id;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link HighWaterMarkStore} in a small text file holding epoch milliseconds. Each save writes a
 * temporary file, forces it to disk, renames it over the old one and forces the directory, so a
 * crash leaves either the old or the new mark, never a torn one. Thread-safe.
 */
public final class FileHighWaterMarkStore implements HighWaterMarkStore {

  private static final int MAX_FILE_BYTES = 64;

  private final Path file;

  /**
   * Creates a store; the file and its folder are created on the first save.
   *
   * @param file where the mark lives, e.g. {@code /var/lib/news-api/snowflake-worker-3.hwm}
   */
  public FileHighWaterMarkStore(Path file) {
    this.file = Objects.requireNonNull(file, "file must not be null").toAbsolutePath();
  }

  /**
   * Returns the file.
   *
   * @return the absolute path
   */
  public Path file() {
    return file;
  }

  @Override
  public synchronized Optional<Instant> load() {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IdGenerationException(
            "high-water mark file "
                + file
                + " is larger than "
                + MAX_FILE_BYTES
                + " bytes; it is not ours or is corrupt");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new IdGenerationException("cannot read the high-water mark file " + file, e);
    }
    String text = new String(bytes, StandardCharsets.US_ASCII).trim();
    try {
      return Optional.of(Instant.ofEpochMilli(Long.parseLong(text)));
    } catch (NumberFormatException e) {
      throw new IdGenerationException(
          "high-water mark file "
              + file
              + " does not hold epoch milliseconds; fix or delete it only if no other process uses this worker id",
          e);
    }
  }

  @Override
  public synchronized void save(Instant reservedUntil) {
    Objects.requireNonNull(reservedUntil, "reservedUntil must not be null");
    try {
      Path dir = file.getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel channel =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(
            java.nio.ByteBuffer.wrap(
                Long.toString(reservedUntil.toEpochMilli()).getBytes(StandardCharsets.US_ASCII)));
        channel.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      forceDirectory(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new IdGenerationException("cannot write the high-water mark file " + file, e);
    }
  }

  /** The rename is durable only once the directory entry is on disk too. */
  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems (and Windows) cannot open a directory; the file itself is forced.
    }
  }

  @Override
  public String toString() {
    return "FileHighWaterMarkStore[" + file + "]";
  }
}
