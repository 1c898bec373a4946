package io.toutiao.core.id;

import java.time.Instant;

/**
 * The fields of a Snowflake id, as returned by {@link SnowflakeLayout#parse(long)}.
 *
 * @param id the id itself
 * @param timestamp when it was issued (to the layout's tick)
 * @param datacenterId the datacenter field
 * @param workerId the worker field
 * @param sequence the sequence within its tick
 */
public record SnowflakeId(
    long id, Instant timestamp, long datacenterId, long workerId, long sequence) {}
