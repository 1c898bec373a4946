package io.toutiao.cache;

/**
 * An immutable snapshot of a cache's counters since it was created.
 *
 * @param l1Hits reads answered by Caffeine (values and "absent" markers)
 * @param l1Misses reads that went past Caffeine
 * @param l2Hits reads answered by Redis
 * @param l2Misses reads that Redis could not answer
 * @param loads calls of the host's loader (batch calls count once per key)
 * @param loadFailures loader calls that threw
 * @param l2Errors Redis commands that failed
 * @param bloomRejections reads refused by the Bloom filter without touching Redis or the loader
 * @param degradedLoads loads made while the Redis circuit was open
 * @param l1Resyncs times L1 was cleared because invalidation messages may have been lost
 * @param l1Unproven L1 entries not served because the invalidation path was not proven within the
 *     staleness bound and the entry was older than the bound (the read went to Redis or the loader)
 * @param circuitOpen whether Redis is being bypassed right now
 */
public record CacheStats(
    long l1Hits,
    long l1Misses,
    long l2Hits,
    long l2Misses,
    long loads,
    long loadFailures,
    long l2Errors,
    long bloomRejections,
    long degradedLoads,
    long l1Resyncs,
    long l1Unproven,
    boolean circuitOpen) {

  /**
   * Returns loader calls per L1 miss: near 0 when Redis absorbs misses, 1 when every miss loads.
   *
   * @return the ratio, 0 when there were no misses
   */
  public double loadsPerMiss() {
    return l1Misses == 0 ? 0 : (double) loads / l1Misses;
  }
}
