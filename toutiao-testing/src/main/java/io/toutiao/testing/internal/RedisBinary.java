package io.toutiao.testing.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds a {@code redis-server} executable: the system property {@code toutiao.redis.server} or the
 * environment variable {@code TOUTIAO_REDIS_SERVER}, else {@code redis-server} on the PATH, else
 * the binary bundled in {@code com.github.codemonstur:embedded-redis}, extracted once per JVM into
 * a temporary folder that is deleted at exit. Not part of the public API.
 */
public final class RedisBinary {

  private static Path resolved;

  private RedisBinary() {}

  /**
   * Returns the executable to run, resolving it once per JVM.
   *
   * @return an executable redis-server
   * @throws IllegalStateException naming everything that was tried when none is found
   */
  public static synchronized Path find() {
    if (resolved == null) {
      resolved = resolve();
    }
    return resolved;
  }

  private static Path resolve() {
    List<String> tried = new ArrayList<>();
    String configured =
        System.getProperty("toutiao.redis.server", System.getenv("TOUTIAO_REDIS_SERVER"));
    if (configured != null && !configured.isBlank()) {
      Path path = Paths.get(configured);
      if (Files.isExecutable(path)) {
        return path;
      }
      tried.add("configured " + path + " (not an executable file)");
    }
    String pathVariable = System.getenv("PATH");
    if (pathVariable != null) {
      for (String dir : pathVariable.split(File.pathSeparator)) {
        Path candidate = Paths.get(dir, "redis-server");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    tried.add("redis-server on the PATH (not found)");
    String resource = bundledResourceName();
    if (resource != null) {
      try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource)) {
        if (in != null) {
          return extract(in, resource);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not extract the bundled " + resource, e);
      }
      tried.add(
          "bundled " + resource + " (com.github.codemonstur:embedded-redis not on the class path)");
    } else {
      tried.add(
          "a bundled binary (none for "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + ")");
    }
    throw new IllegalStateException(
        "No redis-server found. Tried: "
            + String.join("; ", tried)
            + ". Install one (Debian: apt-get install redis-server), set TOUTIAO_REDIS_SERVER to its path,"
            + " add com.github.codemonstur:embedded-redis to the test class path,"
            + " or set TOUTIAO_REDIS_URL to use a running server.");
  }

  private static String bundledResourceName() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
    boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
    if (os.contains("linux")) {
      return x64
          ? "redis-server-6.2.6-v5-linux-amd64"
          : arm64 ? "redis-server-6.2.7-linux-arm64" : null;
    }
    if (os.contains("mac")) {
      return x64
          ? "redis-server-6.2.6-v5-darwin-amd64"
          : arm64 ? "redis-server-6.2.6-v5-darwin-arm64" : null;
    }
    return null;
  }

  private static Path extract(InputStream in, String resource) throws IOException {
    Path dir = Files.createTempDirectory("toutiao-redis-");
    Shutdown.register(() -> WorkDirs.deleteTree(dir));
    Path binary = dir.resolve(resource);
    Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
    if (!binary.toFile().setExecutable(true, true)) {
      throw new IOException("cannot make " + binary + " executable");
    }
    return binary;
  }
}
