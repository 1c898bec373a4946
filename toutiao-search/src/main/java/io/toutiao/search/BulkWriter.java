package io.toutiao.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.transport.TransportException;
import co.elastic.clients.util.BinaryData;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.elasticsearch.client.ResponseException;

/**
 * Bulk ingestion: batches by count and bytes, requests in flight, a flush interval, and every
 * document accounted for.
 *
 * <p><b>Order.</b> Writes of one id reach Elasticsearch in the order they were queued, through
 * every retry: while a write of an id is queued, in flight or waiting to be retried, later writes
 * of that id wait behind it (other ids are not held up). So the last write queued for an id is the
 * one that stays, unless it failed.
 *
 * <p><b>Retries.</b> Documents rejected with 429 (a node's write queue full): up to 8 retries from
 * 50 ms doubling. Documents refused by an index write block (the last step of an {@link
 * IndexMigration}): retried for up to 60 s ({@link Builder#blockedWriteWait}). A whole request
 * refused for its size or memory (HTTP 413, or 429 such as a circuit breaker) is split in halves
 * and each half sent again, down to single documents, so one huge document fails alone and the good
 * ones around it are written. A request whose answer never came (socket timeout, connection lost,
 * 502 to 504) may or may not have been applied; its writes are sent again (every write replaces the
 * document or deletes it, so sending one twice has the effect of sending it once) until an answer
 * comes, for up to 60 s ({@link Builder#unknownOutcomeWait}); after that they are reported as
 * outcome unknown, not as failed.
 *
 * <p><b>Accounting.</b> Nothing is lost silently: every document ends as indexed (Elasticsearch
 * accepted it), failed (with its id and Elasticsearch's reason) or of unknown outcome; once closed,
 * {@link #indexed()} + {@link #failed()} + {@link #unknown()} = {@link #submitted()}. A document
 * larger than {@link Builder#maxDocumentBytes} (16 MiB by default) is reported failed at once,
 * never sent; one that cannot be serialized is refused by {@link #index} itself.
 *
 * <p>{@link #index} and {@link #delete} block while twice a request's worth of writes is waiting to
 * be sent (back-pressure, as the client's own {@code BulkIngester} does). Thread-safe.
 *
 * @param <T> the document type
 */
public final class BulkWriter<T> implements AutoCloseable {

  /** Receives each document that could not be written. */
  @FunctionalInterface
  public interface FailureHandler {
    /**
     * A document failed: Elasticsearch refused it, or it was never sent.
     *
     * @param id its id
     * @param reason Elasticsearch's error type and reason, or why it was not sent
     */
    void failed(String id, String reason);

    /**
     * No answer came for a write within the wait for one: it may or may not have been applied.
     * Reported to {@link #failed} with the reason prefixed {@code "outcome unknown: "} unless
     * overridden.
     *
     * @param id its id
     * @param reason the last transport failure
     */
    default void outcomeUnknown(String id, String reason) {
      failed(id, "outcome unknown: " + reason);
    }
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BulkWriter.class);

  /** 429 (the node's write queue is full): tries after the first, from 50 ms doubling. */
  private static final int MAX_REJECTED_RETRIES = 8;

  /** A single document whose request alone is refused with 429: tries after the first. */
  private static final int MAX_ALONE_RETRIES = 3;

  /** A queued write; its retry state is changed only by the one thread that owns it at a time. */
  private static final class Op {
    final String id;
    final BulkOperation operation;
    final long bytes;
    int rejections;
    int transportRetries;
    int blockedRetries;
    long blockedSince;
    long unknownSince;
    long notBefore;
    long seq;
    String lastTransportFailure;

    Op(String id, BulkOperation operation, long bytes) {
      this.id = id;
      this.operation = operation;
      this.bytes = bytes;
    }
  }

  private enum Outcome {
    INDEXED,
    FAILED,
    UNKNOWN
  }

