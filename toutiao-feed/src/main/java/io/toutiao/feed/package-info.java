/**
 * The home feed over gRPC: {@link io.toutiao.feed.FeedClient} (deadline, retries on {@code
 * UNAVAILABLE}, circuit breaker, fallback {@link io.toutiao.feed.FeedSource}), {@link
 * io.toutiao.feed.FeedServer} and {@link io.toutiao.feed.FeedServiceBase} for the recommendation
 * service, {@link io.toutiao.feed.TrackSigner} for behaviour tracks clients cannot forge, and the
 * {@link io.toutiao.feed.BehaviourSink} SPI. The Redis recommender and sink are in {@code
 * io.toutiao.feed.redis}.
 */
package io.toutiao.feed;
