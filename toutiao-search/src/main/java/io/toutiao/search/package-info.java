/**
 * Elasticsearch helpers on elasticsearch-java: {@link io.toutiao.search.SearchClientFactory},
 * versioned indexes behind aliases ({@link io.toutiao.search.IndexManager}), documents and bulk
 * ingestion ({@link io.toutiao.search.DocumentStore}, {@link io.toutiao.search.BulkWriter}), the
 * reference's article search ({@link io.toutiao.search.ArticleSearch}) and database sync ({@link
 * io.toutiao.search.ChangeSync}).
 */
package io.toutiao.search;
