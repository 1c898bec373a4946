package io.toutiao.storage.internal;

import io.toutiao.storage.ImageFormat;
import io.toutiao.storage.InvalidImageException;
import io.toutiao.storage.InvalidImageException.Reason;
import java.nio.charset.StandardCharsets;

/**
 * Reads format, width and height from the first bytes of an image without decoding pixels, so an
 * image bomb is refused with no large allocation. Not part of the public API.
 */
public final class ImageHeaders {

  /**
   * Format and size read from a header.
   *
   * @param format the format
   * @param width width in pixels
   * @param height height in pixels
   */
  public record Header(ImageFormat format, long width, long height) {}

  private ImageHeaders() {}

  /**
   * Parses the header.
   *
   * @param b the whole file
   * @param length how many bytes of {@code b} are the file
   * @return format and dimensions
   * @throws InvalidImageException UNKNOWN_FORMAT, TRUNCATED or CORRUPT
   */
  public static Header read(byte[] b, int length) {
    if (startsWith(b, length, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return png(b, length);
    }
    if (startsWith(b, length, 'G', 'I', 'F', '8')
        && length >= 6
        && (b[4] == '7' || b[4] == '9')
        && b[5] == 'a') {
      need(length, 10, "GIF");
      return new Header(ImageFormat.GIF, u16le(b, 6), u16le(b, 8));
    }
    if (startsWith(b, length, 0xFF, 0xD8, 0xFF)) {
      return jpeg(b, length);
    }
    if (startsWith(b, length, 'R', 'I', 'F', 'F')
        && length >= 12
        && ascii(b, 8, 4).equals("WEBP")) {
      return webp(b, length);
    }
    if (startsWith(b, length, 'B', 'M') && length >= 26) {
      return bmp(b, length);
    }
    if (length >= 12 && ascii(b, 4, 4).equals("ftyp")) {
      String brand = ascii(b, 8, 4);
      ImageFormat format =
          switch (brand) {
            case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1" -> ImageFormat.HEIC;
            case "avif", "avis" -> ImageFormat.AVIF;
            default -> null;
          };
      if (format != null) {
        return isobmff(format, b, length);
      }
    }
    throw new InvalidImageException(Reason.UNKNOWN_FORMAT, "not an image: " + describe(b, length));
  }

  private static Header png(byte[] b, int length) {
    need(length, 24, "PNG");
    if (!ascii(b, 12, 4).equals("IHDR")) {
      throw new InvalidImageException(Reason.CORRUPT, "PNG does not start with an IHDR chunk");
    }
    return new Header(ImageFormat.PNG, u32be(b, 16), u32be(b, 20));
  }

  private static Header jpeg(byte[] b, int length) {
    int i = 2;
    while (i + 4 <= length) {
      if ((b[i] & 0xFF) != 0xFF) {
        throw new InvalidImageException(Reason.CORRUPT, "JPEG marker expected at byte " + i);
      }
      int marker = b[i + 1] & 0xFF;
      if (marker == 0xFF) {
        i++;
        continue;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2;
        continue;
      }
      int segment = u16be(b, i + 2);
      if (segment < 2) {
        throw new InvalidImageException(
            Reason.CORRUPT, "JPEG segment with length " + segment + " at byte " + i);
      }
      boolean frame =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (frame) {
        need(length, i + 9, "JPEG frame header");
        return new Header(ImageFormat.JPEG, u16be(b, i + 7), u16be(b, i + 5));
      }
      if (marker == 0xDA || marker == 0xD9) {
        throw new InvalidImageException(
            Reason.CORRUPT, "JPEG has no frame header (SOF) before its image data");
      }
      i += 2 + segment;
    }
    throw new InvalidImageException(Reason.TRUNCATED, "JPEG ends before its frame header (SOF)");
  }

  private static Header webp(byte[] b, int length) {
    need(length, 30, "WebP");
    String chunk = ascii(b, 12, 4);
    switch (chunk) {
      case "VP8X" -> {
        return new Header(ImageFormat.WEBP, u24le(b, 24) + 1L, u24le(b, 27) + 1L);
      }
      case "VP8L" -> {
        if ((b[20] & 0xFF) != 0x2F) {
          throw new InvalidImageException(
              Reason.CORRUPT, "WebP lossless stream without its signature byte");
        }
        long bits = u32le(b, 21);
        return new Header(ImageFormat.WEBP, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
      }
      case "VP8 " -> {
        if ((b[23] & 0xFF) != 0x9D || (b[24] & 0xFF) != 0x01 || (b[25] & 0xFF) != 0x2A) {
          throw new InvalidImageException(
              Reason.CORRUPT, "WebP lossy frame without its start code");
        }
        return new Header(ImageFormat.WEBP, u16le(b, 26) & 0x3FFF, u16le(b, 28) & 0x3FFF);
      }
      default ->
          throw new InvalidImageException(Reason.CORRUPT, "WebP with an unknown first chunk");
    }
  }

  private static Header bmp(byte[] b, int length) {
    long declared = u32le(b, 2);
    if (declared > length) {
      throw new InvalidImageException(
          Reason.TRUNCATED, "BMP declares " + declared + " bytes but has " + length);
    }
    long dib = u32le(b, 14);
    if (dib < 12 || dib > 124) {
      throw new InvalidImageException(Reason.CORRUPT, "BMP with an unknown header size " + dib);
    }
    if (dib == 12) {
      return new Header(ImageFormat.BMP, u16le(b, 18), u16le(b, 20));
    }
    int width = (int) u32le(b, 18);
    int height = (int) u32le(b, 22);
    return new Header(ImageFormat.BMP, width, Math.abs((long) height));
  }

  private static Header isobmff(ImageFormat format, byte[] b, int length) {
    for (int i = 12; i + 20 <= length; i++) {
      if (b[i] == 'i' && b[i + 1] == 's' && b[i + 2] == 'p' && b[i + 3] == 'e') {
        return new Header(format, u32be(b, i + 8), u32be(b, i + 12));
      }
    }
    throw new InvalidImageException(
        Reason.CORRUPT, format + " without an image size (ispe) property");
  }

  private static void need(int length, int bytes, String what) {
    if (length < bytes) {
      throw new InvalidImageException(
          Reason.TRUNCATED, what + " header is cut short (" + length + " bytes)");
    }
  }

  private static boolean startsWith(byte[] b, int length, int... prefix) {
    if (length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static String describe(byte[] b, int length) {
    String head =
        new String(b, 0, Math.min(length, 256), StandardCharsets.ISO_8859_1)
            .toLowerCase(java.util.Locale.ROOT)
            .strip();
    if (head.contains("<svg") || head.startsWith("<?xml")) {
      return "SVG/XML text";
    }
    if (head.contains("<html") || head.contains("<!doctype") || head.contains("<script")) {
      return "HTML text";
    }
    if (head.startsWith("%pdf")) {
      return "a PDF document";
    }
    return "unrecognised content starting with bytes " + hex(b, Math.min(length, 8));
  }

  private static String hex(byte[] b, int n) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < n; i++) {
      text.append(String.format("%02x", b[i] & 0xFF));
    }
    return text.toString();
  }

  static String ascii(byte[] b, int offset, int n) {
    return new String(b, offset, n, StandardCharsets.ISO_8859_1);
  }

  static int u16le(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
  }

  static int u16be(byte[] b, int i) {
    return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
  }

  static int u24le(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16;
  }

  static long u32le(byte[] b, int i) {
    return (b[i] & 0xFFL)
        | (b[i + 1] & 0xFFL) << 8
        | (b[i + 2] & 0xFFL) << 16
        | (b[i + 3] & 0xFFL) << 24;
  }

  static long u32be(byte[] b, int i) {
    return (b[i] & 0xFFL) << 24
        | (b[i + 1] & 0xFFL) << 16
        | (b[i + 2] & 0xFFL) << 8
        | (b[i + 3] & 0xFFL);
  }
}
