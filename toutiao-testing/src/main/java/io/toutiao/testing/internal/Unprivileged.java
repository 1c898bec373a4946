package io.toutiao.testing.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs a program as an unprivileged user when this JVM runs as root (Elasticsearch refuses root).
 * The user is {@code toutiao.es.user} / {@code TOUTIAO_ES_USER}, default {@code nobody}; {@code
 * setpriv} (util-linux) switches to it. Not part of the public API.
 */
public final class Unprivileged {

  private Unprivileged() {}

  /**
   * Tells whether this JVM runs as root.
   *
   * @return true for uid 0
   */
  public static boolean runningAsRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Paths.get("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /**
   * Returns the user name to run as when root.
   *
   * @return the user
   */
  public static String user() {
    String user = ElasticsearchDistribution.setting("toutiao.es.user", "TOUTIAO_ES_USER");
    return user == null ? "nobody" : user;
  }

  /**
   * Returns the command prefix that drops root privileges.
   *
   * @return {@code setpriv --reuid=U --regid=G --clear-groups --}
   */
  public static List<String> commandPrefix() {
    String[] ids = lookupIds(user());
    return List.of("setpriv", "--reuid=" + ids[0], "--regid=" + ids[1], "--clear-groups", "--");
  }

  /**
   * Gives a tree to the unprivileged user.
   *
   * @param tree the directory tree
   */
  public static void chown(Path tree) {
    try {
      UserPrincipalLookupService lookup = tree.getFileSystem().getUserPrincipalLookupService();
      String[] ids = lookupIds(user());
      UserPrincipal owner = lookup.lookupPrincipalByName(user());
      GroupPrincipal group = lookup.lookupPrincipalByGroupName(ids[2]);
      try (Stream<Path> paths = Files.walk(tree)) {
        for (Path path : (Iterable<Path>) paths::iterator) {
          PosixFileAttributeView view =
              Files.getFileAttributeView(path, PosixFileAttributeView.class);
          view.setOwner(owner);
          view.setGroup(group);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot give " + tree + " to user " + user(), e);
    }
  }

  /** Returns uid, gid and group name of a user, from {@code /etc/passwd} and {@code /etc/group}. */
  private static String[] lookupIds(String user) {
    try {
      String[] passwd =
          find(Paths.get("/etc/passwd"), user)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "user "
                              + user
                              + " not found in /etc/passwd; set TOUTIAO_ES_USER to an unprivileged user"));
      String gid = passwd[3];
      String groupName =
          Files.readAllLines(Paths.get("/etc/group")).stream()
              .map(line -> line.split(":"))
              .filter(fields -> fields.length > 2 && fields[2].equals(gid))
              .map(fields -> fields[0])
              .findFirst()
              .orElse(gid);
      return new String[] {passwd[2], gid, groupName};
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the user database", e);
    }
  }

  private static java.util.Optional<String[]> find(Path file, String name) throws IOException {
    return Files.readAllLines(file).stream()
        .map(line -> line.split(":"))
        .filter(fields -> fields.length > 3 && fields[0].equals(name))
        .findFirst();
  }
}
