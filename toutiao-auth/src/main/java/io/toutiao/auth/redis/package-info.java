/** A Redis-backed {@link io.toutiao.auth.RevocationStore}; needs the optional Jedis dependency. */
package io.toutiao.auth.redis;
