package io.toutiao.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.transport.BackoffPolicy;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Bulk ingestion around the client's {@link BulkIngester}: batches by count and bytes, concurrent
 * requests, a flush interval, retries of 429 (too many requests) with exponential backoff, a flush
 * on close, and every failed document reported to a callback with its id and Elasticsearch's
 * reason. Nothing is lost silently: once closed, {@link #indexed()} + {@link #failed()} = {@link
 * #submitted()}. Thread-safe.
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

  private final BulkIngester<String> ingester;
  private final String index;
  private final Function<T, String> idOf;
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong indexed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

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
    Objects.requireNonNull(onFailure, "onFailure must not be null");
    this.index = Objects.requireNonNull(index, "index must not be null");
    this.idOf = Objects.requireNonNull(idOf, "idOf must not be null");
    BulkListener<String> listener =
        new BulkListener<>() {
          @Override
          public void beforeBulk(long executionId, BulkRequest request, List<String> ids) {}

          @Override
          public void afterBulk(
              long executionId, BulkRequest request, List<String> ids, BulkResponse response) {
            List<BulkResponseItem> items = response.items();
            for (int i = 0; i < items.size(); i++) {
              BulkResponseItem item = items.get(i);
              if (item.error() == null) {
                indexed.incrementAndGet();
              } else {
                failed.incrementAndGet();
                onFailure.failed(
                    ids.get(i), "[" + item.error().type() + "] " + item.error().reason());
              }
            }
          }

          @Override
          public void afterBulk(
              long executionId, BulkRequest request, List<String> ids, Throwable failure) {
            for (String id : ids) {
              failed.incrementAndGet();
              onFailure.failed(id, "request failed: " + failure);
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
                    .backoffPolicy(BackoffPolicy.exponentialBackoff(50L, 8))
                    .listener(listener));
  }

  /**
   * Queues a document for indexing (create or replace).
   *
   * @param document the document
   */
  public void index(T document) {
    String id = idOf.apply(document);
    submitted.incrementAndGet();
    ingester.add(op -> op.index(i -> i.index(index).id(id).document(document)), id);
  }

  /**
   * Queues a deletion.
   *
   * @param id the document id
   */
  public void delete(String id) {
    submitted.incrementAndGet();
    ingester.add(op -> op.delete(d -> d.index(index).id(id)), id);
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

  /** Flushes and waits for every request in flight. */
  @Override
  public void close() {
    ingester.close();
  }
}
