package io.toutiao.push.internal;

import io.toutiao.push.PushConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Collects the clients' acknowledgements and moves each user's cursor in Redis in batches, the
 * newest id per user only. A cursor that cannot be written stays queued and is written at the next
 * flush; until then the events are merely delivered again at a reconnect. Internal.
 */
public final class Acknowledgements implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Acknowledgements.class);

  private final UnifiedJedis redis;
  private final PushConfig config;
  private final Map<String, String> newest = new ConcurrentHashMap<>();
  private final Thread flusher;
  private final AtomicLong written = new AtomicLong();
  private volatile boolean closed;

  /**
   * Starts the flusher.
   *
   * @param redis the client
   * @param config the settings
   */
  public Acknowledgements(UnifiedJedis redis, PushConfig config) {
    this.redis = redis;
    this.config = config;
    this.flusher = new Thread(this::flushLoop, "toutiao-push-acks");
    this.flusher.setDaemon(true);
    this.flusher.start();
  }

  /**
   * Records that a user's client acknowledged an event (and so every earlier one).
   *
   * @param userId the user
   * @param id the event's inbox id
   */
  public void acknowledge(String userId, String id) {
    newest.merge(userId, id, (a, b) -> Inbox.compare(a, b) >= 0 ? a : b);
  }

  /**
   * @return cursors written to Redis so far
   */
  public long written() {
    return written.get();
  }

  /** Writes the queued cursors now. */
  public void flush() {
    for (String user : List.copyOf(newest.keySet())) {
      String id = newest.remove(user);
      if (id == null) {
        continue;
      }
      try {
        redis.eval(
            Inbox.ACKNOWLEDGE,
            List.of(config.ackedKey(user)),
            List.of(id, Long.toString(config.inboxMaxAge().toMillis())));
        written.incrementAndGet();
      } catch (JedisException e) {
        acknowledge(user, id);
        LOG.debug("push: acknowledgements not written yet: {}", e.toString());
        return;
      }
    }
  }

  private void flushLoop() {
    long interval = config.ackFlushInterval().toNanos();
    long backoff = interval;
    while (!closed) {
      LockSupport.parkNanos(backoff);
      int before = newest.size();
      flush();
      // Redis failing: back off up to a second instead of retrying every interval
      backoff =
          before > 0 && newest.size() >= before
              ? Math.min(backoff * 2, TimeUnit.SECONDS.toNanos(1))
              : interval;
    }
  }

  @Override
  public void close() {
    closed = true;
    flusher.interrupt();
    try {
      flusher.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
