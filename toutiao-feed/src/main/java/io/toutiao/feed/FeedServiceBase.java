package io.toutiao.feed;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.toutiao.feed.internal.ProtoMapping;
import io.toutiao.feed.proto.ArticleResponse;
import io.toutiao.feed.proto.UserRecommendGrpc;
import io.toutiao.feed.proto.UserRequest;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base of a recommendation service: extend it and implement {@link #recommend}, or wrap a
 * {@link FeedSource} with {@link #of}. It validates each request (an invalid one gets {@code
 * INVALID_ARGUMENT} naming the field), converts to and from the wire messages, and maps failures:
 * {@link FeedUnavailableException} to {@code UNAVAILABLE} (clients retry it), anything else to
 * {@code INTERNAL} without the exception's text (logged here instead). Serve it with {@link
 * FeedServer}.
 */
public abstract class FeedServiceBase extends UserRecommendGrpc.UserRecommendImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(FeedServiceBase.class);

  /** For subclasses. */
  protected FeedServiceBase() {}

  /**
   * A service answering from a source.
   *
   * @param source the recommender
   * @return the service
   */
  public static FeedServiceBase of(FeedSource source) {
    Objects.requireNonNull(source, "source must not be null");
    return new FeedServiceBase() {
      @Override
      protected FeedPage recommend(FeedRequest request) {
        return source.recommend(request);
      }
    };
  }

  /**
   * Produces the page of a validated request.
   *
   * @param request the request
   * @return the page
   * @throws FeedUnavailableException if a dependency is down (answered as {@code UNAVAILABLE})
   */
  protected abstract FeedPage recommend(FeedRequest request);

  @Override
  public final void userRecommend(UserRequest message, StreamObserver<ArticleResponse> response) {
    FeedRequest request;
    try {
      request = ProtoMapping.fromProto(message);
    } catch (IllegalArgumentException e) {
      response.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    ArticleResponse answer;
    try {
      answer =
          ProtoMapping.toProto(
              Objects.requireNonNull(recommend(request), "recommend returned null"));
    } catch (FeedUnavailableException e) {
      LOG.warn("feed source unavailable for channel {}: {}", request.channelId(), e.getMessage());
      response.onError(
          Status.UNAVAILABLE
              .withDescription("recommendation source unavailable")
              .asRuntimeException());
      return;
    } catch (RuntimeException e) {
      LOG.error("feed source failed for channel {}", request.channelId(), e);
      response.onError(
          Status.INTERNAL.withDescription("recommendation failed").asRuntimeException());
      return;
    }
    response.onNext(answer);
    response.onCompleted();
  }
}
