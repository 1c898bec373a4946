package io.toutiao.benchmarks;

import io.toutiao.examples.backend.BackendConfig;
import io.toutiao.examples.backend.HttpApi;
import io.toutiao.examples.backend.MiniToutiao;
import io.toutiao.testing.ElasticsearchServer;
import io.toutiao.testing.RedisServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load check of the mini backend over HTTP on loopback (not a JMH suite): publishes per second
 * from several clients, and the search latency (p50, p99) idle and while publishing. Run with
 * {@code java -cp benchmarks/target/benchmarks.jar io.toutiao.benchmarks.PublishLoadMeasurement
 * [publishers] [seconds]}.
 */
public final class PublishLoadMeasurement {

  private PublishLoadMeasurement() {}

  /**
   * Runs the check and prints the figures.
   *
   * @param args publisher threads (default 8), seconds of load (default 10)
   * @throws Exception when the backend cannot start
   */
  public static void main(String[] args) throws Exception {
    int publishers = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    String secret =
        Base64.getEncoder()
            .encodeToString(
                "a-load-secret-of-at-least-32-bytes-0123456789".getBytes(StandardCharsets.UTF_8));
    Path files = Files.createTempDirectory("publish-load");
    try (RedisServer redis = RedisServer.start();
        ElasticsearchServer es = ElasticsearchServer.start();
        MiniToutiao app =
            MiniToutiao.start(
                new BackendConfig(0, redis.uri(), es.httpUri(), secret, null, files))) {
      HttpApi api = new HttpApi(app.baseUrl());
      String mobile = "13800000001";
      api.post("/v1_0/sms/codes/" + mobile, null, null);
      String code = app.sms().lastCode(mobile).orElseThrow();
      String token =
          api.post("/v1_0/authorizations", Map.of("mobile", mobile, "code", code), null)
              .data()
              .path("token")
              .asText();
      String search = "/v1_0/search?q=" + URLEncoder.encode("人工智能", StandardCharsets.UTF_8);
      for (int i = 0; i < 200; i++) {
        api.get(search, token); // warm-up
      }
      List<Long> idle = searchLatencies(api, search, token, Duration.ofSeconds(5), null);

      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong published = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(publishers);
      List<Future<?>> tasks = new ArrayList<>();
      long started = System.nanoTime();
      for (int t = 0; t < publishers; t++) {
        tasks.add(
            pool.submit(
                () -> {
                  while (!stop.get()) {
                    int status =
                        api.post(
                                "/v1_0/articles",
                                Map.of("title", "负载测试文章", "content", "人工智能在新闻编辑部的应用。"),
                                token)
                            .status();
                    if (status == 201) {
                      published.incrementAndGet();
                    } else {
                      failed.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      List<Long> loaded = searchLatencies(api, search, token, Duration.ofSeconds(seconds), stop);
      double elapsed = (System.nanoTime() - started) / 1e9;
      for (Future<?> task : tasks) {
        task.get();
      }
      pool.shutdown();
      long drainStart = System.nanoTime();
      boolean drained = app.awaitOutbox(Duration.ofMinutes(2));
      double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
      System.out.printf(
          "publishers=%d seconds=%.1f published=%d failed=%d publishes/s=%.0f%n",
          publishers, elapsed, published.get(), failed.get(), published.get() / elapsed);
      System.out.printf(
          "search idle: n=%d p50=%.1f ms p99=%.1f ms%n",
          idle.size(), percentile(idle, 50), percentile(idle, 99));
      System.out.printf(
          "search during publishing: n=%d p50=%.1f ms p99=%.1f ms (p99 ratio %.2fx)%n",
          loaded.size(),
          percentile(loaded, 50),
          percentile(loaded, 99),
          percentile(loaded, 99) / percentile(idle, 99));
      System.out.printf("outbox drained=%s %.1f s after the load stopped%n", drained, drainSeconds);
    }
  }

  /** Searches back to back for {@code time}; then sets {@code stop} when given. */
  private static List<Long> searchLatencies(
      HttpApi api, String path, String token, Duration time, AtomicBoolean stop) {
    List<Long> latencies = new ArrayList<>();
    long end = System.nanoTime() + time.toNanos();
    while (System.nanoTime() < end) {
      long started = System.nanoTime();
      int status = api.get(path, token).status();
      if (status == 200) {
        latencies.add(System.nanoTime() - started);
      }
    }
    if (stop != null) {
      stop.set(true);
    }
    return latencies;
  }

  private static double percentile(List<Long> nanos, int p) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index)) / 1e6;
  }
}
