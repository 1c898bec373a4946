package io.toutiao.push;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Node.js for the tests: the {@code node} and {@code npm} on the PATH, installed from the Debian
 * packages when missing and running as root; the JavaScript client installed from the npm registry
 * into {@code target/js} once.
 */
final class NodeJs {

  private NodeJs() {}

  /** Returns the directory with client.mjs and its node_modules, installing what is missing. */
  static synchronized Path clientDirectory() throws IOException, InterruptedException {
    ensureNode();
    Path dir = Path.of("target", "js").toAbsolutePath();
    Files.createDirectories(dir);
    for (String file : List.of("package.json", "client.mjs")) {
      Files.copy(
          Path.of("src", "test", "js", file),
          dir.resolve(file),
          StandardCopyOption.REPLACE_EXISTING);
    }
    Path installed = dir.resolve("node_modules/socket.io-client/package.json");
    if (!Files.exists(installed)
        || !Files.readString(installed, StandardCharsets.UTF_8)
            .contains("\"version\": \"4.8.4\"")) {
      run(dir, 300, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
    }
    return dir;
  }

  private static void ensureNode() throws IOException, InterruptedException {
    if (onPath("node") && onPath("npm")) {
      return;
    }
    if (!"root".equals(System.getProperty("user.name")) || !onPath("apt-get")) {
      throw new IllegalStateException(
          "node and npm are needed for the JavaScript client test; install Node.js 18 or newer"
              + " (Debian: apt-get install nodejs npm)");
    }
    run(Path.of("."), 600, "apt-get", "install", "-y", "-q", "nodejs", "npm");
    if (!onPath("node")) {
      run(Path.of("."), 300, "apt-get", "update", "-q");
      run(Path.of("."), 600, "apt-get", "install", "-y", "-q", "nodejs", "npm");
    }
  }

  private static boolean onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  static void run(Path dir, long timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of(command));
    Process process =
        new ProcessBuilder(line)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("install.log").toFile())
            .start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish in time");
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command)
              + " failed ("
              + process.exitValue()
              + "): "
              + Files.readString(dir.resolve("install.log")));
    }
  }
}
