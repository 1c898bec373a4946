package io.toutiao.storage.internal;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes 32-bit BMPs with an alpha channel (BITMAPV4HEADER, BI_BITFIELDS), which the JDK's BMP
 * writer cannot. Not part of the public API.
 */
final class BmpWriter {

  private static final int FILE_HEADER = 14;
  private static final int V4_HEADER = 108;
  private static final int BI_BITFIELDS = 3;
  private static final int PIXELS_PER_METRE = 2835; // 72 dpi
  private static final int LCS_SRGB = 0x73524742;

  private BmpWriter() {}

  /**
   * Encodes an image as a bottom-up 32-bit BGRA bitmap.
   *
   * @param image any image; its alpha is kept
   * @return the file
   */
  static byte[] writeArgb(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    long pixelBytes = 4L * width * height;
    int offset = FILE_HEADER + V4_HEADER;
    if (offset + pixelBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a " + width + "x" + height + " BMP is too large");
    }
    ByteBuffer out =
        ByteBuffer.allocate((int) (offset + pixelBytes)).order(ByteOrder.LITTLE_ENDIAN);
    out.put((byte) 'B').put((byte) 'M').putInt(out.capacity()).putInt(0).putInt(offset);
    out.putInt(V4_HEADER)
        .putInt(width)
        .putInt(height)
        .putShort((short) 1)
        .putShort((short) 32)
        .putInt(BI_BITFIELDS)
        .putInt((int) pixelBytes)
        .putInt(PIXELS_PER_METRE)
        .putInt(PIXELS_PER_METRE)
        .putInt(0)
        .putInt(0);
    out.putInt(0x00FF0000).putInt(0x0000FF00).putInt(0x000000FF).putInt(0xFF000000);
    out.putInt(LCS_SRGB);
    out.position(offset);
    int[] row = new int[width];
    for (int y = height - 1; y >= 0; y--) {
      image.getRGB(0, y, width, 1, row, 0, width);
      for (int argb : row) {
        out.putInt(argb);
      }
    }
    return out.array();
  }
}
