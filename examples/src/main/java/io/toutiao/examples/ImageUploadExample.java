package io.toutiao.examples;

import io.toutiao.storage.ImageUploadService;
import io.toutiao.storage.ImageValidator;
import io.toutiao.storage.InvalidImageException;
import io.toutiao.storage.local.LocalObjectStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Image upload: validation by content (a PNG bomb and an SVG are refused), stored in a local
 * folder. Runnable from an IDE.
 */
public final class ImageUploadExample {

  private ImageUploadExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   * @throws Exception when a service fails
   */
  public static void main(String[] args) throws Exception {
    run();
  }

  static void run() throws IOException {
    Console.step("Images (toutiao-storage): validated by content, stored in a local folder");
    Path folder = Files.createTempDirectory("toutiao-demo-files");
    ImageUploadService uploads =
        new ImageUploadService(
            ImageValidator.builder().deepCheck(true).build(),
            new LocalObjectStorage(folder, "http://localhost:8080/files"));
    java.awt.image.BufferedImage picture =
        new java.awt.image.BufferedImage(320, 240, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(picture, "png", png);
    ImageUploadService.UploadedImage photo = uploads.upload(png.toByteArray());
    Console.say(
        "photo -> "
            + photo.info().format()
            + " "
            + photo.info().width()
            + "x"
            + photo.info().height()
            + ", "
            + photo.url());
    byte[] bomb = png.toByteArray().clone();
    java.nio.ByteBuffer.wrap(bomb).putInt(16, 20_000).putInt(20, 20_000);
    try {
      uploads.upload(bomb);
    } catch (InvalidImageException e) {
      Console.say("a PNG declaring 20000x20000 -> refused, " + e.reason() + ": " + e.getMessage());
    }
    try {
      uploads.upload("<svg onload=alert(1)>".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (InvalidImageException e) {
      Console.say("an SVG named avatar.png -> refused, " + e.reason());
    }
    try (var files = Files.walk(folder)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
