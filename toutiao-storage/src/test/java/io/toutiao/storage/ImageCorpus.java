package io.toutiao.storage;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** Images made by the tests: real files of every format, and broken or hostile ones. */
final class ImageCorpus {

  private ImageCorpus() {}

  static byte[] image(String format, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLUE);
    g.fillOval(0, 0, Math.max(1, width / 2), Math.max(1, height / 2));
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A WebP of the extended (VP8X) kind around one lossless frame of the same size. */
  static byte[] webpExtended(int width, int height) {
    return HostileImages.webp(
        HostileImages.vp8x(width, height, false), HostileImages.vp8l(width, height));
  }

  /** A lossless WebP header (VP8L). */
  static byte[] webpLossless(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII))
        .putInt(40 - 8)
        .put("WEBP".getBytes(StandardCharsets.US_ASCII));
    b.put("VP8L".getBytes(StandardCharsets.US_ASCII)).putInt(20).put((byte) 0x2F);
    b.putInt((width - 1) | (height - 1) << 14);
    return b.array();
  }

  /** A 69-byte PNG that declares 20000x20000 pixels (1.6 GB decoded). */
  static byte[] pngBomb() {
    byte[] png = image("png", 1, 1);
    ByteBuffer.wrap(png).putInt(16, 20_000).putInt(20, 20_000);
    return png;
  }

  static byte[] gifBomb() {
    byte[] gif = image("gif", 1, 1);
    gif[6] = (byte) 0xFF;
    gif[7] = (byte) 0xFF;
    gif[8] = (byte) 0xFF;
    gif[9] = (byte) 0xFF;
    return gif;
  }

  static byte[] truncated(byte[] file, int keep) {
    return Arrays.copyOf(file, keep);
  }

  /** A small valid GIF header followed by a script, ending like a GIF. */
  static byte[] gifPolyglot() {
    byte[] gif = image("gif", 10, 10);
    byte[] script = "<script>alert(document.cookie)</script>".getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(gif, gif.length + script.length + 1);
    System.arraycopy(script, 0, out, gif.length - 1, script.length);
    out[out.length - 1] = 0x3B;
    return out;
  }

  static byte[] bmpHeaderThenZeros() {
    byte[] bmp = new byte[1024];
    bmp[0] = 'B';
    bmp[1] = 'M';
    ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN).putInt(2, 1024);
    return bmp;
  }

  static byte[] text(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A JPEG with an EXIF APP1 segment: orientation 6 (rotate 90) and a GPS IFD pointer. */
  static byte[] jpegWithExif(int width, int height) {
    byte[] jpeg = image("jpg", width, height);
    ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 2 * 12 + 4).order(ByteOrder.LITTLE_ENDIAN);
    tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    tiff.putShort((short) 2);
    tiff.putShort((short) 0x0112)
        .putShort((short) 3)
        .putInt(1)
        .putShort((short) 6)
        .putShort((short) 0);
    tiff.putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(0);
    tiff.putInt(0);
    byte[] exif = ("Exif\0\0").getBytes(StandardCharsets.ISO_8859_1);
    int segmentLength = 2 + exif.length + tiff.capacity();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xFF);
    out.write(0xD8);
    out.write(0xFF);
    out.write(0xE1);
    out.write(segmentLength >> 8);
    out.write(segmentLength & 0xFF);
    out.writeBytes(exif);
    out.writeBytes(tiff.array());
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }
}
