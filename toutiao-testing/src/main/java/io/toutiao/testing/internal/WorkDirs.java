package io.toutiao.testing.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where started servers keep their logs and data: the system property {@code
 * toutiao.testing.workDir}, else {@code target/} under the working directory when it exists (a
 * Maven build), else a folder under the system temporary directory. Not part of the public API.
 */
public final class WorkDirs {

  /** System property that overrides the work directory. */
  public static final String PROPERTY = "toutiao.testing.workDir";

  private WorkDirs() {}

  /**
   * Returns the base directory, creating it if needed.
   *
   * @return an absolute directory
   */
  public static Path base() {
    String configured = System.getProperty(PROPERTY);
    Path base;
    if (configured != null && !configured.isBlank()) {
      base = Paths.get(configured);
    } else if (Files.isDirectory(Paths.get("target"))) {
      base = Paths.get("target");
    } else {
      base = Paths.get(System.getProperty("java.io.tmpdir"), "toutiao-testing");
    }
    try {
      return Files.createDirectories(base.toAbsolutePath().normalize());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the work directory " + base, e);
    }
  }

  /**
   * Creates (if needed) and returns a subdirectory of the base.
   *
   * @param name relative name
   * @return the directory
   */
  public static Path dir(String name) {
    try {
      return Files.createDirectories(base().resolve("toutiao-testing").resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + name + " under " + base(), e);
    }
  }

  /**
   * Deletes a directory tree, ignoring what cannot be deleted.
   *
   * @param root the tree to delete
   */
  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      paths
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort: a file still held open by a dying process
                }
              });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
