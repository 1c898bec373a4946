package io.toutiao.examples.backend;

import io.toutiao.cache.redis.CounterStore;
import io.toutiao.search.ChangeSync;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies published articles from the database outbox to the search index (versioned, through
 * {@link ChangeSync}, so a repeated or late write changes nothing), the suggestions and the
 * author's article counter, step by step: each step done is recorded in the outbox row, a failed
 * step is retried with back-off (100 ms doubling to 30 s), and the row is removed once every step
 * is done. Nothing is lost whatever Elasticsearch or Redis do; the counter is incremented at most
 * once per row except when the process dies between the increment and its record (the nightly
 * correction repairs that).
 */
final class OutboxRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int BATCH = 200;
  private static final long IDLE_POLL_MILLIS = 200;
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  private final MiniToutiao app;
  private final Semaphore wake = new Semaphore(0);
  private final Thread thread;
  private volatile boolean running = true;

  OutboxRelay(MiniToutiao app) {
    this.app = app;
    this.thread = new Thread(this::run, "outbox-relay");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Tells the relay a new row is waiting. */
  void wake() {
    wake.release();
  }

  /**
   * Waits until the outbox is empty (for tests and the tour).
   *
   * @param timeout how long at most
   * @return true when empty
   */
  boolean awaitEmpty(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (app.db.outboxSize() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      wake();
      Thread.sleep(20);
    }
    return true;
  }

  private void run() {
    while (running) {
      try {
        wake.tryAcquire(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
        wake.drainPermits();
        List<Database.OutboxEntry> due;
        do {
          due = app.db.dueOutbox(BATCH, System.currentTimeMillis());
          if (!due.isEmpty()) {
            relay(due);
          }
        } while (running && due.size() == BATCH);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.warn("outbox relay round failed, retrying: {}", e.toString());
      }
    }
  }

  private void relay(List<Database.OutboxEntry> due) {
    Set<Long> indexFailed = new HashSet<>();
    String indexError = null;
    List<ChangeSync.Change<MiniToutiao.SearchDocument>> changes = new ArrayList<>();
    for (Database.OutboxEntry e : due) {
      if (!e.indexed()) {
        changes.add(
            new ChangeSync.Change<>(
                Long.toString(e.article().id()),
                e.version(),
                MiniToutiao.SearchDocument.of(e.article())));
      }
    }
    if (!changes.isEmpty()) {
      try {
        ChangeSync.Result result = app.articleSync.apply(changes);
        for (String failure : result.failures()) {
          indexFailed.add(Long.parseLong(failure.substring(0, failure.indexOf(':'))));
          indexError = failure;
        }
      } catch (RuntimeException ex) {
        changes.forEach(c -> indexFailed.add(Long.parseLong(c.id())));
        indexError = ex.toString();
      }
    }
    for (Database.OutboxEntry e : due) {
      // part of the index step: an entry indexed before was fed then too
      if (!e.indexed() && !indexFailed.contains(e.article().id())) {
        try {
          app.addToFeed(e.article()); // idempotent: re-done with the index step on a retry
        } catch (RuntimeException ex) {
          indexFailed.add(e.article().id());
          indexError = "feed: " + ex;
        }
      }
    }
    List<Database.Article> toSuggest = new ArrayList<>();
    for (Database.OutboxEntry e : due) {
      if (!e.suggested() && (e.indexed() || !indexFailed.contains(e.article().id()))) {
        toSuggest.add(e.article());
      }
    }
    Map<Long, String> suggestFailed = new HashMap<>();
    try {
      suggestFailed.putAll(app.addCompletions(toSuggest));
    } catch (RuntimeException ex) {
      toSuggest.forEach(a -> suggestFailed.put(a.id(), ex.toString()));
    }
    List<Database.OutboxEntry> progress = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    List<Long> nextAttempts = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (Database.OutboxEntry e : due) {
      long id = e.article().id();
      boolean indexed = e.indexed() || !indexFailed.contains(id);
      String error = indexed ? null : indexError;
      boolean suggested = e.suggested() || (indexed && !suggestFailed.containsKey(id));
      if (indexed && !suggested) {
        error = suggestFailed.get(id);
      }
      boolean counted = e.counted();
      if (!counted) {
        try {
          app.counters.get(CounterStore.USER_ARTICLES).increment(e.article().userId(), 1);
          counted = true;
        } catch (RuntimeException ex) {
          error = ex.toString();
        }
      }
      int attempts = error == null ? e.attempts() : e.attempts() + 1;
      long backoff = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(attempts, 20));
      if (error != null) {
        log.warn(
            "article {} not fully applied (attempt {}), retrying in {} ms: {}",
            id,
            attempts,
            backoff,
            error);
      }
      progress.add(
          new Database.OutboxEntry(
              e.outboxId(), e.article(), e.version(), indexed, suggested, counted, attempts));
      errors.add(error);
      nextAttempts.add(now + (error == null ? 0 : backoff));
    }
    app.db.outboxProgress(progress, errors, nextAttempts);
  }

  @Override
  public void close() {
    running = false;
    wake();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
