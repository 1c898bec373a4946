package io.toutiao.cache;

import io.toutiao.cache.internal.ClientAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * The invalidation subscriber of one Redis client in this JVM, shared by every {@link
 * TwoLevelCache} on that client: one subscriber connection and one heartbeat connection of its own
 * (never taken from the client's pool), whatever the number of caches.
 *
 * <p><b>Proof of delivery.</b> Four times per staleness bound the bus publishes a heartbeat on a
 * channel only it subscribes to and expects it back on the subscriber connection. Redis delivers a
 * subscriber's messages in the order it executed the publishes, so a heartbeat sent at time {@code
 * s} and received proves that every invalidation whose {@code invalidate} returned before {@code s}
 * has been received. A cache serves an L1 entry only while that proof is younger than its {@link
 * CacheConfig.Builder#maxStaleness bound}, or when the entry itself was read from Redis or the
 * loader within the bound. A heartbeat that was published but has not come back within half the
 * bound means a silent subscription (half-open connection, stuck proxy): the connection is closed
 * and made again. Every new subscription clears the caches' L1 (messages may have been lost
 * meanwhile). The reconnect back-off (0, 50 ms, doubling to 1 s) resets once a subscription is
 * confirmed.
 *
 * <p>Caches made with {@link TwoLevelCache#TwoLevelCache(CacheConfig, UnifiedJedis)} share the bus
 * of their client, made from the client's own connection settings, and close it with the last of
 * them. Build one yourself with {@link #connectingTo} when the client does not expose its settings
 * or invalidations should use another endpoint; then it is yours to close.
 *
 * <p>On Redis Cluster, publishes are broadcast to every node and the bus subscribes on any node;
 * the proof then also assumes that the cluster bus delivers in order between nodes.
 */
public final class InvalidationBus implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InvalidationBus.class);
  private static final Map<UnifiedJedis, InvalidationBus> SHARED = new IdentityHashMap<>();
  private static final long DEFAULT_BOUND_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final CommandObjects COMMANDS = new CommandObjects();

  private final Supplier<Connection> connections;
  private final Supplier<Connection> publisherConnections;

  /** Where new connections go now (the current Sentinel master's pool); null when fixed. */
  private final Supplier<Object> endpoint;

  private volatile Object subscribedEndpoint;
  private final String description;
  private final String heartbeatChannel;
  private final UnifiedJedis sharedKey;
  private final Map<String, List<Member>> byChannel = new ConcurrentHashMap<>();
  private final List<Member> members = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private final Thread subscriberThread;
  private final Thread heartbeatThread;
  private final Thread watchdogThread;
  private final AtomicLong subscriptions = new AtomicLong();
  private final AtomicLong silentRestarts = new AtomicLong();
  private final AtomicLong heartbeatsSent = new AtomicLong();
  private final AtomicLong heartbeatsReceived = new AtomicLong();

  private int references;
  private volatile boolean closed;
  // guarded by lock
  private BusPubSub active;
  private final Set<String> requested = new HashSet<>();
  private volatile Connection subscriberConnection;
  private volatile long provenAt;
  private volatile boolean everProven;
  private volatile long lastPublishedAt;
  private volatile boolean publishPending;

  private InvalidationBus(
      Supplier<Connection> connections,
      Supplier<Connection> publisherConnections,
      Supplier<Object> endpoint,
      String description,
      UnifiedJedis key) {
    this.connections = connections;
    this.publisherConnections = publisherConnections;
    this.endpoint = endpoint;
    this.description = description;
    this.sharedKey = key;
    this.heartbeatChannel = "toutiao:cache:heartbeat:" + UUID.randomUUID();
    this.subscriberThread = daemon(this::subscribeLoop, "invalidations");
    this.heartbeatThread = daemon(this::heartbeatLoop, "heartbeat");
    this.watchdogThread = daemon(this::watchdogLoop, "watchdog");
    subscriberThread.start();
    heartbeatThread.start();
    watchdogThread.start();
  }

  /**
   * Starts a bus that connects to the given endpoint (a standalone server, the Sentinel master, or
   * any node of a cluster) with the given client settings. Close it after the caches that use it.
   *
   * @param address the endpoint
   * @param config the client settings (password, TLS, timeouts)
   * @return the running bus
   */
  public static InvalidationBus connectingTo(HostAndPort address, JedisClientConfig config) {
    Objects.requireNonNull(address, "address must not be null");
    Objects.requireNonNull(config, "config must not be null");
    Supplier<Connection> connections =
        () -> {
          Connection connection = new Connection(address, config);
          connection.connect();
          return connection;
        };
    return new InvalidationBus(connections, connections, null, address.toString(), null);
  }

  /**
   * Starts a bus whose subscriber and heartbeat publisher connect through different paths (tests
   * freeze one of them).
   */
  static InvalidationBus create(
      Supplier<Connection> subscriber, Supplier<Connection> publisher, String description) {
    return new InvalidationBus(subscriber, publisher, null, description, null);
  }

  /** Returns the bus of a client, starting it on first use; each call needs one release. */
  static InvalidationBus acquireShared(UnifiedJedis jedis) {
    synchronized (SHARED) {
      InvalidationBus bus = SHARED.get(jedis);
      if (bus == null) {
        ClientAccess access = ClientAccess.of(jedis);
        Supplier<Object> endpoint = access.routed() ? null : access::endpointPool;
        bus =
            new InvalidationBus(
                access::newConnection, access::newConnection, endpoint, "shared", jedis);
        SHARED.put(jedis, bus);
      }
      bus.references++;
      return bus;
    }
  }

  /** Takes one more reference of a shared bus (a cache given it explicitly). */
  void retainShared() {
    synchronized (SHARED) {
      references++;
    }
  }

  /** Gives back a reference from {@link #acquireShared}; the last one closes the bus. */
  void releaseShared() {
    synchronized (SHARED) {
      if (--references > 0) {
        return;
      }
      SHARED.remove(sharedKey, this);
    }
    close();
  }

  boolean isShared() {
    return sharedKey != null;
  }

  /**
   * Tells whether the subscription is proven now: its last heartbeat came back within the tightest
   * bound of the caches on it.
   *
   * @return true when delivery is proven
   */
  public boolean isProven() {
    return everProven && System.nanoTime() - provenAt <= minBoundNanos();
  }

  /**
   * Returns the bus's counters.
   *
   * @return a snapshot
   */
  public Stats stats() {
    return new Stats(
        subscriptions.get(),
        silentRestarts.get(),
        heartbeatsSent.get(),
        heartbeatsReceived.get(),
        isProven(),
        members.size());
  }

  /**
   * The bus's counters.
   *
   * @param subscriptions subscriber connections confirmed by Redis (1 plus the reconnects)
   * @param silentRestarts subscriptions closed because their heartbeat did not come back
   * @param heartbeatsSent heartbeats published
   * @param heartbeatsReceived heartbeats that came back
   * @param proven whether delivery is proven now
   * @param caches caches registered
   */
  public record Stats(
      long subscriptions,
      long silentRestarts,
      long heartbeatsSent,
      long heartbeatsReceived,
      boolean proven,
      int caches) {}

  /** What the bus tells a registered cache. */
  interface Listener {
    /** Another instance invalidated this Redis key. */
    void onInvalidation(String redisKey);

    /** A new subscription starts: messages may have been lost, drop all of L1. */
    void onResync();
  }

  /**
   * A cache's registration: its proof of delivery and its trust flag, read on every L1 hit.
   * Thread-safe.
   */
  static final class Member {
    private final String channel;
    private final String ownPrefix;
    private final Listener listener;
    private final long boundNanos;
    private volatile long proof;
    private volatile boolean confirmed;
    private volatile boolean trusted;

    private Member(String channel, String instanceId, Duration bound, Listener listener) {
      this.channel = channel;
      this.ownPrefix = instanceId + " ";
      this.listener = listener;
      this.boundNanos = bound.toNanos();
      this.proof = System.nanoTime() - boundNanos - 1;
    }

    /** True while every invalidation older than the bound is known to have been applied. */
    boolean trusted() {
      return trusted;
    }

    /**
     * Tells whether an entry read from its source at {@code freshAsOf} may be served now.
     *
     * @param freshAsOf when the read of the entry's source started (nanoTime)
     * @return true when serving it keeps the staleness bound
     */
    boolean mayServe(long freshAsOf) {
      long proven = proof;
      long basis = freshAsOf - proven > 0 ? freshAsOf : proven;
      return System.nanoTime() - basis <= boundNanos;
    }

    private void prove(long sentAt) {
      if (sentAt - proof > 0) {
        proof = sentAt;
      }
    }

    private void evaluate(long now, long slackNanos) {
      trusted = now + slackNanos - proof <= boundNanos;
    }
  }

  /** Registers a cache; its channel is subscribed (on the running connection at once). */
  Member register(String channel, String instanceId, Duration bound, Listener listener) {
    Member member = new Member(channel, instanceId, bound, listener);
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the invalidation bus is closed");
      }
      members.add(member);
      byChannel.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(member);
      if (active != null && active.isSubscribed() && requested.add(channel)) {
        active.subscribe(channel);
      }
    }
    LockSupport.unpark(heartbeatThread);
    return member;
  }

  /** Removes a cache; the channel is unsubscribed when no cache uses it any more. */
  void unregister(Member member) {
    synchronized (lock) {
      members.remove(member);
      List<Member> onChannel = byChannel.get(member.channel);
      if (onChannel != null) {
        onChannel.remove(member);
        if (onChannel.isEmpty()) {
          byChannel.remove(member.channel);
          if (active != null && active.isSubscribed() && requested.remove(member.channel)) {
            try {
              active.unsubscribe(member.channel);
            } catch (RuntimeException e) {
              LOG.debug("invalidation bus: unsubscribe of {} failed", member.channel, e);
            }
          }
        }
      }
    }
  }

  private final class BusPubSub extends JedisPubSub {
    private boolean confirmedOnce;

    @Override
    public void onSubscribe(String channel, int subscribedChannels) {
      long now = System.nanoTime();
      if (!confirmedOnce) {
        confirmedOnce = true;
        subscriptions.incrementAndGet();
        // Heartbeats sent on a previous subscription never come back on this one.
        publishPending = false;
        synchronized (lock) {
          List<String> missing = new ArrayList<>();
          for (String wanted : byChannel.keySet()) {
            if (requested.add(wanted)) {
              missing.add(wanted);
            }
          }
          if (!missing.isEmpty()) {
            subscribe(missing.toArray(String[]::new));
          }
        }
      }
      if (heartbeatChannel.equals(channel)) {
        return;
      }
      List<Member> onChannel = byChannel.get(channel);
      if (onChannel == null) {
        return;
      }
      for (Member member : onChannel) {
        member.listener.onResync();
        member.confirmed = true;
        member.prove(now);
        member.evaluate(System.nanoTime(), slackNanos());
      }
    }

    @Override
    public void onMessage(String channel, String message) {
      if (heartbeatChannel.equals(channel)) {
        onHeartbeat(message);
        return;
      }
      List<Member> onChannel = byChannel.get(channel);
      int space = message.indexOf(' ');
      if (onChannel == null || space <= 0) {
        return;
      }
      String redisKey = message.substring(space + 1);
      for (Member member : onChannel) {
        if (!message.startsWith(member.ownPrefix)) {
          member.listener.onInvalidation(redisKey);
        }
      }
    }
  }

  private void onHeartbeat(String message) {
    long sentAt;
    try {
      sentAt = Long.parseLong(message);
    } catch (NumberFormatException e) {
      return;
    }
    heartbeatsReceived.incrementAndGet();
    if (!everProven || sentAt - provenAt > 0) {
      provenAt = sentAt;
      everProven = true;
    }
    if (sentAt - lastPublishedAt >= 0) {
      publishPending = false;
    }
    long now = System.nanoTime();
    long slack = slackNanos();
    for (Member member : members) {
      if (member.confirmed) {
        member.prove(sentAt);
        member.evaluate(now, slack);
      }
    }
  }

  private void subscribeLoop() {
    long backoff = 0;
    while (!closed) {
      Connection connection = null;
      BusPubSub pubSub = new BusPubSub();
      try {
        Object target = endpoint == null ? null : endpoint.get();
        connection = connections.get();
        subscribedEndpoint = target;
        subscriberConnection = connection;
        String[] channels;
        synchronized (lock) {
          if (closed) {
            connection.close();
            return;
          }
          active = pubSub;
          requested.clear();
          requested.add(heartbeatChannel);
          requested.addAll(byChannel.keySet());
          channels = requested.toArray(String[]::new);
        }
        pubSub.proceed(connection, channels);
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        LOG.debug("invalidation bus ({}): subscription lost", description, e);
      } finally {
        synchronized (lock) {
          if (active == pubSub) {
            active = null;
          }
        }
        subscriberConnection = null;
        for (Member member : members) {
          member.confirmed = false;
        }
        if (connection != null) {
          closeQuietly(connection);
        }
      }
      if (closed) {
        break;
      }
      backoff = pubSub.confirmedOnce ? 0 : backoff == 0 ? 50 : Math.min(1000, backoff * 2);
      if (backoff > 0) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
      }
    }
  }

  private void heartbeatLoop() {
    Connection publisher = null;
    Object publisherEndpoint = null;
    while (!closed) {
      long bound = minBoundNanos();
      if (!members.isEmpty() || !isShared()) {
        try {
          Object target = endpoint == null ? null : endpoint.get();
          if (publisher != null && target != publisherEndpoint) {
            // the endpoint moved (Sentinel failover): publish where the caches write
            closeQuietly(publisher);
            publisher = null;
          }
          if (publisher == null || publisher.isBroken()) {
            if (publisher != null) {
              closeQuietly(publisher);
            }
            publisher = publisherConnections.get();
            publisherEndpoint = target;
            publisher.setSoTimeout((int) Math.max(50, Math.min(1000, bound / 2_000_000)));
          }
          long sentAt = System.nanoTime();
          // Marked before publishing: the heartbeat may come back before PUBLISH returns.
          boolean marked = false;
          if (!publishPending) {
            lastPublishedAt = sentAt;
            publishPending = true;
            marked = true;
          }
          try {
            publisher.executeCommand(COMMANDS.publish(heartbeatChannel, Long.toString(sentAt)));
          } catch (RuntimeException e) {
            if (marked) {
              // Not published: Redis is unreachable, which the subscription cannot fix.
              publishPending = false;
            }
            throw e;
          }
          heartbeatsSent.incrementAndGet();
        } catch (RuntimeException e) {
          LOG.debug("invalidation bus ({}): heartbeat not published", description, e);
          if (publisher != null) {
            closeQuietly(publisher);
            publisher = null;
          }
        }
      }
      LockSupport.parkNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(10), bound / 4));
    }
    if (publisher != null) {
      closeQuietly(publisher);
    }
  }

  private void watchdogLoop() {
    while (!closed) {
      long bound = minBoundNanos();
      long now = System.nanoTime();
      long slack = slackNanos();
      for (Member member : members) {
        member.evaluate(now, slack);
      }
      long grace = Math.max(TimeUnit.MILLISECONDS.toNanos(250), bound / 2);
      Connection connection = subscriberConnection;
      if (connection != null && endpoint != null && endpoint.get() != subscribedEndpoint) {
        // A Sentinel failover replaced the master: subscribe where invalidations are published.
        LOG.info("invalidation bus ({}): the Redis master changed; subscribing again", description);
        subscriberConnection = null;
        try {
          connection.forceDisconnect();
        } catch (java.io.IOException | RuntimeException e) {
          LOG.debug("invalidation bus ({}): closing the old connection failed", description, e);
        }
        connection = null;
      }
      if (connection != null && publishPending && now - lastPublishedAt > grace) {
        publishPending = false;
        silentRestarts.incrementAndGet();
        LOG.warn(
            "invalidation bus ({}): a heartbeat published {} ms ago has not come back; making a"
                + " new subscription",
            description,
            TimeUnit.NANOSECONDS.toMillis(now - lastPublishedAt));
        try {
          connection.forceDisconnect();
        } catch (java.io.IOException | RuntimeException e) {
          LOG.debug("invalidation bus ({}): closing the silent connection failed", description, e);
        }
      }
      LockSupport.parkNanos(slack / 2);
    }
  }

  private long minBoundNanos() {
    long min = Long.MAX_VALUE;
    for (Member member : members) {
      min = Math.min(min, member.boundNanos);
    }
    return min == Long.MAX_VALUE ? DEFAULT_BOUND_NANOS : min;
  }

  /** Twice the watchdog period: how far ahead a trust flag must hold when it is set. */
  private long slackNanos() {
    return Math.max(TimeUnit.MILLISECONDS.toNanos(10), minBoundNanos() / 4);
  }

  private Thread daemon(Runnable body, String role) {
    Thread thread = new Thread(body, "toutiao-cache-bus-" + role);
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (RuntimeException ignored) {
      // already gone
    }
  }

  /** Stops the threads and closes the bus's connections. */
  @Override
  public void close() {
    BusPubSub pubSub;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      pubSub = active;
    }
    Connection connection = subscriberConnection;
    if (pubSub != null) {
      try {
        pubSub.unsubscribe();
      } catch (RuntimeException ignored) {
        // the connection is gone already
      }
    }
    if (connection != null) {
      try {
        connection.forceDisconnect();
      } catch (java.io.IOException | RuntimeException ignored) {
        // already closed
      }
    }
    LockSupport.unpark(heartbeatThread);
    LockSupport.unpark(watchdogThread);
    LockSupport.unpark(subscriberThread);
  }

  @Override
  public String toString() {
    return "InvalidationBus[" + description + ", caches=" + members.size() + "]";
  }
}
