package io.toutiao.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many deep checks of large images at once in a 160 MB heap (a child JVM): the decode budget keeps
 * them from exhausting the heap, so every check ends typed (valid or busy), none with {@code
 * OutOfMemoryError} and none blamed on the client.
 */
class DeepCheckMemoryTest {

  /** Low-contrast noise: slow to decode, so concurrent checks overlap, and not too large. */
  private static Path write(Path dir, String format, int side, int mask) throws IOException {
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    Random random = new Random(1);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextInt() & mask;
    }
    Path file = dir.resolve("large." + format);
    ImageIO.write(image, format, file.toFile());
    return file;
  }

  @Test
  void concurrentDeepChecksOfLargeImagesNeverRunOutOfMemory(@TempDir Path dir) throws Exception {
    Path jpeg = write(dir, "jpg", 6000, 0x3F3F3F);
    Path png = write(dir, "png", 4000, 0x070707);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx160m");
    command.add("-Djava.awt.headless=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DeepCheckMemoryMain.class.getName());
    command.add("6");
    command.add("2");
    command.add(jpeg.toString());
    command.add(png.toString());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    try (var in = child.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(child.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    Matcher counts =
        Pattern.compile("ok=(\\d+) busy=(\\d+) invalid=(\\d+) other=(\\d+)").matcher(output);
    assertThat(counts.find()).as(output).isTrue();
    // without the budget, most of these checks run out of memory (3 of 12 passed in a trial with
    // an unlimited budget, the rest ended busy); with it nearly all run in turn
    assertThat(Integer.parseInt(counts.group(1))).as(output).isGreaterThanOrEqualTo(9);
    assertThat(Integer.parseInt(counts.group(1)) + Integer.parseInt(counts.group(2)))
        .as(output)
        .isEqualTo(12);
    assertThat(output).doesNotContain("OutOfMemoryError").doesNotContain("invalid:");
  }
}
