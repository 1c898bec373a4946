package io.toutiao.search;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import io.toutiao.core.ToutiaoException;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.elasticsearch.client.ResponseException;

/**
 * An Elasticsearch operation failed. Subtypes name the common cases; the message carries
 * Elasticsearch's own error type and reason.
 */
public class SearchException extends ToutiaoException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, with Elasticsearch's reason
   * @param cause the client's failure, or null
   */
  public SearchException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The index to create exists already. */
  public static final class IndexExists extends SearchException {
    private static final long serialVersionUID = 1L;

    IndexExists(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A document the client cannot serialize to JSON; refused when it is queued, so nothing is sent
   * for it and the writer's accounting stays exact.
   */
  public static final class InvalidDocument extends SearchException {
    private static final long serialVersionUID = 1L;

    InvalidDocument(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The index or alias does not exist. */
  public static final class IndexMissing extends SearchException {
    private static final long serialVersionUID = 1L;

    IndexMissing(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A write lost an optimistic-concurrency or external-version check. */
  public static final class VersionConflict extends SearchException {
    private static final long serialVersionUID = 1L;

    VersionConflict(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * from + size exceeds the index's result window; page with {@code ArticleSearch.iterate} instead.
   */
  public static final class ResultWindowTooLarge extends SearchException {
    private static final long serialVersionUID = 1L;

    ResultWindowTooLarge(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The index refuses writes for now (an index write block, as during the last step of an {@link
   * IndexMigration}); the write may be sent again. The library's writers retry these themselves.
   */
  public static final class WriteBlocked extends SearchException {
    private static final long serialVersionUID = 1L;

    WriteBlocked(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The cluster could not be reached or did not answer in time. */
  public static final class Unavailable extends SearchException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Turns a client failure into the matching subtype.
   *
   * @param action what was being done, e.g. {@code index article 42}
   * @param e the failure
   * @return the exception to throw
   */
  static SearchException translate(String action, Exception e) {
    if (e instanceof SearchException search) {
      return search;
    }
    String type;
    String reason;
    if (e instanceof ElasticsearchException es) {
      type = es.error() == null ? "" : String.valueOf(es.error().type());
      reason = es.error() == null ? es.getMessage() : es.error().reason();
      if (String.valueOf(es.response()).contains("Result window is too large")) {
        reason = "Result window is too large: " + reason;
      }
    } else {
      int status = statusOf(e);
      if (status < 400 || status >= 500) {
        if (e instanceof IOException) {
          return new Unavailable(
              "could not " + action + ": Elasticsearch is unavailable (" + e.getMessage() + ")", e);
        }
        return new SearchException("could not " + action + ": " + e.getMessage(), e);
      }
      String body = String.valueOf(e.getMessage());
      Matcher typeMatch = Pattern.compile("\"type\":\"([a-z_]+)\"").matcher(body);
      Matcher reasonMatch = Pattern.compile("\"reason\":\"([^\"]*)\"").matcher(body);
      type = typeMatch.find() ? typeMatch.group(1) : "http_" + status;
      reason = reasonMatch.find() ? reasonMatch.group(1) : "status " + status;
    }
    String message = "could not " + action + ": [" + type + "] " + reason;
    if (reason != null && reason.contains("Result window is too large")) {
      return new ResultWindowTooLarge(message + "; use ArticleSearch.allIds for deep paging", e);
    }
    return switch (type) {
      case "resource_already_exists_exception" -> new IndexExists(message, e);
      case "index_not_found_exception" -> new IndexMissing(message, e);
      case "version_conflict_engine_exception" -> new VersionConflict(message, e);
      case "cluster_block_exception" ->
          isWriteBlock(type, reason)
              ? new WriteBlocked(message, e)
              : new SearchException(message, e);
      default -> new SearchException(message, e);
    };
  }

  /**
   * Fails when some shard did not answer a search: a scan that silently missed a shard would copy
   * or compare only part of an index.
   *
   * @param response the answer
   * @param action what was being done
   */
  static void requireAllShards(
      co.elastic.clients.elasticsearch.core.SearchResponse<?> response, String action) {
    var shards = response.shards();
    if (shards != null
        && (shards.failed().intValue() > 0
            || shards.successful().intValue()
                    + (shards.skipped() == null ? 0 : shards.skipped().intValue())
                < shards.total().intValue())) {
      String reason =
          shards.failures().isEmpty()
              ? "no reason given"
              : String.valueOf(shards.failures().get(0).reason().reason());
      throw new Unavailable(
          "could not "
              + action
              + ": "
              + (shards.total().intValue() - shards.successful().intValue())
              + " of "
              + shards.total()
              + " shards failed (first: "
              + reason
              + ")",
          null);
    }
  }

  /**
   * Whether an error is an index write block that will be lifted (not a read-only disk flood-stage
   * block, which needs an operator).
   *
   * @param type Elasticsearch's error type
   * @param reason its reason
   * @return true for {@code index write (api)} blocks
   */
  static boolean isWriteBlock(String type, String reason) {
    return "cluster_block_exception".equals(type)
        && reason != null
        && reason.contains("index write (api)");
  }

  /** The HTTP status of a low-level or transport failure, or 0 when there was no answer. */
  private static int statusOf(Exception e) {
    if (e instanceof TransportException transport) {
      return transport.statusCode();
    }
    if (e instanceof ResponseException response) {
      return response.getResponse().getStatusLine().getStatusCode();
    }
    return 0;
  }
}
