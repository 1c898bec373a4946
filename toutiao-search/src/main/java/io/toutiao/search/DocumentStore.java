package io.toutiao.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.IndexResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Typed single-document operations on an alias: index, get, partial update, delete, with optimistic
 * concurrency ({@code if_seq_no}/{@code if_primary_term}) where asked. Writes refused by an index
 * write block (during an {@link IndexMigration}) are retried, see {@link
 * #withBlockedWriteWait(Duration)}. Thread-safe.
 *
 * @param <T> the document type (a Jackson-mappable class or record)
 */
public final class DocumentStore<T> {

  /**
   * A document with the version it was read at. Sequence numbers belong to one concrete index: an
   * {@link IndexMigration} renumbers every document, so the version names the index it was read
   * from, and {@link #replace} refuses it once the alias points elsewhere.
   *
   * @param id the id
   * @param document the document
   * @param seqNo its sequence number
   * @param primaryTerm its primary term
   * @param index the concrete index it was read from or written to; null when unknown (then the
   *     write goes to the alias and the check is Elasticsearch's alone)
   * @param <T> the document type
   */
  public record Versioned<T>(String id, T document, long seqNo, long primaryTerm, String index) {

    /**
     * A version without its concrete index.
     *
     * @param id the id
     * @param document the document
     * @param seqNo its sequence number
     * @param primaryTerm its primary term
     */
    public Versioned(String id, T document, long seqNo, long primaryTerm) {
      this(id, document, seqNo, primaryTerm, null);
    }

    @Override
    public String toString() {
      return "Versioned[id="
          + id
          + ", seqNo="
          + seqNo
          + ", primaryTerm="
          + primaryTerm
          + ", index="
          + index
          + "]";
    }
  }

  private final ElasticsearchClient client;
  private final String index;
  private final Class<T> type;
  private final Function<T, String> idOf;
  private final Duration blockedWriteWait;

  /**
   * Creates the store.
   *
   * @param client the client
   * @param index the alias
   * @param type the document class
   * @param idOf the id of a document
   */
  public DocumentStore(
      ElasticsearchClient client, String index, Class<T> type, Function<T, String> idOf) {
    this.client = Objects.requireNonNull(client, "client must not be null");
    this.index = Objects.requireNonNull(index, "index must not be null");
    this.type = Objects.requireNonNull(type, "type must not be null");
    this.idOf = Objects.requireNonNull(idOf, "idOf must not be null");
    this.blockedWriteWait = WriteRetry.DEFAULT_WAIT;
  }

  private DocumentStore(DocumentStore<T> base, Duration blockedWriteWait) {
    this.client = base.client;
    this.index = base.index;
    this.type = base.type;
    this.idOf = base.idOf;
    this.blockedWriteWait = blockedWriteWait;
  }

  /**
   * Returns a store that retries writes refused by an index write block (the last step of an {@link
   * IndexMigration}) for at most {@code wait}; the default is 60 s. Retries are sent in order by
   * the calling thread, so a caller's writes are never reordered.
   *
   * @param wait how long to keep retrying; zero for no retries
   * @return a store with that limit
   */
  public DocumentStore<T> withBlockedWriteWait(Duration wait) {
    Objects.requireNonNull(wait, "wait must not be null");
    if (wait.isNegative()) {
      throw new IllegalArgumentException("wait must not be negative, got " + wait);
    }
    return new DocumentStore<>(this, wait);
  }

  /**
   * Creates or replaces a document, visible to searches when this returns (refresh wait_for).
   *
   * @param document the document
   * @return the new version
   */
  public Versioned<T> index(T document) {
    String id = idOf.apply(document);
    IndexResponse response =
        WriteRetry.call(
            "index document " + id + " into " + index,
            blockedWriteWait,
            () ->
                client.index(
                    i -> i.index(index).id(id).document(document).refresh(Refresh.WaitFor)));
    return new Versioned<>(
        id, document, response.seqNo(), response.primaryTerm(), response.index());
  }

  /**
   * Replaces a document only if it is still at the version that was read. The write goes to the
   * concrete index the version was read from, so a version read before a migration is refused after
   * it (the new index numbered its documents anew) instead of matching by chance.
   *
   * @param document the new content
   * @param readAt the version it is based on
   * @return the new version
   * @throws SearchException.VersionConflict when someone changed it meanwhile, or when it was read
   *     from an index the alias no longer points at (read it again)
   */
  public Versioned<T> replace(T document, Versioned<T> readAt) {
    String id = idOf.apply(document);
    String target = readAt.index() == null ? index : readAt.index();
    String action = "replace document " + id + " in " + index;
    long deadline = System.nanoTime() + blockedWriteWait.toNanos();
    long pause = 20;
    while (true) {
      // checked first: writing to an index that is gone would have Elasticsearch create it anew
      if (readAt.index() != null && !aliasPointsAt(readAt.index())) {
        throw movedConflict(action, readAt.index(), null);
      }
      try {
        IndexResponse response =
            client.index(
                i ->
                    i.index(target)
                        .id(id)
                        .document(document)
                        .ifSeqNo(readAt.seqNo())
                        .ifPrimaryTerm(readAt.primaryTerm())
                        .refresh(Refresh.WaitFor));
        return new Versioned<>(
            id, document, response.seqNo(), response.primaryTerm(), response.index());
      } catch (Exception e) {
        SearchException failure = SearchException.translate(action, e);
        if (readAt.index() != null
            && (failure instanceof SearchException.IndexMissing
                || failure instanceof SearchException.WriteBlocked)
            && !aliasPointsAt(readAt.index())) {
          throw movedConflict(action, readAt.index(), e);
        }
        if (!(failure instanceof SearchException.WriteBlocked)
            || System.nanoTime() + pause * 1_000_000 > deadline) {
          throw failure;
        }
      }
      WriteRetry.pause(pause, action);
      pause = Math.min(pause * 2, 500);
    }
  }

  private SearchException movedConflict(String action, String readFrom, Exception cause) {
    return new SearchException.VersionConflict(
        "could not "
            + action
            + ": it was read from "
            + readFrom
            + ", which "
            + index
            + " no longer points at (a migration renumbered the documents); read it again",
        cause);
  }

  /** Whether {@link #index} (an alias, or the index itself) resolves to {@code concrete}. */
  private boolean aliasPointsAt(String concrete) {
    if (index.equals(concrete)) {
      return true;
    }
    try {
      return client.indices().getAlias(a -> a.name(index)).result().containsKey(concrete);
    } catch (Exception e) {
      throw SearchException.translate("resolve alias " + index, e);
    }
  }

  /**
   * Reads a document.
   *
   * @param id the id
   * @return the document with its version, or empty
   */
  public Optional<Versioned<T>> get(String id) {
    try {
      GetResponse<T> response = client.get(g -> g.index(index).id(id), type);
      if (!response.found()) {
        return Optional.empty();
      }
      return Optional.of(
          new Versioned<>(
              id, response.source(), response.seqNo(), response.primaryTerm(), response.index()));
    } catch (Exception e) {
      throw SearchException.translate("get document " + id + " from " + index, e);
    }
  }

  /**
   * Changes some fields of a document.
   *
   * @param id the id
   * @param fields field to new value
   * @throws SearchException when the document does not exist
   */
  public void update(String id, Map<String, Object> fields) {
    WriteRetry.call(
        "update document " + id + " in " + index,
        blockedWriteWait,
        () -> client.update(u -> u.index(index).id(id).doc(fields).refresh(Refresh.WaitFor), type));
  }

  /**
   * Deletes a document.
   *
   * @param id the id
   * @return true when it existed
   */
  public boolean delete(String id) {
    return WriteRetry.call(
                "delete document " + id + " from " + index,
                blockedWriteWait,
                () -> client.delete(d -> d.index(index).id(id).refresh(Refresh.WaitFor)))
            .result()
        == co.elastic.clients.elasticsearch._types.Result.Deleted;
  }
}
