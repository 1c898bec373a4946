/**
 * The feed's Redis parts: {@link io.toutiao.feed.redis.RedisFeedRecommender}, the default
 * recommender (per-channel sorted sets by publish time, minus the reader's history, pinned articles
 * first), and {@link io.toutiao.feed.redis.RedisStreamBehaviourSink}, the default behaviour sink (a
 * bounded Redis stream). They need Jedis on the class path (an optional dependency of this module)
 * and work on standalone Redis, Sentinel and Cluster: every command touches one key.
 */
package io.toutiao.feed.redis;
