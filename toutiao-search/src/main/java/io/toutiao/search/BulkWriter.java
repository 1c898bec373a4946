package io.toutiao.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Bulk ingestion around the client's {@link BulkIngester}: batches by count and bytes, concurrent
 * requests, a flush interval, retries of 429 (too many requests: up to 8, from 50 ms doubling), a
 * flush on close, and every failed document reported to a callback with its id and Elasticsearch's
 * reason. Documents refused by an index write block (the last step of an {@link IndexMigration})
 * are queued again for up to 60 s. As with any retry, a retried document may land after a later
 * write of the same id that was not refused; when the order of writes to one id matters, write with
 * versions ({@link ChangeSync}). Nothing is lost silently: once closed, {@link #indexed()} + {@link
 * #failed()} = {@link #submitted()}. Thread-safe.
 *
 * @param <T> the document type
 */
public final class BulkWriter<T> implements AutoCloseable {

  /** Receives each document that could not be written. */
  @FunctionalInterface
  public interface FailureHandler {
    /**
     * A document failed.
     *
     * @param id its id
     * @param reason Elasticsearch's error type and reason, or the transport failure
     */
    void failed(String id, String reason);
  }

  /** A queued operation, with when it was first refused by a write block (0 = never). */
  private record Op(
      String id,
      BulkOperation operation,
      long blockedSince,
      int attempts,
      long notBefore,
      long seq) {

    static Op first(String id, BulkOperation operation) {
      return new Op(id, operation, 0, 0, 0, 0);
    }

    Op retry(long since, long pauseMillis, long seq) {
      return new Op(
          id, operation, since, attempts + 1, System.nanoTime() + pauseMillis * 1_000_000, seq);
    }
  }

  /** 429 (the node's write queue is full): tries after the first, from 50 ms doubling. */
  private static final int MAX_REJECTED_RETRIES = 8;

  private final BulkIngester<Op> ingester;
  private final FailureHandler onFailure;
  private final ScheduledExecutorService retries;
  private final Duration blockedWriteWait = WriteRetry.DEFAULT_WAIT;
  private final String index;
  private final Function<T, String> idOf;
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong indexed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final PriorityBlockingQueue<Op> waiting =
      new PriorityBlockingQueue<>(
          64, Comparator.comparingLong(Op::notBefore).thenComparingLong(Op::seq));
  private final AtomicLong nextRequeue = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong sequence = new AtomicLong();

  /**
   * Creates a writer with 1000 documents or 5 MiB per request, 1 request in flight, a 1 s flush
   * interval and up to 8 retries of 429s from 50 ms.
   *
   * @param client the client
   * @param index the alias or index to write to
   * @param idOf the document id of a document
   * @param onFailure told about every failed document
   */
  public BulkWriter(
      ElasticsearchClient client,
      String index,
      Function<T, String> idOf,
      FailureHandler onFailure) {
    this(client, index, idOf, onFailure, 1000, 5L * 1024 * 1024, 1);
  }

  /**
   * Creates a writer.
   *
   * @param client the client
   * @param index the alias or index
   * @param idOf the document id of a document
   * @param onFailure told about every failed document
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
    Objects.requireNonNull(client, "client must not be null");
    this.onFailure = Objects.requireNonNull(onFailure, "onFailure must not be null");
    this.index = Objects.requireNonNull(index, "index must not be null");
    this.idOf = Objects.requireNonNull(idOf, "idOf must not be null");
    this.retries =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "toutiao-bulk-retry");
              t.setDaemon(true);
              return t;
            });
    BulkListener<Op> listener =
        new BulkListener<>() {
          @Override
          public void beforeBulk(long executionId, BulkRequest request, List<Op> ops) {}

          @Override
          public void afterBulk(
              long executionId, BulkRequest request, List<Op> ops, BulkResponse response) {
            List<BulkResponseItem> items = response.items();
            for (int i = 0; i < items.size(); i++) {
              BulkResponseItem item = items.get(i);
              Op op = ops.get(i);
              if (item.error() == null) {
                indexed.incrementAndGet();
              } else if (item.status() == 429 && op.attempts() < MAX_REJECTED_RETRIES) {
                retryLater(
                    op.retry(op.blockedSince(), 50L << op.attempts(), sequence.incrementAndGet()));
              } else if (SearchException.isWriteBlock(item.error().type(), item.error().reason())
                  && retryBlocked(op)) {
                continue;
              } else {
                failed.incrementAndGet();
                onFailure.failed(op.id(), "[" + item.error().type() + "] " + item.error().reason());
              }
            }
          }

          @Override
          public void afterBulk(
              long executionId, BulkRequest request, List<Op> ops, Throwable failure) {
            for (Op op : ops) {
              failed.incrementAndGet();
              onFailure.failed(op.id(), "request failed: " + failure);
            }
          }
        };
    this.ingester =
        BulkIngester.of(
            b ->
                b.client(client)
                    .maxOperations(maxOperations)
                    .maxSize(maxBytes)
                    .maxConcurrentRequests(concurrency)
                    .flushInterval(1, TimeUnit.SECONDS)
                    .listener(listener));
  }

  /**
   * Queues a document for indexing (create or replace).
   *
   * @param document the document
   * @throws SearchException.InvalidDocument when it cannot be serialized (not counted as submitted)
   */
  public void index(T document) {
    String id = idOf.apply(document);
    submitted.incrementAndGet();
    try {
      add(
          Op.first(
              id, BulkOperation.of(op -> op.index(i -> i.index(index).id(id).document(document)))));
    } catch (RuntimeException e) {
      // the ingester serializes the document when it is queued: one that cannot be serialized
      // never enters a request, so it is neither indexed nor failed later
      submitted.decrementAndGet();
      throw new SearchException.InvalidDocument(
          "document " + id + " cannot be serialized to JSON: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Queues a deletion.
   *
   * @param id the document id
   */
  public void delete(String id) {
    submitted.incrementAndGet();
    add(Op.first(id, BulkOperation.of(op -> op.delete(d -> d.index(index).id(id)))));
  }

  /** Sends what is queued now. */
  public void flush() {
    ingester.flush();
  }

  /**
   * @return documents queued so far
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
   * Queues a write-blocked operation again after a pause, unless it has been refused for longer
   * than the blocked-write wait.
   */
  private boolean retryBlocked(Op op) {
    long now = System.nanoTime();
    long since = op.blockedSince() == 0 ? now : op.blockedSince();
    if (now - since > blockedWriteWait.toNanos()) {
      return false;
    }
    retryLater(
        op.retry(
            since, Math.min(20L << Math.min(op.attempts(), 5), 500), sequence.incrementAndGet()));
    return true;
  }

  /** Parks an operation until its time comes; a single retry thread sends the due ones. */
  private void retryLater(Op op) {
    waiting.add(op);
    scheduleRequeue(op.notBefore());
  }

  /** Makes sure a requeue runs at {@code notBefore} unless one is already due earlier. */
  private void scheduleRequeue(long notBefore) {
    long run = nextRequeue.get();
    if (notBefore < run && nextRequeue.compareAndSet(run, notBefore)) {
      retries.schedule(
          this::requeue, Math.max(0, notBefore - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  /** Queues every due operation again, in the order they were refused, then sends them. */
  private void requeue() {
    nextRequeue.set(Long.MAX_VALUE);
    long now = System.nanoTime();
    boolean added = false;
    for (Op head = waiting.peek(); head != null && head.notBefore() <= now; head = waiting.peek()) {
      Op op = waiting.poll();
      if (op != null) {
        add(op);
        added = true;
      }
    }
    if (added) {
      ingester.flush();
    }
    Op next = waiting.peek();
    if (next != null) {
      scheduleRequeue(next.notBefore());
    }
  }

  private void add(Op op) {
    ingester.add(op.operation(), op);
  }

  /**
   * Flushes and waits for every request in flight, including writes being retried because the index
   * was write-blocked (at most the blocked-write wait of 60 s).
   */
  @Override
  public void close() {
    long deadline = System.nanoTime() + blockedWriteWait.toNanos() + TimeUnit.SECONDS.toNanos(10);
    while (indexed.get() + failed.get() < submitted.get() && System.nanoTime() < deadline) {
      ingester.flush();
      WriteRetry.pause(10, "close the bulk writer");
    }
    retries.shutdownNow();
    try {
      retries.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Op op = waiting.poll(); op != null; op = waiting.poll()) {
      failed.incrementAndGet();
      onFailure.failed(op.id(), "the index was still write-blocked when the writer closed");
    }
    ingester.close();
  }
}
