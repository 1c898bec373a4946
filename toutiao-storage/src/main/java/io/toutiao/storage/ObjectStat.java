package io.toutiao.storage;

import java.time.Instant;

/**
 * What a store knows about an object.
 *
 * @param key its key
 * @param size bytes
 * @param hash the store's content hash
 * @param mimeType the content type recorded when it was stored, or null
 * @param storedAt when it was stored
 */
public record ObjectStat(String key, long size, String hash, String mimeType, Instant storedAt) {}
