/**
 * Two-level cache: {@link io.toutiao.cache.TwoLevelCache} (Caffeine over Redis over the host's
 * loader) with penetration, breakdown and avalanche protection and cross-node invalidation,
 * configured by {@link io.toutiao.cache.CacheConfig}.
 */
package io.toutiao.cache;
