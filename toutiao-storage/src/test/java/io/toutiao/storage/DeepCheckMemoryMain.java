package io.toutiao.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Child JVM of {@link DeepCheckMemoryTest}: deep-checks the given files from many threads at once
 * in a small heap and prints how each check ended: {@code ok=.. busy=.. invalid=.. other=..}.
 */
public final class DeepCheckMemoryMain {

  private DeepCheckMemoryMain() {}

  /**
   * Runs the checks.
   *
   * @param args threads, rounds, then the image files
   * @throws Exception when the pool fails
   */
  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    List<byte[]> files = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      files.add(Files.readAllBytes(Path.of(args[i])));
    }
    ImageValidator validator = ImageValidator.builder().deepCheck(true).maxBytes(20 << 20).build();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger busy = new AtomicInteger();
    AtomicInteger invalid = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> tasks = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      tasks.add(
          pool.submit(
              () -> {
                for (int r = 0; r < rounds; r++) {
                  byte[] file = files.get((offset + r) % files.size());
                  try {
                    validator.validate(file);
                    ok.incrementAndGet();
                  } catch (ImageCheckBusyException e) {
                    busy.incrementAndGet();
                  } catch (InvalidImageException e) {
                    System.out.println("invalid: " + e.getMessage());
                    invalid.incrementAndGet();
                  } catch (Throwable e) {
                    System.out.println("other: " + e);
                    other.incrementAndGet();
                  }
                }
              }));
    }
    for (Future<?> task : tasks) {
      task.get();
    }
    pool.shutdown();
    pool.awaitTermination(1, TimeUnit.MINUTES);
    System.out.println("ok=" + ok + " busy=" + busy + " invalid=" + invalid + " other=" + other);
  }
}
