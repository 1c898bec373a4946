/** JMH suites that measure toutiao-kit beside its peers. */
package io.toutiao.benchmarks;
