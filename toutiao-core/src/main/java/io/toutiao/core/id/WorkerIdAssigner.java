package io.toutiao.core.id;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides the worker id of a {@link SnowflakeIdGenerator}; called once when the generator's config
 * is built. Two generators that run at the same time with the same layout and datacenter must get
 * different worker ids, or they will issue the same ids.
 *
 * <p>Ready-made assigners: {@link #fixed(long)}, {@link #fromEnvironment(String)} and {@link
 * #fromStatefulSetOrdinal()}; toutiao-cache adds one that leases a free id from Redis.
 */
@FunctionalInterface
public interface WorkerIdAssigner {

  /**
   * Returns this process's worker id.
   *
   * @param layout the layout the id must fit ({@code 0..layout.maxWorkerId()})
   * @return the worker id; the config rejects values outside the layout's range
   * @throws IllegalStateException when no id can be determined (missing variable, bad host name)
   */
  long assignWorkerId(SnowflakeLayout layout);

  /**
   * Returns this process's worker id for a generator of the given datacenter; what {@link
   * SnowflakeConfig.Builder#build()} calls. Assigners bound to one datacenter (leases) refuse
   * another; the default ignores it.
   *
   * @param layout the layout the id must fit
   * @param datacenterId the datacenter of the config being built
   * @return the worker id
   * @throws IllegalStateException when no id can be determined or the datacenter does not match
   */
  default long assignWorkerId(SnowflakeLayout layout, long datacenterId) {
    return assignWorkerId(layout);
  }

  /**
   * Gives back an id assigned by a config build that then failed, so a lease is not held for
   * nothing. Does nothing by default.
   */
  default void release() {}

  /**
   * Tells whether this process still holds the worker id it was assigned. A generator asks before
   * every id and throws {@link IdGenerationException} when it no longer does, rather than risk a
   * duplicate; leased ids (toutiao-cache's Redis assigner) can be lost, configured ones cannot.
   * Must be fast (a volatile read).
   *
   * @return true while the id is held; always true by default
   */
  default boolean isHeld() {
    return true;
  }

  /**
   * Always the same id, e.g. from configuration.
   *
   * @param workerId the id
   * @return the assigner
   */
  static WorkerIdAssigner fixed(long workerId) {
    return layout -> workerId;
  }

  /**
   * Reads the id from a system property or, if absent, the environment variable of the same name.
   *
   * @param name e.g. {@code TOUTIAO_WORKER_ID}
   * @return the assigner
   */
  static WorkerIdAssigner fromEnvironment(String name) {
    Objects.requireNonNull(name, "name must not be null");
    return layout -> {
      String value = System.getProperty(name, System.getenv(name));
      if (value == null || value.isBlank()) {
        throw new IllegalStateException(
            "worker id variable "
                + name
                + " is not set (as a system property or environment variable)");
      }
      try {
        return Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalStateException(
            "worker id variable " + name + " must be an integer, got '" + abbreviate(value) + "'",
            e);
      }
    };
  }

  /**
   * Uses the ordinal of a Kubernetes StatefulSet pod: the number after the last {@code -} of the
   * host name ({@code HOSTNAME}, else the local host name), e.g. 3 for {@code news-api-3}.
   *
   * @return the assigner
   */
  static WorkerIdAssigner fromStatefulSetOrdinal() {
    return layout -> ordinalOf(currentHostName());
  }

  /**
   * Extracts the StatefulSet ordinal from a host name.
   *
   * @param hostName e.g. {@code news-api-3} or {@code news-api-3.news.default.svc}
   * @return the ordinal
   * @throws IllegalStateException when the name does not end in {@code -<number>}
   */
  static long ordinalOf(String hostName) {
    String first = hostName == null ? "" : hostName.split("\\.", 2)[0];
    Matcher matcher = Pattern.compile("-(\\d{1,9})$").matcher(first);
    if (!matcher.find()) {
      throw new IllegalStateException(
          "host name '"
              + abbreviate(hostName)
              + "' does not end in -<ordinal> as StatefulSet pod names do");
    }
    return Long.parseLong(matcher.group(1));
  }

  private static String currentHostName() {
    String name = System.getenv("HOSTNAME");
    if (name != null && !name.isBlank()) {
      return name.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(
          "cannot determine the host name for the StatefulSet ordinal", e);
    }
  }

  private static String abbreviate(String value) {
    if (value == null) {
      return "null";
    }
    return value.length() <= 64 ? value : value.substring(0, 64) + "...";
  }
}
