/**
 * JMH suites that measure toutiao-kit beside its peers; run one with {@code benchmarks/run.sh
 * <ClassRegex>}. In each class {@code toutiao_W} and {@code <peer>_W} do the same work W.
 */
package io.toutiao.benchmarks;
