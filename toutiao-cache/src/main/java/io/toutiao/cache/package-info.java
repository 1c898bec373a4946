/** Two-level cache (Caffeine over Redis over the host's loader) and Redis building blocks. */
package io.toutiao.cache;
