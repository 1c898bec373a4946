package io.toutiao.storage.internal;

/** Reads the EXIF orientation tag (0x0112) of a JPEG's APP1 segment. Not part of the public API. */
final class ExifOrientation {

  private ExifOrientation() {}

  /**
   * Returns the orientation.
   *
   * @param b a JPEG file
   * @return 1 to 8, or 1 when absent or unreadable
   */
  static int read(byte[] b) {
    int i = 2;
    while (i + 4 <= b.length && (b[i] & 0xFF) == 0xFF) {
      int marker = b[i + 1] & 0xFF;
      int length = ImageScan.u16be(b, i + 2);
      if (marker == 0xDA || length < 2) {
        return 1;
      }
      if (marker == 0xE1 && i + 10 < b.length && ImageScan.ascii(b, i + 4, 4).equals("Exif")) {
        return fromTiff(b, i + 10, Math.min(b.length, i + 2 + length));
      }
      i += 2 + length;
    }
    return 1;
  }

  private static int fromTiff(byte[] b, int tiff, int end) {
    if (tiff + 8 > end) {
      return 1;
    }
    boolean little = b[tiff] == 'I';
    long ifd = tiff + u32(b, tiff + 4, little);
    if (ifd + 2 > end) {
      return 1;
    }
    int entries = u16(b, (int) ifd, little);
    for (int n = 0; n < entries; n++) {
      int entry = (int) ifd + 2 + n * 12;
      if (entry + 12 > end) {
        return 1;
      }
      if (u16(b, entry, little) == 0x0112) {
        int value = u16(b, entry + 8, little);
        return value >= 1 && value <= 8 ? value : 1;
      }
    }
    return 1;
  }

  private static int u16(byte[] b, int i, boolean little) {
    return little ? ImageScan.u16le(b, i) : ImageScan.u16be(b, i);
  }

  private static long u32(byte[] b, int i, boolean little) {
    return little ? ImageScan.u32le(b, i) : ImageScan.u32be(b, i);
  }
}
