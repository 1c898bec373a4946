package io.toutiao.feed;

/**
 * Where verified behaviour events go (click, collect, share, read, exposure): the SPI of the app's
 * behaviour endpoint. The default, {@link io.toutiao.feed.redis.RedisStreamBehaviourSink}, appends
 * to a bounded Redis stream that recommendation jobs consume. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface BehaviourSink {

  /**
   * Records one event.
   *
   * @param event the verified event
   * @throws FeedException if the event could not be recorded (the caller answers with an error
   *     rather than losing it silently)
   */
  void record(BehaviourEvent event);
}