  private final ElasticsearchClient client;
  private final String index;
  private final Function<T, String> idOf;
  private final FailureHandler onFailure;
  private final int maxOperations;
  private final long maxBytes;
  private final int concurrency;
  private final long maxDocumentBytes;
  private final Duration blockedWriteWait;
  private final Duration unknownOutcomeWait;
  private final ExecutorService senders;
  private final ScheduledExecutorService timer;

  private final Object lock = new Object();

  /** Ids with a write in the writer; the value holds the later writes of the id, in order. */
  private final Map<String, ArrayDeque<Op>> busy = new HashMap<>();

  private final ArrayDeque<Op> ready = new ArrayDeque<>();
  private final PriorityQueue<Op> waiting =
      new PriorityQueue<>(
          Comparator.comparingLong((Op op) -> op.notBefore).thenComparingLong(op -> op.seq));
  private long readyBytes;
  private int held;
  private int inFlight;
  private boolean flushRequested;
  private boolean closed;
  private long scheduledRequeue = Long.MAX_VALUE;
  private long sequence;

  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong indexed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong unknown = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final BulkListener listener;

  /**
   * Creates a writer with 1000 documents or 5 MiB per request, 1 request in flight and the other
   * defaults of {@link #builder}.
   *
   * @param client the client
   * @param index the alias or index to write to
   * @param idOf the document id of a document
   * @param onFailure told about every document that was not written
   */
  public BulkWriter(
      ElasticsearchClient client,
      String index,
      Function<T, String> idOf,
      FailureHandler onFailure) {
    this(builder(client, index, idOf).onFailure(onFailure));
  }

  /**
   * Creates a writer.
   *
   * @param client the client
   * @param index the alias or index
   * @param idOf the document id of a document
   * @param onFailure told about every document that was not written
   * @param maxOperations documents per request
   * @param maxBytes bytes per request
   * @param concurrency requests in flight
   */
  public BulkWriter(
      ElasticsearchClient client,
      String index,
      Function<T, String> idOf,
      FailureHandler onFailure,
      int maxOperations,
      long maxBytes,
      int concurrency) {
    this(
        builder(client, index, idOf)
            .onFailure(onFailure)
            .maxOperations(maxOperations)
            .maxBytes(maxBytes)
            .concurrency(concurrency));
  }

