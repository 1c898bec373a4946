package io.toutiao.testing.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Locates the Elasticsearch distribution, unpacks it once per machine and installs the
 * toutiao-testing plugin into it. Not part of the public API.
 *
 * <p>Lookup order: {@code toutiao.es.home} / {@code TOUTIAO_ES_HOME} (an unpacked distribution);
 * {@code toutiao.es.distribution} / {@code TOUTIAO_ES_DISTRIBUTION} (the zip); the integ-test zip
 * on the class path (a Maven dependency of toutiao-testing); the zip in the local Maven repository.
 */
public final class ElasticsearchDistribution {

  /** A class of Lucene's smartcn analyzer, whose jar goes into the plugin folder. */
  private static final String SMARTCN_CLASS =
      "org/apache/lucene/analysis/cn/smart/SmartChineseAnalyzer.class";

  /** The package of smartcn's classes and dictionaries. */
  private static final String SMARTCN_PACKAGE = "org/apache/lucene/analysis/cn/smart/";

  /** How smartcn's own jar is named. */
  private static final String SMARTCN_ARTIFACT = "lucene-analysis-smartcn";

  /** Name of the plugin folder under {@code plugins/}. */
  public static final String PLUGIN_NAME = "toutiao-test";

  private static final String PLUGIN_DESCRIPTOR =
      "io/toutiao/testing/esplugin/plugin-descriptor.properties";

  private ElasticsearchDistribution() {}

  /**
   * Returns the version of the distribution this build was made with.
   *
   * @return e.g. {@code 8.19.21}
   */
  public static String version() {
    try (InputStream in =
        ElasticsearchDistribution.class.getResourceAsStream(
            "/io/toutiao/testing/versions.properties")) {
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("elasticsearch.version");
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("toutiao-testing is missing its versions.properties", e);
    }
  }

  /**
   * Returns an unpacked distribution with the test plugin installed, preparing it if needed.
   *
   * @return the Elasticsearch home directory
   * @throws IllegalStateException naming what was tried when no distribution can be found
   */
  public static synchronized Path prepareHome() {
    String configuredHome = setting("toutiao.es.home", "TOUTIAO_ES_HOME");
    Path home = configuredHome != null ? Paths.get(configuredHome) : unpack(findZip());
    if (!Files.isExecutable(home.resolve("bin/elasticsearch"))) {
      throw new IllegalStateException(
          home + " is not an Elasticsearch home (no executable bin/elasticsearch)");
    }
    installPlugin(home);
    return home;
  }

