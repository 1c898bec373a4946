/** Redis building blocks used by the cache and by hosts: leases. */
package io.toutiao.cache.redis;