  private BulkWriter(Builder<T> b) {
    this.listener = b.listener;
    this.client = b.client;
    this.index = b.index;
    this.idOf = b.idOf;
    this.onFailure = Objects.requireNonNull(b.onFailure, "onFailure must not be null");
    this.maxOperations = b.maxOperations;
    this.maxBytes = b.maxBytes;
    this.concurrency = b.concurrency;
    this.maxDocumentBytes = b.maxDocumentBytes;
    this.blockedWriteWait = b.blockedWriteWait;
    this.unknownOutcomeWait = b.unknownOutcomeWait;
    AtomicInteger threads = new AtomicInteger();
    this.senders =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread t = new Thread(r, "toutiao-bulk-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "toutiao-bulk-timer");
              t.setDaemon(true);
              return t;
            });
    long interval = b.flushInterval.toNanos();
    timer.scheduleWithFixedDelay(this::flush, interval, interval, TimeUnit.NANOSECONDS);
  }

  /**
   * Starts a writer's settings.
   *
   * @param client the client
   * @param index the alias or index to write to
   * @param idOf the document id of a document
   * @param <T> the document type
   * @return a builder with the defaults
   */
  public static <T> Builder<T> builder(
      ElasticsearchClient client, String index, Function<T, String> idOf) {
    return new Builder<>(client, index, idOf);
  }

  /**
   * Queues a document for indexing (create or replace).
   *
   * @param document the document
   * @throws SearchException.InvalidDocument when it cannot be serialized (not counted as submitted)
   * @throws IllegalStateException when the writer is closed
   */
  public void index(T document) {
    String id = Objects.requireNonNull(idOf.apply(document), "the document's id must not be null");
    BinaryData json;
    try {
      json = BinaryData.of(document, client._jsonpMapper());
    } catch (RuntimeException e) {
      throw new SearchException.InvalidDocument(
          "document " + id + " cannot be serialized to JSON: " + e.getClass().getSimpleName(), e);
    }
    if (json.size() > maxDocumentBytes) {
      submitted.incrementAndGet();
      failed.incrementAndGet();
      listener.onFailed();
      onFailure.failed(
          id,
          "document too large: "
              + json.size()
              + " bytes of JSON, more than the limit of "
              + maxDocumentBytes
              + "; not sent");
      return;
    }
    add(
        new Op(
            id,
            BulkOperation.of(op -> op.index(i -> i.index(index).id(id).document(json))),
            json.size() + id.length() + index.length() + 40));
  }

  /**
   * Queues a deletion.
   *
   * @param id the document id
   * @throws IllegalStateException when the writer is closed
   */
  public void delete(String id) {
    Objects.requireNonNull(id, "id must not be null");
    add(
        new Op(
            id,
            BulkOperation.of(op -> op.delete(d -> d.index(index).id(id))),
            id.length() + index.length() + 40));
  }

  /** Sends what is queued now, without waiting for the answers. */
  public void flush() {
    synchronized (lock) {
      flushRequested = true;
      dispatch();
    }
  }

  /**
   * @return documents queued so far (including those reported too large at once)
   */
  public long submitted() {
    return submitted.get();
  }

  /**
   * @return documents Elasticsearch accepted
   */
  public long indexed() {
    return indexed.get();
  }

  /**
   * @return documents reported as failed
   */
  public long failed() {
    return failed.get();
  }

  /**
   * @return documents reported as of unknown outcome (no answer within the wait for one)
   */
  public long unknown() {
    return unknown.get();
  }

  /**
   * @return bulk requests sent so far, retries and halves included
   */
  public long requests() {
    return requests.get();
  }

  private void add(Op op) {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the bulk writer is closed");
      }
      while (ready.size() + held + waiting.size() >= 2 * maxOperations
          || readyBytes >= 2 * maxBytes) {
        flushRequested = true;
        dispatch();
        try {
          lock.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SearchException("interrupted while waiting to queue document " + op.id, e);
        }
        if (closed) {
          throw new IllegalStateException("the bulk writer is closed");
        }
      }
      submitted.incrementAndGet();
      if (busy.containsKey(op.id)) {
        busy.computeIfAbsent(op.id, id -> new ArrayDeque<>()).add(op);
        held++;
      } else {
        busy.put(op.id, null);
        ready.add(op);
        readyBytes += op.bytes;
        dispatch();
      }
    }
  }

  /** Sends full requests, and partial ones when a flush was asked for, while slots are free. */
  private void dispatch() {
    while (inFlight < concurrency
        && !ready.isEmpty()
        && (flushRequested || ready.size() >= maxOperations || readyBytes >= maxBytes)) {
      List<Op> batch = new ArrayList<>(Math.min(ready.size(), maxOperations));
      long bytes = 0;
      while (!ready.isEmpty()
          && batch.size() < maxOperations
          && (batch.isEmpty() || bytes + ready.peek().bytes <= maxBytes)) {
        Op op = ready.poll();
        bytes += op.bytes;
        readyBytes -= op.bytes;
        batch.add(op);
      }
      inFlight++;
      senders.execute(() -> send(batch));
    }
    if (ready.isEmpty()) {
      flushRequested = false;
    }
    lock.notifyAll();
  }

  /** Sends one request and settles every write in it; runs on a sender thread. */
  private void send(List<Op> batch) {
    try {
      sendSplitting(batch);
    } catch (RuntimeException | Error e) {
      for (Op op : batch) {
        settle(op, Outcome.FAILED, "could not send: " + e);
      }
    } finally {
      synchronized (lock) {
        inFlight--;
        dispatch();
      }
    }
  }

  private void sendSplitting(List<Op> batch) {
    BulkResponse response;
    requests.incrementAndGet();
    try {
      List<BulkOperation> operations = new ArrayList<>(batch.size());
      for (Op op : batch) {
        operations.add(op.operation);
      }
      response = client.bulk(BulkRequest.of(b -> b.operations(operations)));
    } catch (Exception e) {
      int status = statusOf(e);
      if (status == 413 || status == 429) {
        if (batch.size() > 1) {
          int half = batch.size() / 2;
          sendSplitting(batch.subList(0, half));
          sendSplitting(batch.subList(half, batch.size()));
        } else if (status == 429 && batch.get(0).rejections < MAX_ALONE_RETRIES) {
          Op op = batch.get(0);
          retryLater(op, 50L << op.rejections++);
        } else {
          settle(batch.get(0), Outcome.FAILED, requestRefusal(e, status));
        }
      } else if (status == 0 || status == 502 || status == 503 || status == 504) {
        for (Op op : batch) {
          noAnswer(op, e);
        }
      } else {
        String reason = requestRefusal(e, status);
        for (Op op : batch) {
          settle(op, Outcome.FAILED, reason);
        }
      }
      return;
    }
    List<BulkResponseItem> items = response.items();
    for (int i = 0; i < batch.size(); i++) {
      Op op = batch.get(i);
      BulkResponseItem item = i < items.size() ? items.get(i) : null;
      if (item == null) {
        settle(op, Outcome.UNKNOWN, "the bulk answer had no item for it");
      } else if (item.error() == null) {
        settle(op, Outcome.INDEXED, null);
      } else if (item.status() == 429 && op.rejections < MAX_REJECTED_RETRIES) {
        retryLater(op, 50L << op.rejections++);
      } else if (SearchException.isWriteBlock(item.error().type(), item.error().reason())
          && blockedRetry(op)) {
        continue;
      } else {
        settle(op, Outcome.FAILED, "[" + item.error().type() + "] " + item.error().reason());
      }
    }
  }

  /** A write sent without an answer: sent again with back-off until the wait for one has passed. */
  private void noAnswer(Op op, Exception e) {
    long now = System.nanoTime();
    if (op.unknownSince == 0) {
      op.unknownSince = now;
    }
    op.lastTransportFailure = describe(e);
    boolean refused = hasCause(e, ConnectException.class);
    if (now - op.unknownSince >= unknownOutcomeWait.toNanos()) {
      if (refused && op.transportRetries == 0) {
        settle(op, Outcome.FAILED, "Elasticsearch unavailable: " + op.lastTransportFailure);
      } else {
        settle(op, Outcome.UNKNOWN, op.lastTransportFailure);
      }
      return;
    }
    long pause = Math.min(100L << Math.min(op.transportRetries, 6), 5_000);
    op.transportRetries++;
    retryLater(op, pause);
  }

  /** Retries a write-blocked write after a pause, unless it has been refused for too long. */
  private boolean blockedRetry(Op op) {
    long now = System.nanoTime();
    if (op.blockedSince == 0) {
      op.blockedSince = now;
    }
    if (now - op.blockedSince > blockedWriteWait.toNanos()) {
      return false;
    }
    retryLater(op, Math.min(20L << Math.min(op.blockedRetries++, 5), 500));
    return true;
  }

  /** Parks a write (its id stays busy, so later writes of it wait) until its pause is over. */
  private void retryLater(Op op, long pauseMillis) {
    listener.onRetried();
    synchronized (lock) {
      op.notBefore = System.nanoTime() + pauseMillis * 1_000_000;
      op.seq = sequence++;
      waiting.add(op);
      scheduleRequeue(op.notBefore);
    }
  }

  private void scheduleRequeue(long notBefore) {
    if (notBefore < scheduledRequeue && !timer.isShutdown()) {
      scheduledRequeue = notBefore;
      timer.schedule(
          this::requeue, Math.max(0, notBefore - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  /** Moves every write whose pause is over back to the front of the queue and sends it. */
  private void requeue() {
    synchronized (lock) {
      scheduledRequeue = Long.MAX_VALUE;
      long now = System.nanoTime();
      List<Op> due = new ArrayList<>();
      while (!waiting.isEmpty() && waiting.peek().notBefore <= now) {
        due.add(waiting.poll());
      }
      for (int i = due.size() - 1; i >= 0; i--) {
        ready.addFirst(due.get(i));
        readyBytes += due.get(i).bytes;
      }
      if (!due.isEmpty()) {
        flushRequested = true;
        dispatch();
      }
      if (!waiting.isEmpty()) {
        scheduleRequeue(waiting.peek().notBefore);
      }
    }
  }

  /**
   * Counts a write's end, tells the handler (before the id is released, so close() returns only
   * after every report), and lets the next write of its id go. Never called under the lock.
   */
  private void settle(Op op, Outcome outcome, String reason) {
    switch (outcome) {
      case INDEXED -> {
        indexed.incrementAndGet();
        listener.onIndexed();
      }
      case FAILED -> {
        failed.incrementAndGet();
        listener.onFailed();
        report(() -> onFailure.failed(op.id, reason));
      }
      case UNKNOWN -> {
        unknown.incrementAndGet();
        listener.onOutcomeUnknown();
        report(() -> onFailure.outcomeUnknown(op.id, reason));
      }
    }
    synchronized (lock) {
      ArrayDeque<Op> later = busy.get(op.id);
      Op next = later == null ? null : later.poll();
      if (next == null) {
        busy.remove(op.id);
      } else {
        held--;
        ready.add(next);
        readyBytes += next.bytes;
        flushRequested = true;
      }
      lock.notifyAll();
    }
  }

  /** Runs the host's handler; one that throws must not stall the writer. */
  private static void report(Runnable report) {
    try {
      report.run();
    } catch (RuntimeException e) {
      LOG.warn("the bulk writer's failure handler threw", e);
    }
  }

  private static String requestRefusal(Exception e, int status) {
    if (e instanceof ElasticsearchException es && es.error() != null) {
      return "request refused (HTTP "
          + status
          + "): ["
          + es.error().type()
          + "] "
          + es.error().reason();
    }
    return "request refused (HTTP " + status + "): " + describe(e);
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    if (message != null && message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The HTTP status of a request-level failure, or 0 when no answer came. */
  private static int statusOf(Exception e) {
    if (e instanceof ElasticsearchException es) {
      return es.status();
    }
    if (e instanceof TransportException transport) {
      if (transport.statusCode() > 0) {
        return transport.statusCode();
      }
      if (transport.getCause() instanceof ResponseException response) {
        return response.getResponse().getStatusLine().getStatusCode();
      }
    }
    if (e instanceof ResponseException response) {
      return response.getResponse().getStatusLine().getStatusCode();
    }
    return 0;
  }

  /**
   * Flushes and waits until every queued write has ended: written, failed or, after the wait for an
   * answer, unknown. It waits at most the longer of the blocked-write wait and the wait for an
   * answer, plus 30 s; writes still queued then are reported failed ("writer closed"), so the
   * accounting holds once it returns. Idempotent.
   */
  @Override
  public void close() {
    long deadline =
        System.nanoTime()
            + Math.max(blockedWriteWait.toNanos(), unknownOutcomeWait.toNanos())
            + TimeUnit.SECONDS.toNanos(30);
    List<Op> abandoned = new ArrayList<>();
    synchronized (lock) {
      if (closed && busy.isEmpty()) {
        return;
      }
      closed = true;
      flushRequested = true;
      dispatch();
      while (!busy.isEmpty() && System.nanoTime() < deadline) {
        try {
          lock.wait(Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        flushRequested = true;
        dispatch();
      }
      abandoned.addAll(ready);
      abandoned.addAll(waiting);
      for (ArrayDeque<Op> later : busy.values()) {
        if (later != null) {
          abandoned.addAll(later);
        }
      }
      ready.clear();
      waiting.clear();
      busy.clear();
      held = 0;
      readyBytes = 0;
    }
    timer.shutdownNow();
    senders.shutdown();
    for (Op op : abandoned) {
      failed.incrementAndGet();
      listener.onFailed();
      report(() -> onFailure.failed(op.id, "the writer closed before it could be written"));
    }
  }

  /**
   * A writer's settings.
   *
   * @param <T> the document type
   */
  public static final class Builder<T> {
    private final ElasticsearchClient client;
    private final String index;
    private final Function<T, String> idOf;
    private FailureHandler onFailure;
    private int maxOperations = 1000;
    private long maxBytes = 5L * 1024 * 1024;
    private int concurrency = 1;
    private Duration flushInterval = Duration.ofSeconds(1);
    private long maxDocumentBytes = 16L * 1024 * 1024;
    private Duration blockedWriteWait = WriteRetry.DEFAULT_WAIT;
    private Duration unknownOutcomeWait = Duration.ofSeconds(60);
    private BulkListener listener = BulkListener.NONE;

    private Builder(ElasticsearchClient client, String index, Function<T, String> idOf) {
      this.client = Objects.requireNonNull(client, "client must not be null");
      this.index = Objects.requireNonNull(index, "index must not be null");
      this.idOf = Objects.requireNonNull(idOf, "idOf must not be null");
    }

    /**
     * @param listener told of every document's end and every retry (metrics; default none)
     * @return this builder
     */
    public Builder<T> listener(BulkListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener must not be null");
      return this;
    }

    /**
     * @param handler told about every document that was not written (required)
     * @return this builder
     */
    public Builder<T> onFailure(FailureHandler handler) {
      this.onFailure = Objects.requireNonNull(handler, "onFailure must not be null");
      return this;
    }

    /**
     * @param n documents per request (default 1000)
     * @return this builder
     */
    public Builder<T> maxOperations(int n) {
      if (n < 1 || n > 100_000) {
        throw new IllegalArgumentException("maxOperations must be 1..100000, got " + n);
      }
      this.maxOperations = n;
      return this;
    }

    /**
     * @param bytes bytes per request (default 5 MiB); a larger single document goes alone
     * @return this builder
     */
    public Builder<T> maxBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxBytes must be at least 1024, got " + bytes);
      }
      this.maxBytes = bytes;
      return this;
    }

    /**
     * @param n requests in flight (default 1)
     * @return this builder
     */
    public Builder<T> concurrency(int n) {
      if (n < 1 || n > 64) {
        throw new IllegalArgumentException("concurrency must be 1..64, got " + n);
      }
      this.concurrency = n;
      return this;
    }

    /**
     * @param interval how often what is queued is sent even if a request is not full (default 1 s)
     * @return this builder
     */
    public Builder<T> flushInterval(Duration interval) {
      if (interval == null || interval.toMillis() < 1) {
        throw new IllegalArgumentException("flushInterval must be at least 1 ms, got " + interval);
      }
      this.flushInterval = interval;
      return this;
    }

    /**
     * @param bytes a document's JSON larger than this is reported failed, never sent (default 16
     *     MiB; Elasticsearch refuses requests over {@code http.max_content_length}, 100 MB)
     * @return this builder
     */
    public Builder<T> maxDocumentBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxDocumentBytes must be positive, got " + bytes);
      }
      this.maxDocumentBytes = bytes;
      return this;
    }

    /**
     * @param wait how long writes refused by an index write block are retried (default 60 s)
     * @return this builder
     */
    public Builder<T> blockedWriteWait(Duration wait) {
      if (wait == null || wait.isNegative()) {
        throw new IllegalArgumentException("blockedWriteWait must not be negative, got " + wait);
      }
      this.blockedWriteWait = wait;
      return this;
    }

    /**
     * @param wait how long writes without an answer are sent again before they are reported as
     *     outcome unknown (default 60 s)
     * @return this builder
     */
    public Builder<T> unknownOutcomeWait(Duration wait) {
      if (wait == null || wait.isNegative()) {
        throw new IllegalArgumentException("unknownOutcomeWait must not be negative, got " + wait);
      }
      this.unknownOutcomeWait = wait;
      return this;
    }

    /**
     * @return the writer, running
     * @throws NullPointerException when no failure handler was set
     */
    public BulkWriter<T> build() {
      return new BulkWriter<>(this);
    }
  }
}