  static String setting(String property, String variable) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(variable);
    }
    return value == null || value.isBlank() ? null : value;
  }

  private static Path findZip() {
    List<String> tried = new ArrayList<>();
    String configured = setting("toutiao.es.distribution", "TOUTIAO_ES_DISTRIBUTION");
    if (configured != null) {
      Path zip = Paths.get(configured);
      if (Files.isRegularFile(zip)) {
        return zip;
      }
      tried.add("configured " + zip + " (no such file)");
    }
    String version = version();
    String fileName = "elasticsearch-" + version + ".zip";
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (entry.endsWith(File.separator + fileName) && Files.isRegularFile(Paths.get(entry))) {
        return Paths.get(entry);
      }
    }
    tried.add(fileName + " on the class path (not there)");
    String repository = System.getProperty("maven.repo.local");
    Path localRepository =
        repository != null
            ? Paths.get(repository)
            : Paths.get(System.getProperty("user.home"), ".m2", "repository");
    Path zip =
        localRepository.resolve(
            Paths.get(
                "org",
                "elasticsearch",
                "distribution",
                "integ-test-zip",
                "elasticsearch",
                version,
                fileName));
    if (Files.isRegularFile(zip)) {
      return zip;
    }
    tried.add(zip + " (not there)");
    throw new IllegalStateException(
        "No Elasticsearch distribution found. Tried: "
            + String.join("; ", tried)
            + ". Fetch it with: mvn dependency:get -Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:"
            + version
            + ":zip, or set TOUTIAO_ES_HOME to an unpacked distribution, or TOUTIAO_ES_URL to a running node.");
  }

  private static Path unpack(Path zip) {
    Path root = Paths.get(System.getProperty("java.io.tmpdir"), "toutiao-kit");
    String name = zip.getFileName().toString().replaceFirst("\\.zip$", "");
    Path home = root.resolve(name + "-" + Long.toHexString(zip.toFile().length()));
    Path marker = home.resolve(".toutiao-unpacked");
    try {
      Files.createDirectories(root);
      try {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (IOException notOwner) {
        // another user created it; it is readable or unpacking below fails with a clear error
      }
      // Closing the channel releases the lock; other JVMs unpacking the same zip wait here.
      try (FileChannel lockFile =
          FileChannel.open(
              root.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        lockFile.lock();
        if (Files.exists(marker)) {
          return home;
        }
        WorkDirs.deleteTree(home);
        Path staging = Files.createTempDirectory(root, name + "-staging-");
        extract(zip, staging);
        Path top;
        try (Stream<Path> children = Files.list(staging)) {
          List<Path> list = children.toList();
          top = list.size() == 1 && Files.isDirectory(list.get(0)) ? list.get(0) : staging;
        }
        makeReadableByAll(top);
        Files.move(top, home, StandardCopyOption.ATOMIC_MOVE);
        WorkDirs.deleteTree(staging);
        Files.createFile(marker);
        return home;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not unpack " + zip + " into " + home, e);
    }
  }

  private static void extract(Path zip, Path target) throws IOException {
    try (ZipFile file = new ZipFile(zip.toFile())) {
      Enumeration<? extends ZipEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        Path out = target.resolve(entry.getName()).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("zip entry escapes the target folder: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        try (InputStream in = file.getInputStream(entry)) {
          Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
        if (out.getParent().getFileName().toString().equals("bin")) {
          Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
    }
  }

  /** Lets an unprivileged user (Elasticsearch refuses root) read the tree and run its scripts. */
  static void makeReadableByAll(Path tree) throws IOException {
    Files.walkFileTree(
        tree,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            boolean executable = Files.isExecutable(file);
            Files.setPosixFilePermissions(
                file, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void installPlugin(Path home) {
    URL descriptor =
        ElasticsearchDistribution.class.getClassLoader().getResource(PLUGIN_DESCRIPTOR);
    if (descriptor == null) {
      throw new IllegalStateException(
          "io.toutiao:toutiao-testing-es-plugin is not on the class path; it provides the cjk analyzer and GET /");
    }
    Path pluginDir = home.resolve("plugins").resolve(PLUGIN_NAME);
    try {
      Files.createDirectories(pluginDir);
      byte[] jar = pluginJar(descriptor);
      Path jarFile = pluginDir.resolve(PLUGIN_NAME + ".jar");
      if (!Files.exists(jarFile) || !Arrays.equals(Files.readAllBytes(jarFile), jar)) {
        Files.write(jarFile, jar);
      }
      try (InputStream in = descriptor.openStream()) {
        Files.copy(
            in,
            pluginDir.resolve("plugin-descriptor.properties"),
            StandardCopyOption.REPLACE_EXISTING);
      }
      java.util.Set<String> installed =
          new java.util.HashSet<>(
              List.of(jarFile.getFileName().toString(), "plugin-descriptor.properties"));
      Path smartcn = jarOfClass(SMARTCN_CLASS);
      if (smartcn != null) {
        String name = smartcn.getFileName().toString();
        if (name.startsWith(SMARTCN_ARTIFACT)) {
          Path target = pluginDir.resolve(name);
          if (!Files.exists(target) || Files.size(target) != Files.size(smartcn)) {
            Files.copy(smartcn, target, StandardCopyOption.REPLACE_EXISTING);
          }
          installed.add(name);
        } else {
          // a shaded jar (a benchmark's, an application's): only smartcn's own entries, or
          // Elasticsearch refuses the plugin for classes it already has
          byte[] entries = entriesUnder(smartcn, SMARTCN_PACKAGE);
          Path target = pluginDir.resolve(SMARTCN_ARTIFACT + "-extracted.jar");
          if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), entries)) {
            Files.write(target, entries);
          }
          installed.add(target.getFileName().toString());
        }
      }
      // what an earlier run installed from another class path would clash with these
      try (Stream<Path> files = Files.list(pluginDir)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          if (!installed.contains(file.getFileName().toString())) {
            Files.delete(file);
          }
        }
      }
      makeReadableByAll(pluginDir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not install the test plugin into " + pluginDir, e);
    }
  }

  /** The jar a class is loaded from, or null when it is not on the class path as a jar. */
  private static Path jarOfClass(String resource) throws IOException {
    URL url = ElasticsearchDistribution.class.getClassLoader().getResource(resource);
    if (url == null || !"jar".equals(url.getProtocol())) {
      return null;
    }
    JarURLConnection connection = (JarURLConnection) url.openConnection();
    try {
      return Paths.get(connection.getJarFileURL().toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  /** A jar of the entries of {@code jar} whose names start with {@code prefix}. */
  private static byte[] entriesUnder(Path jar, String prefix) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.jar.JarFile source = new java.util.jar.JarFile(jar.toFile());
        JarOutputStream out = new JarOutputStream(bytes)) {
      copyEntries(source, prefix, out);
    }
    return bytes.toByteArray();
  }

  private static void copyEntries(java.util.jar.JarFile source, String prefix, JarOutputStream out)
      throws IOException {
    for (JarEntry entry :
        (Iterable<JarEntry>)
            source.stream().sorted(java.util.Comparator.comparing(JarEntry::getName))::iterator) {
      if (entry.getName().startsWith(prefix) && !entry.isDirectory()) {
        JarEntry copy = new JarEntry(entry.getName());
        copy.setTime(0);
        out.putNextEntry(copy);
        try (InputStream in = source.getInputStream(entry)) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
    }
  }

  /**
   * The plugin's jar, built from the plugin's own entries only: the class path may hold them in the
   * plugin's jar, a classes folder, or a shaded jar with everything else (which Elasticsearch would
   * refuse for duplicate classes).
   */
  private static byte[] pluginJar(URL descriptor) throws IOException {
    String prefix = PLUGIN_DESCRIPTOR.substring(0, PLUGIN_DESCRIPTOR.lastIndexOf('/') + 1);
    if ("jar".equals(descriptor.getProtocol())) {
      JarURLConnection connection = (JarURLConnection) descriptor.openConnection();
      connection.setUseCaches(false);
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.util.jar.JarFile source = connection.getJarFile();
          JarOutputStream jar = new JarOutputStream(bytes)) {
        copyEntries(source, prefix, jar);
      }
      return bytes.toByteArray();
    }
    try {
      Path classes = Paths.get(descriptor.toURI());
      for (int i = 0; i < PLUGIN_DESCRIPTOR.split("/").length; i++) {
        classes = classes.getParent();
      }
      return jarOf(classes);
    } catch (URISyntaxException e) {
      throw new IOException("unexpected plugin location " + descriptor, e);
    }
  }

  private static byte[] jarOf(Path classes) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (JarOutputStream jar = new JarOutputStream(bytes);
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        JarEntry entry =
            new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/'));
        entry.setTime(0);
        jar.putNextEntry(entry);
        Files.copy(file, (OutputStream) jar);
        jar.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
