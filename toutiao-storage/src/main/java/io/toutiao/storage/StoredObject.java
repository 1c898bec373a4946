package io.toutiao.storage;

/**
 * An object after it was stored.
 *
 * @param key its key in the store
 * @param url its public URL
 * @param size bytes
 * @param hash the store's content hash (SHA-256 hex locally; Qiniu's etag for Qiniu)
 */
public record StoredObject(String key, String url, long size, String hash) {}
