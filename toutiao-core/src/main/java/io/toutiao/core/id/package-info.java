/**
 * Snowflake ids: {@link io.toutiao.core.id.SnowflakeIdGenerator}, its {@link
 * io.toutiao.core.id.SnowflakeConfig} and {@link io.toutiao.core.id.SnowflakeLayout}, worker-id
 * assignment ({@link io.toutiao.core.id.WorkerIdAssigner}), restart safety ({@link
 * io.toutiao.core.id.HighWaterMarkStore}) and text forms ({@link io.toutiao.core.id.IdCodec}).
 */
package io.toutiao.core.id;
