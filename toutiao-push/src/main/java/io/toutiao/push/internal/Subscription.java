package io.toutiao.push.internal;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;

/**
 * One channel subscription on a connection of its own, kept alive: made again with back-off when it
 * fails, and when it goes silent (a PING every heartbeat; no answer, message or confirmation for
 * three heartbeats closes it). Each confirmed subscription is reported, because messages may have
 * been missed before it. Internal.
 */
public final class Subscription implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);

  private final Supplier<HostAndPort> address;
  private final JedisClientConfig clientConfig;
  private final String channel;
  private final Consumer<String> onMessage;
  private final Runnable onSubscribed;
  private final long heartbeatNanos;
  private final Thread reader;
  private final Thread watchdog;
  private final AtomicLong confirmed = new AtomicLong();
  private final AtomicLong silentRestarts = new AtomicLong();
  private volatile boolean closed;
  private volatile Connection connection;
  private volatile HostAndPort connectedTo;
  private volatile PubSub active;
  private volatile long aliveAt;

  /**
   * Starts the subscription.
   *
   * @param address where to subscribe now (standalone, the current master, or any Cluster node);
   *     asked at every (re)connect and every heartbeat: when it changes (a Sentinel failover), the
   *     subscription moves
   * @param clientConfig password, TLS, timeouts
   * @param channel the channel
   * @param heartbeatMillis the heartbeat period
   * @param onMessage called on the reader thread for each message
   * @param onSubscribed called on the reader thread after each confirmed subscription
   */
  public Subscription(
      Supplier<HostAndPort> address,
      JedisClientConfig clientConfig,
      String channel,
      long heartbeatMillis,
      Consumer<String> onMessage,
      Runnable onSubscribed) {
    this.address = address;
    this.clientConfig = clientConfig;
    this.channel = channel;
    this.onMessage = onMessage;
    this.onSubscribed = onSubscribed;
    this.heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(heartbeatMillis);
    this.reader = new Thread(this::readLoop, "toutiao-push-subscription");
    this.reader.setDaemon(true);
    this.watchdog = new Thread(this::watchLoop, "toutiao-push-heartbeat");
    this.watchdog.setDaemon(true);
    reader.start();
    watchdog.start();
  }

  /**
   * Tells whether a subscription is confirmed and answering now.
   *
   * @return true when live
   */
  public boolean isLive() {
    PubSub pubSub = active;
    return pubSub != null
        && pubSub.confirmedOnce
        && System.nanoTime() - aliveAt <= 3 * heartbeatNanos;
  }

  /**
   * @return subscriptions confirmed so far
   */
  public long confirmed() {
    return confirmed.get();
  }

  /**
   * @return subscriptions closed for silence
   */
  public long silentRestarts() {
    return silentRestarts.get();
  }

  private void readLoop() {
    long backoff = 0;
    boolean warned = false;
    while (!closed) {
      PubSub pubSub = new PubSub();
      Connection c = null;
      try {
        aliveAt = System.nanoTime();
        HostAndPort target = address.get();
        connectedTo = target;
        c = new Connection(target, clientConfig);
        connection = c;
        c.connect();
        if (closed) {
          break;
        }
        active = pubSub;
        pubSub.proceed(c, channel);
      } catch (RuntimeException e) {
        if (!closed) {
          LOG.debug("push subscription to {} lost: {}", connectedTo, e.toString());
        }
      } finally {
        active = null;
        connection = null;
        if (c != null) {
          try {
            c.close();
          } catch (RuntimeException e) {
            LOG.trace("closing the subscription connection failed", e);
          }
        }
      }
      if (closed) {
        break;
      }
      if (pubSub.confirmedOnce) {
        backoff = 0;
        warned = false;
      } else {
        backoff = backoff == 0 ? 50 : Math.min(2_000, backoff * 2);
      }
      if (backoff == 2_000 && !warned) {
        warned = true; // once per outage
        LOG.warn("push subscription to {}: Redis unreachable, retrying every 2 s", connectedTo);
      }
      if (backoff > 0) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
      }
    }
  }

  private void watchLoop() {
    while (!closed) {
      LockSupport.parkNanos(heartbeatNanos);
      if (closed) {
        return;
      }
      PubSub pubSub = active;
      Connection c = connection;
      if (pubSub != null && pubSub.confirmedOnce) {
        try {
          pubSub.ping();
        } catch (RuntimeException e) {
          LOG.debug("push subscription heartbeat not sent: {}", e.toString());
        }
      }
      HostAndPort target = safeAddress();
      if (c != null && target != null && !target.equals(connectedTo)) {
        LOG.info("push subscription: the Redis master is now {}; subscribing there", target);
        try {
          c.forceDisconnect();
        } catch (IOException | RuntimeException e) {
          LOG.debug("closing the old subscription failed: {}", e.toString());
        }
        continue;
      }
      if (c != null && System.nanoTime() - aliveAt > 3 * heartbeatNanos) {
        silentRestarts.incrementAndGet();
        LOG.warn(
            "push subscription to {}: no answer for {} ms; connecting again",
            connectedTo,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - aliveAt));
        aliveAt = System.nanoTime();
        try {
          c.forceDisconnect();
        } catch (IOException | RuntimeException e) {
          LOG.debug("closing a silent subscription failed: {}", e.toString());
        }
      }
    }
  }

  private HostAndPort safeAddress() {
    try {
      return address.get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.forceDisconnect();
      } catch (IOException | RuntimeException e) {
        LOG.trace("closing the subscription failed", e);
      }
    }
    reader.interrupt();
    watchdog.interrupt();
    try {
      reader.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class PubSub extends JedisPubSub {
    private volatile boolean confirmedOnce;

    @Override
    public void onSubscribe(String subscribedChannel, int subscribedChannels) {
      aliveAt = System.nanoTime();
      confirmedOnce = true;
      confirmed.incrementAndGet();
      try {
        onSubscribed.run();
      } catch (RuntimeException e) {
        LOG.warn("push: catching up after a subscription failed", e);
      }
    }

    @Override
    public void onMessage(String messageChannel, String message) {
      aliveAt = System.nanoTime();
      try {
        onMessage.accept(message);
      } catch (RuntimeException e) {
        LOG.warn("push: a message could not be delivered", e);
      }
    }

    @Override
    public void onPong(String pattern) {
      aliveAt = System.nanoTime();
    }
  }
}
