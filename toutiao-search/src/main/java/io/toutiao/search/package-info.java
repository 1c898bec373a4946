/** Elasticsearch helpers: indexes and aliases, bulk ingest, search, suggestions, database sync. */
package io.toutiao.search;
