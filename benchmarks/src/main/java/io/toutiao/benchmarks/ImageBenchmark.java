package io.toutiao.benchmarks;

import io.toutiao.storage.ImageInfo;
import io.toutiao.storage.ImageValidator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.tika.Tika;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Header validation of a large image in memory (a ~5 MB JPEG and a ~4 MB PNG of noise): ours
 * ({@link ImageValidator}: format by content, dimensions from the header, limits; without the
 * content hash, which Tika does not compute either) beside Apache Tika {@code detect} plus the
 * ImageIO reader's width and height, and beside ImageIO alone (its own format detection, {@code
 * ImageIO.getImageReaders} on an image input stream, then width and height). {@code validateHashed}
 * adds our SHA-256 and {@code deepCheck} the full deep check (structure, active content, decode),
 * for context: divide by the megapixels (jpeg 5.2, png 1.08) for its cost per megapixel.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class ImageBenchmark {

  /** Which image. */
  @Param({"jpeg", "png"})
  public String format;

  private byte[] image;
  private final ImageValidator validator = ImageValidator.builder().hashContent(false).build();
  private final ImageValidator hashing = ImageValidator.ofDefaults();
  private final ImageValidator deep =
      ImageValidator.builder().hashContent(false).deepCheck(true).build();
  private final Tika tika = new Tika();

  /**
   * Makes the image.
   *
   * @throws IOException never
   */
  @Setup
  public void setUp() throws IOException {
    int width = format.equals("jpeg") ? 2600 : 1200;
    int height = format.equals("jpeg") ? 2000 : 900;
    BufferedImage noise = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(1);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        noise.setRGB(x, y, random.nextInt());
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (format.equals("jpeg")) {
      ImageWriter writer = ImageIO.getImageWritersByFormatName("jpg").next();
      try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
        writer.setOutput(stream);
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.85f);
        writer.write(null, new IIOImage(noise, null, null), param);
      }
      writer.dispose();
    } else {
      ImageIO.write(noise, "png", out);
    }
    image = out.toByteArray();
  }

  /**
   * @return the image info
   */
  @Benchmark
  public ImageInfo toutiao_validate() {
    return validator.validate(image);
  }

  /**
   * @return the image info, with the content hash
   */
  @Benchmark
  public ImageInfo toutiao_validateHashed() {
    return hashing.validate(image);
  }

  /**
   * @return width times height
   * @throws IOException on a reader failure
   */
  @Benchmark
  public long tika_validate() throws IOException {
    String mime = tika.detect(image);
    Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(mime);
    if (!readers.hasNext()) {
      throw new IllegalStateException("not an image: " + mime);
    }
    ImageReader reader = readers.next();
    try (MemoryCacheImageInputStream in =
        new MemoryCacheImageInputStream(new ByteArrayInputStream(image))) {
      reader.setInput(in, true, true);
      return (long) reader.getWidth(0) * reader.getHeight(0);
    } finally {
      reader.dispose();
    }
  }

  /**
   * @return width times height, as ImageIO alone finds them
   * @throws IOException on a reader failure
   */
  @Benchmark
  public long imageio_validate() throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new IllegalStateException("not an image");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return (long) reader.getWidth(0) * reader.getHeight(0);
      } finally {
        reader.dispose();
      }
    }
  }

  /**
   * @return the image info after the deep check
   */
  @Benchmark
  public ImageInfo toutiao_deepCheck() {
    return deep.validate(image);
  }
}
