/** Internals of toutiao-feed; not an API, may change in any release. */
package io.toutiao.feed.internal;
