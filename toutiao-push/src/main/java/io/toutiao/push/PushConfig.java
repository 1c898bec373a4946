package io.toutiao.push;

import io.toutiao.push.internal.Names;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the push module, shared by the {@link PushPublisher} (the web app's side) and every
 * {@link PushServer} node: both must use the same key prefix and channel. Immutable; {@link
 * #builder()} validates each value and names the one refused.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>keyPrefix</td><td>{@code push}</td><td>inbox {@code push:{user}:inbox} (a stream),
 *       acknowledged cursor {@code push:{user}:acked}</td></tr>
 *   <tr><td>channel</td><td>{@code push:events}</td><td>the pub/sub channel every node
 *       subscribes to</td></tr>
 *   <tr><td>inboxMaxEvents</td><td>200</td><td>events kept per user (older ones are trimmed)</td></tr>
 *   <tr><td>inboxMaxAge</td><td>3 days</td><td>events older than this are trimmed; an inbox not
 *       written for this long expires with its cursor</td></tr>
 *   <tr><td>maxEventBytes</td><td>16 KiB</td><td>largest event data (JSON) a publisher
 *       accepts</td></tr>
 *   <tr><td>host, port, path</td><td>{@code 0.0.0.0}, 9092, {@code /socket.io}</td><td>where
 *       a node listens (port 0: any free port)</td></tr>
 *   <tr><td>pingInterval, pingTimeout</td><td>25 s, 20 s</td><td>Engine.IO heartbeats (the
 *       Socket.IO 4 defaults)</td></tr>
 *   <tr><td>maxMessageBytes</td><td>64 KiB</td><td>largest frame or HTTP body a client may
 *       send</td></tr>
 *   <tr><td>maxConnectionsPerUser</td><td>5</td><td>per node; more are refused</td></tr>
 *   <tr><td>maxConnections</td><td>100,000</td><td>per node, sessions still connecting
 *       included; more are refused</td></tr>
 *   <tr><td>connectTimeout</td><td>10 s</td><td>a session that has not connected to the namespace
 *       by then is closed</td></tr>
 *   <tr><td>ackTimeout</td><td>60 s</td><td>how long a node waits for an event's
 *       acknowledgement (an unacknowledged event is delivered again at the next connect)</td></tr>
 *   <tr><td>ackFlushInterval</td><td>100 ms</td><td>acknowledgements are written to Redis in
 *       batches this often</td></tr>
 *   <tr><td>replayBatch</td><td>100</td><td>inbox entries read per Redis call when catching
 *       up</td></tr>
 *   <tr><td>redisHeartbeat</td><td>2 s</td><td>the subscription is pinged this often and made
 *       again after 3 heartbeats without an answer</td></tr>
 *   <tr><td>queryToken</td><td>true</td><td>accept the token as the {@code token} query
 *       parameter (the reference's clients); the auth payload is always accepted</td></tr>
 *   <tr><td>echoMessages</td><td>false</td><td>the reference's demo chat: a {@code message}
 *       event is sent back to its sender</td></tr>
 * </table>
 */
public final class PushConfig {

  private final String keyPrefix;
  private final String channel;
  private final int inboxMaxEvents;
  private final Duration inboxMaxAge;
  private final int maxEventBytes;
  private final String host;
  private final int port;
  private final String path;
  private final Duration pingInterval;
  private final Duration pingTimeout;
  private final int maxMessageBytes;
  private final int maxConnectionsPerUser;
  private final int maxConnections;
  private final Duration ackTimeout;
  private final Duration connectTimeout;
  private final Duration ackFlushInterval;
  private final int replayBatch;
  private final Duration redisHeartbeat;
  private final boolean queryToken;
  private final boolean echoMessages;

  private PushConfig(Builder b) {
    this.keyPrefix = b.keyPrefix;
    this.channel = b.channel;
    this.inboxMaxEvents = b.inboxMaxEvents;
    this.inboxMaxAge = b.inboxMaxAge;
    this.maxEventBytes = b.maxEventBytes;
    this.host = b.host;
    this.port = b.port;
    this.path = b.path;
    this.pingInterval = b.pingInterval;
    this.pingTimeout = b.pingTimeout;
    this.maxMessageBytes = b.maxMessageBytes;
    this.maxConnectionsPerUser = b.maxConnectionsPerUser;
    this.maxConnections = b.maxConnections;
    this.ackTimeout = b.ackTimeout;
    this.connectTimeout = b.connectTimeout;
    this.ackFlushInterval = b.ackFlushInterval;
    this.replayBatch = b.replayBatch;
    this.redisHeartbeat = b.redisHeartbeat;
    this.queryToken = b.queryToken;
    this.echoMessages = b.echoMessages;
  }

  /**
   * Returns the defaults.
   *
   * @return the default settings
   */
  public static PushConfig defaults() {
    return builder().build();
  }

  /**
   * Starts a builder with the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder with these settings.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.keyPrefix = keyPrefix;
    b.channel = channel;
    b.inboxMaxEvents = inboxMaxEvents;
    b.inboxMaxAge = inboxMaxAge;
    b.maxEventBytes = maxEventBytes;
    b.host = host;
    b.port = port;
    b.path = path;
    b.pingInterval = pingInterval;
    b.pingTimeout = pingTimeout;
    b.maxMessageBytes = maxMessageBytes;
    b.maxConnectionsPerUser = maxConnectionsPerUser;
    b.maxConnections = maxConnections;
    b.ackTimeout = ackTimeout;
    b.connectTimeout = connectTimeout;
    b.ackFlushInterval = ackFlushInterval;
    b.replayBatch = replayBatch;
    b.redisHeartbeat = redisHeartbeat;
    b.queryToken = queryToken;
    b.echoMessages = echoMessages;
    return b;
  }

  /**
   * @return the Redis key prefix
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * @return the pub/sub channel
   */
  public String channel() {
    return channel;
  }

  /**
   * @return events kept per user
   */
  public int inboxMaxEvents() {
    return inboxMaxEvents;
  }

  /**
   * @return the age after which events are trimmed
   */
  public Duration inboxMaxAge() {
    return inboxMaxAge;
  }

  /**
   * @return the largest event data in bytes of JSON
   */
  public int maxEventBytes() {
    return maxEventBytes;
  }

  /**
   * @return the address a node binds
   */
  public String host() {
    return host;
  }

  /**
   * @return the port a node listens on, 0 for any free one
   */
  public int port() {
    return port;
  }

  /**
   * @return the Socket.IO path
   */
  public String path() {
    return path;
  }

  /**
   * @return the Engine.IO ping interval
   */
  public Duration pingInterval() {
    return pingInterval;
  }

  /**
   * @return the Engine.IO ping timeout
   */
  public Duration pingTimeout() {
    return pingTimeout;
  }

  /**
   * @return the largest frame or body a client may send
   */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * @return connections per user per node
   */
  public int maxConnectionsPerUser() {
    return maxConnectionsPerUser;
  }

  /**
   * @return connections per node
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * @return how long an acknowledgement is waited for
   */
  public Duration ackTimeout() {
    return ackTimeout;
  }

  /**
   * @return how long a session may stay without connecting to the namespace
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * @return how often acknowledgements are written
   */
  public Duration ackFlushInterval() {
    return ackFlushInterval;
  }

  /**
   * @return inbox entries per read when catching up
   */
  public int replayBatch() {
    return replayBatch;
  }

  /**
   * @return the subscription's heartbeat period
   */
  public Duration redisHeartbeat() {
    return redisHeartbeat;
  }

  /**
   * @return whether the {@code token} query parameter is accepted
   */
  public boolean queryToken() {
    return queryToken;
  }

  /**
   * @return whether {@code message} events are echoed
   */
  public boolean echoMessages() {
    return echoMessages;
  }

  /**
   * The Redis key of a user's inbox stream.
   *
   * @param userId the user
   * @return {@code {prefix}:{userId}:inbox}, one hash slot per user with the acked key
   */
  public String inboxKey(String userId) {
    return keyPrefix + ":{" + userId + "}:inbox";
  }

  /**
   * The Redis key of a user's acknowledged cursor.
   *
   * @param userId the user
   * @return {@code {prefix}:{userId}:acked}
   */
  public String ackedKey(String userId) {
    return keyPrefix + ":{" + userId + "}:acked";
  }

  @Override
  public String toString() {
    return "PushConfig[keyPrefix="
        + keyPrefix
        + ", channel="
        + channel
        + ", inboxMaxEvents="
        + inboxMaxEvents
        + ", inboxMaxAge="
        + inboxMaxAge
        + ", host="
        + host
        + ", port="
        + port
        + ", path="
        + path
        + "]";
  }

  /** Builds a {@link PushConfig}; each setter checks its value. */
  public static final class Builder {
    private String keyPrefix = "push";
    private String channel = "push:events";
    private int inboxMaxEvents = 200;
    private Duration inboxMaxAge = Duration.ofDays(3);
    private int maxEventBytes = 16 * 1024;
    private String host = "0.0.0.0";
    private int port = 9092;
    private String path = "/socket.io";
    private Duration pingInterval = Duration.ofSeconds(25);
    private Duration pingTimeout = Duration.ofSeconds(20);
    private int maxMessageBytes = 64 * 1024;
    private int maxConnectionsPerUser = 5;
    private int maxConnections = 100_000;
    private Duration ackTimeout = Duration.ofSeconds(60);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration ackFlushInterval = Duration.ofMillis(100);
    private int replayBatch = 100;
    private Duration redisHeartbeat = Duration.ofSeconds(2);
    private boolean queryToken = true;
    private boolean echoMessages;

    private Builder() {}

    /**
     * @param keyPrefix the Redis key prefix, 1 to 64 of {@code [A-Za-z0-9_.:-]}
     * @return this
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = Names.requireName("keyPrefix", keyPrefix);
      return this;
    }

    /**
     * @param channel the pub/sub channel, 1 to 64 of {@code [A-Za-z0-9_.:-]}
     * @return this
     */
    public Builder channel(String channel) {
      this.channel = Names.requireName("channel", channel);
      return this;
    }

    /**
     * @param events events kept per user, 1 to 100,000
     * @return this
     */
    public Builder inboxMaxEvents(int events) {
      this.inboxMaxEvents = range("inboxMaxEvents", events, 1, 100_000);
      return this;
    }

    /**
     * @param age 1 minute to 365 days
     * @return this
     */
    public Builder inboxMaxAge(Duration age) {
      this.inboxMaxAge = range("inboxMaxAge", age, Duration.ofMinutes(1), Duration.ofDays(365));
      return this;
    }

    /**
     * @param bytes 16 B to 1 MiB
     * @return this
     */
    public Builder maxEventBytes(int bytes) {
      this.maxEventBytes = range("maxEventBytes", bytes, 16, 1 << 20);
      return this;
    }

    /**
     * @param host the address to bind, e.g. {@code 127.0.0.1}
     * @return this
     */
    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be empty");
      }
      this.host = host;
      return this;
    }

    /**
     * @param port 0 (any free port) to 65535
     * @return this
     */
    public Builder port(int port) {
      this.port = range("port", port, 0, 65_535);
      return this;
    }

    /**
     * @param path the Socket.IO path, starting with {@code /}
     * @return this
     */
    public Builder path(String path) {
      if (path == null || !path.startsWith("/") || path.length() > 128 || path.contains("?")) {
        throw new IllegalArgumentException(
            "path must start with / and have at most 128 characters");
      }
      this.path = path;
      return this;
    }

    /**
     * @param interval 1 s to 5 min
     * @return this
     */
    public Builder pingInterval(Duration interval) {
      this.pingInterval =
          range("pingInterval", interval, Duration.ofSeconds(1), Duration.ofMinutes(5));
      return this;
    }

    /**
     * @param timeout 1 s to 5 min
     * @return this
     */
    public Builder pingTimeout(Duration timeout) {
      this.pingTimeout =
          range("pingTimeout", timeout, Duration.ofSeconds(1), Duration.ofMinutes(5));
      return this;
    }

    /**
     * @param bytes 1 KiB to 16 MiB
     * @return this
     */
    public Builder maxMessageBytes(int bytes) {
      this.maxMessageBytes = range("maxMessageBytes", bytes, 1024, 16 << 20);
      return this;
    }

    /**
     * @param connections 1 to 1,000
     * @return this
     */
    public Builder maxConnectionsPerUser(int connections) {
      this.maxConnectionsPerUser = range("maxConnectionsPerUser", connections, 1, 1_000);
      return this;
    }

    /**
     * @param connections 1 to 10,000,000
     * @return this
     */
    public Builder maxConnections(int connections) {
      this.maxConnections = range("maxConnections", connections, 1, 10_000_000);
      return this;
    }

    /**
     * @param timeout 1 s to 1 h
     * @return this
     */
    public Builder ackTimeout(Duration timeout) {
      this.ackTimeout = range("ackTimeout", timeout, Duration.ofSeconds(1), Duration.ofHours(1));
      return this;
    }

    /**
     * @param timeout how long an Engine.IO session may stay without connecting to the namespace
     *     (and so without a user), 1 s to 5 min; such sessions count against {@link
     *     #maxConnections(int)} meanwhile
     * @return this
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout =
          range("connectTimeout", timeout, Duration.ofSeconds(1), Duration.ofMinutes(5));
      return this;
    }

    /**
     * @param interval 1 ms to 10 s
     * @return this
     */
    public Builder ackFlushInterval(Duration interval) {
      this.ackFlushInterval =
          range("ackFlushInterval", interval, Duration.ofMillis(1), Duration.ofSeconds(10));
      return this;
    }

    /**
     * @param entries 1 to 10,000
     * @return this
     */
    public Builder replayBatch(int entries) {
      this.replayBatch = range("replayBatch", entries, 1, 10_000);
      return this;
    }

    /**
     * @param period 50 ms to 1 min
     * @return this
     */
    public Builder redisHeartbeat(Duration period) {
      this.redisHeartbeat =
          range("redisHeartbeat", period, Duration.ofMillis(50), Duration.ofMinutes(1));
      return this;
    }

    /**
     * @param accept whether the {@code token} query parameter is accepted
     * @return this
     */
    public Builder queryToken(boolean accept) {
      this.queryToken = accept;
      return this;
    }

    /**
     * @param echo whether {@code message} events are sent back to their sender
     * @return this
     */
    public Builder echoMessages(boolean echo) {
      this.echoMessages = echo;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the settings
     */
    public PushConfig build() {
      return new PushConfig(this);
    }

    private static int range(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }

    private static Duration range(String name, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, () -> name + " must not be null");
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }
  }
}
