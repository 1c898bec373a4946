package io.toutiao.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a JMH JSON result and prints one line per workload: {@code W toutiao=<score> <peer>=<score>
 * ratio=<toutiao/peer> <unit>}. A workload W is the pair of methods {@code toutiao_W} and {@code
 * <peer>_W} of one class; parameters and thread counts are part of W.
 */
public final class RatioReport {

  private RatioReport() {}

  /**
   * Prints the report.
   *
   * @param args the JMH JSON file
   * @throws IOException when the file cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: RatioReport <jmh-result.json>");
      System.exit(2);
    }
    lines(new ObjectMapper().readTree(Path.of(args[0]).toFile())).forEach(System.out::println);
  }

  /**
   * Builds the report lines.
   *
   * @param results JMH's JSON array
   * @return one line per workload, in the order the workloads first appear
   */
  public static List<String> lines(JsonNode results) {
    Map<String, Map<String, JsonNode>> workloads = new LinkedHashMap<>();
    for (JsonNode result : results) {
      String benchmark = result.path("benchmark").asText();
      String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      int split = method.indexOf('_');
      if (split < 0) {
        continue;
      }
      String library = method.substring(0, split);
      String workload = method.substring(split + 1) + describe(result);
      workloads.computeIfAbsent(workload, w -> new LinkedHashMap<>()).put(library, result);
    }
    List<String> lines = new ArrayList<>();
    workloads.forEach((workload, byLibrary) -> lines.add(line(workload, byLibrary)));
    return lines;
  }

  private static String describe(JsonNode result) {
    Map<String, String> parts = new TreeMap<>();
    result
        .path("params")
        .fields()
        .forEachRemaining(e -> parts.put(e.getKey(), e.getValue().asText()));
    StringBuilder text = new StringBuilder();
    parts.forEach(
        (k, v) -> text.append(text.length() == 0 ? "[" : ",").append(k).append('=').append(v));
    if (text.length() > 0) {
      text.append(']');
    }
    int threads = result.path("threads").asInt(1);
    return threads == 1 ? text.toString() : text + "@" + threads + "t";
  }

  private static String line(String workload, Map<String, JsonNode> byLibrary) {
    StringBuilder line = new StringBuilder(workload);
    JsonNode ours = byLibrary.get("toutiao");
    String unit = "";
    Map<String, JsonNode> oursFirst = new LinkedHashMap<>();
    if (ours != null) {
      oursFirst.put("toutiao", ours);
    }
    oursFirst.putAll(byLibrary);
    for (Map.Entry<String, JsonNode> entry : oursFirst.entrySet()) {
      JsonNode metric = entry.getValue().path("primaryMetric");
      unit = metric.path("scoreUnit").asText();
      line.append(' ')
          .append(entry.getKey())
          .append('=')
          .append(format(metric.path("score").asDouble()));
    }
    for (Map.Entry<String, JsonNode> entry : byLibrary.entrySet()) {
      if (ours != null && !entry.getKey().equals("toutiao")) {
        double ratio =
            ours.path("primaryMetric").path("score").asDouble()
                / entry.getValue().path("primaryMetric").path("score").asDouble();
        line.append(" ratio=")
            .append(String.format(Locale.ROOT, ratio < 0.01 ? "%.2e" : "%.2f", ratio));
        if (!"thrpt".equals(ours.path("mode").asText())) {
          // Time per operation: lower is better, so also say how many times faster we are.
          line.append(" speedup=").append(String.format(Locale.ROOT, "%.1fx", 1 / ratio));
        }
        if (byLibrary.size() > 2) {
          line.append("(vs ").append(entry.getKey()).append(')');
        }
      }
    }
    return line.append(' ').append(unit).toString();
  }

  private static String format(double score) {
    return Math.abs(score) >= 100
        ? String.format(Locale.ROOT, "%.0f", score)
        : String.format(Locale.ROOT, "%.3f", score);
  }
}
