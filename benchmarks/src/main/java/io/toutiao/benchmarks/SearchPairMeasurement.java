package io.toutiao.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@link SearchBenchmark}'s search pair measured in alternation on one Elasticsearch node: each
 * round runs ours, the same request on the bare client, and the reference query for the same time
 * in turn (order rotated), so the node's long warm-up drifts all three alike. JMH runs each method
 * in its own fork with its own node, whose warm-up differs by more than the difference measured.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.toutiao.benchmarks.SearchPairMeasurement [warmup-s] [rounds] [slice-ms]
 * </pre>
 */
public final class SearchPairMeasurement {

  private SearchPairMeasurement() {}

  /**
   * Runs the measurement.
   *
   * @param args warm-up seconds (default 120), rounds (default 20), slice milliseconds (default
   *     2000)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 120;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    long slice = args.length > 2 ? Long.parseLong(args[2]) : 2000;
    SearchBenchmark bench = new SearchBenchmark();
    bench.setUp();
    try {
      List<Callable<Integer>> runs =
          List.of(bench::toutiao_search, bench::client_search, bench::reference_search);
      long warmEnd = System.nanoTime() + warmup * 1_000_000_000L;
      while (System.nanoTime() < warmEnd) {
        for (Callable<Integer> run : runs) {
          rate(run, 500);
        }
      }
      double[][] rates = new double[3][rounds];
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < 3; k++) {
          int which = (r + k) % 3;
          rates[which][r] = rate(runs.get(which), slice);
        }
      }
      double[] vsClient = new double[rounds];
      double[] vsReference = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        vsClient[r] = rates[0][r] / rates[1][r];
        vsReference[r] = rates[0][r] / rates[2][r];
      }
      System.out.printf(
          "searches/s (median of %d rounds): toutiao %.1f, client %.1f, reference %.1f%n",
          rounds, median(rates[0]), median(rates[1]), median(rates[2]));
      System.out.printf(
          "ratio toutiao/client: median %.3f (min %.3f, max %.3f)%n",
          median(vsClient), min(vsClient), max(vsClient));
      System.out.printf(
          "ratio toutiao/reference: median %.3f (min %.3f, max %.3f)%n",
          median(vsReference), min(vsReference), max(vsReference));
    } finally {
      bench.tearDown();
    }
  }

  private static double rate(Callable<Integer> run, long millis) throws Exception {
    long start = System.nanoTime();
    long end = start + millis * 1_000_000;
    int n = 0;
    List<Integer> sink = new ArrayList<>(1);
    while (System.nanoTime() < end) {
      sink.add(run.call());
      sink.clear();
      n++;
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int m = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }
}
