package io.toutiao.storage.internal;

import io.toutiao.storage.ImageFormat;
import io.toutiao.storage.InvalidImageException;
import io.toutiao.storage.InvalidImageException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * Walks the structure of an image without decoding a pixel: format by content, the canvas, every
 * frame (each inside the canvas and the limits, and all of them together within the total pixel
 * limit), and, for the deep check, where the format's data ends, which byte ranges hold metadata
 * (the only places active content is looked for) and the PNG chunk CRCs. Not part of the public
 * API.
 */
public final class ImageScan {

  /**
   * The limits a scan enforces.
   *
   * @param maxWidth widest frame or canvas
   * @param maxHeight tallest frame or canvas
   * @param maxPixels largest frame or canvas, width x height
   * @param maxTotalPixels all frames together
   */
  public record Limits(long maxWidth, long maxHeight, long maxPixels, long maxTotalPixels) {}

  private final ImageFormat format;
  private final byte[] b;
  private final int length;
  private final Limits limits;
  private final boolean deep;
  private int base;

  private long width;
  private long height;
  private int frames;
  private long totalPixels;
  private int bytesPerPixel = 4;
  private int dataEnd = -1;
  private String broken;
  private int[] regions = new int[16];
  private int regionCount;

  private ImageScan(ImageFormat format, byte[] b, int length, Limits limits, boolean deep) {
    this.format = format;
    this.b = b;
    this.length = length;
    this.limits = limits;
    this.deep = deep;
  }

  /**
   * Recognises the format from the first bytes.
   *
   * @param b the file
   * @param length how many bytes of {@code b} are the file
   * @return the format
   * @throws InvalidImageException UNKNOWN_FORMAT
   */
  public static ImageFormat detect(byte[] b, int length) {
    if (startsWith(b, length, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return ImageFormat.PNG;
    }
    if (length >= 6
        && startsWith(b, length, 0, 'G', 'I', 'F', '8')
        && (b[4] == '7' || b[4] == '9')
        && b[5] == 'a') {
      return ImageFormat.GIF;
    }
    if (startsWith(b, length, 0, 0xFF, 0xD8, 0xFF)) {
      return ImageFormat.JPEG;
    }
    if (length >= 12
        && startsWith(b, length, 0, 'R', 'I', 'F', 'F')
        && startsWith(b, length, 8, 'W', 'E', 'B', 'P')) {
      return ImageFormat.WEBP;
    }
    if (length >= 26 && startsWith(b, length, 0, 'B', 'M')) {
      return ImageFormat.BMP;
    }
    if (length >= 16 && startsWith(b, length, 4, 'f', 't', 'y', 'p')) {
      ImageFormat heif = heifFormat(b, length);
      if (heif != null) {
        return heif;
      }
    }
    throw new InvalidImageException(Reason.UNKNOWN_FORMAT, "not an image: " + describe(b, length));
  }

  /**
   * Walks an image of a known format.
   *
   * @param format what {@link #detect} said
   * @param b the file
   * @param length its length
   * @param limits what every frame and all frames must stay within
   * @param deep also find where the data ends, the metadata ranges, and check PNG CRCs
   * @return the scan
   * @throws InvalidImageException TRUNCATED, CORRUPT or DIMENSIONS_TOO_LARGE naming the frame
   */
  public static ImageScan scan(
      ImageFormat format, byte[] b, int length, Limits limits, boolean deep) {
    ImageScan scan = new ImageScan(format, b, length, limits, deep);
    switch (format) {
      case PNG -> scan.png();
      case GIF -> scan.gif();
      case JPEG -> scan.jpeg();
      case WEBP -> scan.webp();
      case BMP -> scan.bmp();
      default -> scan.heif();
    }
    return scan;
  }

  /**
   * Deeply walks a JPEG that starts inside a file (one appended after the image, such as a gain
   * map).
   *
   * @param format {@link ImageFormat#JPEG}
   * @param b the file
   * @param from where the JPEG starts
   * @param length the file's length
   * @param limits the limits
   * @return the scan, with offsets into {@code b}
   */
  public static ImageScan scanAt(
      ImageFormat format, byte[] b, int from, int length, Limits limits) {
    if (format != ImageFormat.JPEG) {
      throw new IllegalArgumentException("only JPEG can be walked at an offset, got " + format);
    }
    ImageScan scan = new ImageScan(format, b, length, limits, true);
    scan.base = from;
    scan.jpeg();
    return scan;
  }

  /**
   * Returns the format.
   *
   * @return the format
   */
  public ImageFormat format() {
    return format;
  }

  /**
   * Returns the canvas width.
   *
   * @return pixels
   */
  public long width() {
    return width;
  }

  /**
   * Returns the canvas height.
   *
   * @return pixels
   */
  public long height() {
    return height;
  }

  /**
   * Returns the decoded bytes per pixel to budget for.
   *
   * @return 4 or 8
   */
  public int bytesPerPixel() {
    return bytesPerPixel;
  }

  /**
   * Returns where the format's data ends (deep scans only).
   *
   * @return the offset after the last byte of the image, or -1 when not known
   */
  public int dataEnd() {
    return dataEnd;
  }

  /**
   * Returns what broke the structure at {@link #dataEnd()}, when something did (deep scans only).
   *
   * @return a description, or null when the structure ended cleanly
   */
  public String broken() {
    return broken;
  }

  /**
   * Returns the metadata ranges (deep scans only): pairs of start (inclusive) and end (exclusive).
   *
   * @return a copy, {@code 2 * n} offsets
   */
  public int[] regions() {
    return Arrays.copyOf(regions, regionCount);
  }

  // ---------------------------------------------------------------- canvas and frames

  private void canvas(long w, long h) {
    width = w;
    height = h;
    if (w < 1 || h < 1) {
      throw new InvalidImageException(
          Reason.CORRUPT, format + " declares " + w + "x" + h + " pixels");
    }
    if (w > limits.maxWidth() || h > limits.maxHeight() || w * h > limits.maxPixels()) {
      throw new InvalidImageException(
          Reason.DIMENSIONS_TOO_LARGE,
          format + " of " + w + "x" + h + " pixels exceeds the limit of " + limitText());
    }
  }

  private String limitText() {
    return limits.maxWidth() + "x" + limits.maxHeight() + " and " + limits.maxPixels() + " pixels";
  }

  /** One frame: within the limits, inside the canvas, and within the total. */
  private void frame(long x, long y, long w, long h, boolean insideCanvas) {
    int index = ++frames;
    String name = format + " frame " + index;
    if (w > limits.maxWidth() || h > limits.maxHeight() || w * h > limits.maxPixels()) {
      throw new InvalidImageException(
          Reason.DIMENSIONS_TOO_LARGE,
          name + " of " + w + "x" + h + " pixels exceeds the limit of " + limitText());
    }
    if (insideCanvas && (x + w > width || y + h > height)) {
      throw new InvalidImageException(
          Reason.CORRUPT,
          name
              + " of "
              + w
              + "x"
              + h
              + " pixels at ("
              + x
              + ","
              + y
              + ") lies outside the "
              + width
              + "x"
              + height
              + " canvas");
    }
    totalPixels += w * h;
    if (totalPixels > limits.maxTotalPixels()) {
      throw new InvalidImageException(
          Reason.DIMENSIONS_TOO_LARGE,
          format
              + " frames 1 to "
              + index
              + " already have "
              + totalPixels
              + " pixels, more than the limit of "
              + limits.maxTotalPixels()
              + " for all frames together");
    }
  }

  private void region(int start, int end) {
    if (!deep || end <= start) {
      return;
    }
    if (regionCount + 2 > regions.length) {
      regions = Arrays.copyOf(regions, regions.length * 2);
    }
    regions[regionCount++] = start;
    regions[regionCount++] = end;
  }

  /** The file ends inside the structure: refused in deep scans, the walk stops in header scans. */
  private boolean cutShort(String what) {
    if (deep) {
      throw new InvalidImageException(Reason.TRUNCATED, format + " ends " + what);
    }
    return true;
  }

  /** The structure breaks at {@code at}: what follows is left to the trailing-data check. */
  private void breakAt(int at, String what) {
    dataEnd = at;
    broken = what;
  }

  // ---------------------------------------------------------------- PNG

  private void png() {
    need(24, "PNG");
    if (!startsWith(b, length, 12, 'I', 'H', 'D', 'R')) {
      throw new InvalidImageException(Reason.CORRUPT, "PNG does not start with an IHDR chunk");
    }
    canvas(u32be(b, 16), u32be(b, 20));
    if (length >= 26 && (b[24] & 0xFF) == 16) {
      bytesPerPixel = 8;
    }
    boolean frameBeforeImage = false;
    boolean sawImage = false;
    boolean animated = false;
    int i = 8;
    while (true) {
      if (i + 12 > length) {
        if (cutShort("before its IEND chunk")) {
          break;
        }
      }
      long size = u32be(b, i);
      int data = i + 8;
      if (size > Integer.MAX_VALUE - 12) {
        throw new InvalidImageException(
            Reason.CORRUPT, "PNG chunk at byte " + i + " declares " + size + " bytes");
      }
      long end = data + size + 4;
      String type = ascii(b, i + 4, 4);
      if (!isChunkType(i + 4)) {
        if (deep) {
          breakAt(i, "PNG has no valid chunk at byte " + i);
        }
        break;
      }
      if (end > length) {
        if (cutShort("inside its " + type + " chunk at byte " + i)) {
          break;
        }
      }
      int dataLength = (int) size;
      if (deep) {
        CRC32 crc = new CRC32();
        crc.update(b, i + 4, 4 + dataLength);
        if (crc.getValue() != u32be(b, data + dataLength)) {
          throw new InvalidImageException(
              Reason.CORRUPT, "PNG chunk " + type + " at byte " + i + " has a wrong CRC");
        }
      }
      switch (type) {
        case "IHDR" -> {
          if (i != 8) {
            throw new InvalidImageException(
                Reason.CORRUPT, "PNG has a second IHDR chunk at byte " + i);
          }
        }
        case "fcTL" -> {
          if (dataLength < 26) {
            throw new InvalidImageException(
                Reason.CORRUPT, "APNG frame control chunk at byte " + i + " is cut short");
          }
          if (!sawImage) {
            frameBeforeImage = true;
          }
          frame(
              u32be(b, data + 12),
              u32be(b, data + 16),
              u32be(b, data + 4),
              u32be(b, data + 8),
              true);
        }
        case "IDAT" -> {
          if (!sawImage && !frameBeforeImage) {
            frame(0, 0, width, height, true);
          }
          sawImage = true;
          if (!deep && !animated) {
            return; // no acTL before the first IDAT: not an APNG, no more frames can follow
          }
        }
        case "acTL" -> animated = true;
        case "fdAT" -> {
          // frame pixels
        }
        case "IEND" -> {
          dataEnd = (int) end;
          if (!sawImage) {
            throw new InvalidImageException(Reason.CORRUPT, "PNG has no image data (IDAT)");
          }
          return;
        }
        default -> region(data, data + dataLength);
      }
      i = (int) end;
    }
    if (frames == 0) {
      frame(0, 0, width, height, true);
    }
  }

  private boolean isChunkType(int at) {
    for (int k = at; k < at + 4; k++) {
      int c = b[k] & 0xFF;
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- GIF

  private void gif() {
    need(13, "GIF");
    canvas(u16le(b, 6), u16le(b, 8));
    int i = 13;
    int flags = b[10] & 0xFF;
    if ((flags & 0x80) != 0) {
      i += 3 * (1 << ((flags & 7) + 1));
    }
    while (true) {
      if (i >= length) {
        cutShort("before its trailer");
        break;
      }
      int block = b[i] & 0xFF;
      if (block == 0x3B) {
        dataEnd = i + 1;
        break;
      }
      if (block == 0x21) {
        if (i + 2 > length) {
          cutShort("inside an extension at byte " + i);
          break;
        }
        int start = i + 2;
        int end = skipSubBlocks(start);
        if (end < 0) {
          break;
        }
        region(start, end);
        i = end;
      } else if (block == 0x2C) {
        if (i + 10 > length) {
          cutShort("inside the descriptor of frame " + (frames + 1));
          break;
        }
        frame(u16le(b, i + 1), u16le(b, i + 3), u16le(b, i + 5), u16le(b, i + 7), true);
        int local = b[i + 9] & 0xFF;
        i += 10;
        if ((local & 0x80) != 0) {
          i += 3 * (1 << ((local & 7) + 1));
        }
        i++; // LZW minimum code size
        int end = skipSubBlocks(i);
        if (end < 0) {
          break;
        }
        i = end;
      } else {
        if (deep) {
          breakAt(i, "GIF has an unknown block 0x" + Integer.toHexString(block) + " at byte " + i);
        }
        break;
      }
    }
    if (frames == 0) {
      throw new InvalidImageException(Reason.CORRUPT, "GIF has no image");
    }
  }

  /** Returns the offset after the terminating empty sub-block, or -1 when cut short. */
  private int skipSubBlocks(int at) {
    int i = at;
    while (true) {
      if (i >= length) {
        cutShort("inside the data blocks at byte " + at);
        return -1;
      }
      int n = b[i] & 0xFF;
      i++;
      if (n == 0) {
        return i;
      }
      i += n;
    }
  }

  // ---------------------------------------------------------------- JPEG

  private void jpeg() {
    int i = base + 2;
    boolean sawFrame = false;
    while (true) {
      if (i + 2 > length) {
        cutShort(sawFrame ? "before its end-of-image marker" : "before its frame header (SOF)");
        if (!sawFrame) {
          throw new InvalidImageException(
              Reason.TRUNCATED, "JPEG ends before its frame header (SOF)");
        }
        return;
      }
      if ((b[i] & 0xFF) != 0xFF) {
        if (!sawFrame || !deep) {
          throw new InvalidImageException(Reason.CORRUPT, "JPEG marker expected at byte " + i);
        }
        breakAt(i, "JPEG marker expected at byte " + i);
        return;
      }
      int marker = b[i + 1] & 0xFF;
      if (marker == 0xFF) {
        i++;
        continue;
      }
      if (marker == 0xD9) {
        if (!sawFrame) {
          throw new InvalidImageException(
              Reason.CORRUPT, "JPEG has no frame header (SOF) before its end");
        }
        dataEnd = i + 2;
        return;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2;
        continue;
      }
      if (i + 4 > length) {
        cutShort("inside the segment at byte " + i);
        if (!sawFrame) {
          throw new InvalidImageException(
              Reason.TRUNCATED, "JPEG ends before its frame header (SOF)");
        }
        return;
      }
      int segment = u16be(b, i + 2);
      if (segment < 2) {
        throw new InvalidImageException(
            Reason.CORRUPT, "JPEG segment with length " + segment + " at byte " + i);
      }
      int end = i + 2 + segment;
      boolean isFrame =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (isFrame) {
        if (sawFrame) {
          throw new InvalidImageException(
              Reason.CORRUPT, "JPEG has a second frame header at byte " + i);
        }
        need(i + 10, "JPEG frame header");
        canvas(u16be(b, i + 7), u16be(b, i + 5));
        frame(0, 0, width, height, true);
        sawFrame = true;
        if (!deep) {
          return;
        }
      } else if (marker == 0xDA || marker == 0xD9) {
        if (!sawFrame) {
          throw new InvalidImageException(
              Reason.CORRUPT, "JPEG has no frame header (SOF) before its image data");
        }
      } else if (marker == 0xD8) {
        throw new InvalidImageException(
            Reason.CORRUPT, "JPEG has a second start-of-image marker at byte " + i);
      }
      if (end > length) {
        cutShort("inside the segment at byte " + i);
        if (!sawFrame) {
          throw new InvalidImageException(
              Reason.TRUNCATED, "JPEG ends before its frame header (SOF)");
        }
        return;
      }
      if ((marker >= 0xE0 && marker <= 0xEF) || marker == 0xFE) {
        region(i + 4, end);
      }
      i = end;
      if (marker == 0xDA) {
        i = skipEntropyCoded(i);
      }
    }
  }

  /** Skips entropy-coded data: up to the next marker that is not stuffing or a restart. */
  private int skipEntropyCoded(int at) {
    int i = at;
    int last = length - 1;
    while (i < last) {
      if (b[i] == (byte) 0xFF) {
        int next = b[i + 1] & 0xFF;
        if (next != 0 && next != 0xFF && (next < 0xD0 || next > 0xD7)) {
          return i;
        }
        if (next == 0xFF) {
          i++;
          continue;
        }
        i += 2;
      } else {
        i++;
      }
    }
    return length; // reported as cut short by the caller's loop
  }

  // ---------------------------------------------------------------- WebP

  private void webp() {
    need(30, "WebP");
    long riffEnd = u32le(b, 4) + 8;
    long end = riffEnd + (riffEnd & 1);
    if (riffEnd > length) {
      cutShort("after " + length + " of the " + riffEnd + " bytes it declares");
    }
    int limit = (int) Math.min(end, length);
    String first = ascii(b, 12, 4);
    boolean extended = first.equals("VP8X");
    if (extended) {
      canvas(u24le(b, 24) + 1L, u24le(b, 27) + 1L);
    } else {
      long[] size = bitstreamSize(first, 20, 12);
      canvas(size[0], size[1]);
    }
    int i = 12;
    while (i + 8 <= limit) {
      String type = ascii(b, i, 4);
      long size = u32le(b, i + 4);
      int data = i + 8;
      long next = data + size + (size & 1);
      if (next > limit) {
        if (cutShort("inside its " + type + " chunk at byte " + i)) {
          break;
        }
      }
      int chunkEnd = (int) Math.min(data + size, limit);
      switch (type) {
        case "VP8X" -> {
          if (i != 12) {
            throw new InvalidImageException(
                Reason.CORRUPT, "WebP has a second VP8X chunk at byte " + i);
          }
        }
        case "VP8 ", "VP8L" -> {
          if (data + 10 > limit) {
            cutShort("inside its " + type + " chunk at byte " + i);
            break;
          }
          long[] frameSize = bitstreamSize(type, data, i);
          frame(0, 0, frameSize[0], frameSize[1], true);
        }
        case "ANMF" -> anmf(i, data, chunkEnd);
        case "ALPH" -> {
          // alpha pixels
        }
        default -> region(data, chunkEnd);
      }
      i = (int) next;
    }
    if (frames == 0) {
      throw new InvalidImageException(Reason.CORRUPT, "WebP has no image data");
    }
    if (deep) {
      dataEnd = limit;
    }
  }

  private void anmf(int at, int data, int end) {
    if (data + 16 > end) {
      cutShort("inside the animation frame at byte " + at);
      return;
    }
    long x = 2L * u24le(b, data);
    long y = 2L * u24le(b, data + 3);
    long w = u24le(b, data + 6) + 1L;
    long h = u24le(b, data + 9) + 1L;
    frame(x, y, w, h, true);
    int frame = frames;
    int i = data + 16;
    while (i + 8 <= end) {
      String type = ascii(b, i, 4);
      long size = u32le(b, i + 4);
      if ((type.equals("VP8 ") || type.equals("VP8L")) && i + 18 <= end) {
        long[] inner = bitstreamSize(type, i + 8, i);
        if (inner[0] > w || inner[1] > h) {
          throw new InvalidImageException(
              Reason.CORRUPT,
              "WebP frame "
                  + frame
                  + " holds "
                  + inner[0]
                  + "x"
                  + inner[1]
                  + " pixels in a "
                  + w
                  + "x"
                  + h
                  + " frame");
        }
      }
      i = (int) Math.min(end, i + 8 + size + (size & 1));
    }
  }

  /** Width and height of a VP8 or VP8L bitstream starting at {@code data}. */
  private long[] bitstreamSize(String type, int data, int chunk) {
    if (data + 10 > length) {
      throw new InvalidImageException(
          Reason.TRUNCATED, "WebP " + type.trim() + " header is cut short at byte " + chunk);
    }
    switch (type) {
      case "VP8L" -> {
        if ((b[data] & 0xFF) != 0x2F) {
          throw new InvalidImageException(
              Reason.CORRUPT, "WebP lossless stream without its signature byte");
        }
        long bits = u32le(b, data + 1);
        return new long[] {(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
      }
      case "VP8 " -> {
        if ((b[data + 3] & 0xFF) != 0x9D
            || (b[data + 4] & 0xFF) != 0x01
            || (b[data + 5] & 0xFF) != 0x2A) {
          throw new InvalidImageException(
              Reason.CORRUPT, "WebP lossy frame without its start code");
        }
        return new long[] {u16le(b, data + 6) & 0x3FFF, u16le(b, data + 8) & 0x3FFF};
      }
      default ->
          throw new InvalidImageException(Reason.CORRUPT, "WebP with an unknown first chunk");
    }
  }

  // ---------------------------------------------------------------- BMP

  private void bmp() {
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
      canvas(u16le(b, 18), u16le(b, 20));
    } else {
      int w = (int) u32le(b, 18);
      int h = (int) u32le(b, 22);
      canvas(w, Math.abs((long) h));
    }
    frame(0, 0, width, height, true);
    if (deep) {
      long pixelEnd = declared;
      if (dib >= 40) {
        long offset = u32le(b, 10);
        long bits = u16le(b, 28);
        long compression = u32le(b, 30);
        long rowBytes = (width * bits + 31) / 32 * 4;
        long pixels = compression == 0 || compression == 3 ? rowBytes * height : u32le(b, 34);
        pixelEnd = Math.max(declared, offset + pixels);
      }
      if (pixelEnd > length) {
        throw new InvalidImageException(
            Reason.TRUNCATED, "BMP pixels need " + pixelEnd + " bytes but the file has " + length);
      }
      dataEnd = pixelEnd >= 26 ? (int) pixelEnd : length;
    }
  }

  // ---------------------------------------------------------------- HEIC and AVIF

  private static ImageFormat heifFormat(byte[] b, int length) {
    String major = ascii(b, 8, 4);
    long ftypSize = Math.min(u32be(b, 0), length);
    boolean avif = major.equals("avif") || major.equals("avis");
    boolean heic = isHeicBrand(major);
    for (int i = 16; i + 4 <= ftypSize; i += 4) {
      String brand = ascii(b, i, 4);
      avif |= brand.equals("avif") || brand.equals("avis");
      heic |= isHeicBrand(brand) && !brand.equals("mif1") && !brand.equals("msf1");
    }
    if (major.equals("avif") || major.equals("avis") || (avif && !isHeicMajor(major))) {
      return ImageFormat.AVIF;
    }
    if (heic || major.equals("mif1") || major.equals("msf1")) {
      return ImageFormat.HEIC;
    }
    return null;
  }

  private static boolean isHeicMajor(String brand) {
    return switch (brand) {
      case "heic", "heix", "hevc", "hevx", "heim", "heis" -> true;
      default -> false;
    };
  }

  private static boolean isHeicBrand(String brand) {
    return isHeicMajor(brand) || brand.equals("mif1") || brand.equals("msf1");
  }

  private void heif() {
    int i = 0;
    int end = length;
    while (i + 8 <= length) {
      long size = u32be(b, i);
      int header = 8;
      if (size == 1) {
        if (i + 16 > length) {
          cutShort("inside the box at byte " + i);
          break;
        }
        size = u32be(b, i + 8) << 32 | u32be(b, i + 12);
        header = 16;
      } else if (size == 0) {
        size = length - i;
      }
      if (size < header) {
        throw new InvalidImageException(
            Reason.CORRUPT, format + " box at byte " + i + " declares " + size + " bytes");
      }
      if (i + size > length && cutShort("inside the box at byte " + i)) {
        break;
      }
      int boxEnd = (int) Math.min(i + size, length);
      String type = ascii(b, i + 4, 4);
      if (type.equals("meta")) {
        properties(i + header + 4, boxEnd, 0);
      }
      if (!type.equals("mdat")) {
        region(i + header, boxEnd);
      }
      i = boxEnd;
      end = boxEnd;
    }
    int largest = -1;
    for (int k = 0; k < sizeCount; k += 2) {
      if (largest < 0 || sizes[k] * sizes[k + 1] > sizes[largest] * sizes[largest + 1]) {
        largest = k;
      }
    }
    if (largest < 0) {
      throw new InvalidImageException(
          Reason.CORRUPT, format + " without an image size (ispe) property");
    }
    canvas(sizes[largest], sizes[largest + 1]);
    for (int k = 0; k < sizeCount; k += 2) {
      frame(0, 0, sizes[k], sizes[k + 1], false);
    }
    if (deep) {
      dataEnd = end;
    }
  }

  /** Image sizes of the {@code ispe} properties: width, height pairs. */
  private long[] sizes = new long[8];

  private int sizeCount;

  /** Collects the {@code ispe} boxes inside {@code meta/iprp/ipco} into {@link #sizes}. */
  private void properties(int from, int to, int depth) {
    int i = from;
    while (i + 8 <= to) {
      long size = u32be(b, i);
      if (size < 8 || i + size > to) {
        throw new InvalidImageException(
            Reason.CORRUPT, format + " box at byte " + i + " declares " + size + " bytes");
      }
      String type = ascii(b, i + 4, 4);
      int end = (int) (i + size);
      if ((type.equals("iprp") || type.equals("ipco")) && depth < 2) {
        properties(i + 8, end, depth + 1);
      } else if (type.equals("ispe") && depth == 2) {
        if (size < 20) {
          throw new InvalidImageException(
              Reason.CORRUPT, format + " ispe property at byte " + i + " is cut short");
        }
        if (sizeCount + 2 > sizes.length) {
          sizes = Arrays.copyOf(sizes, sizes.length * 2);
        }
        sizes[sizeCount++] = u32be(b, i + 12);
        sizes[sizeCount++] = u32be(b, i + 16);
      }
      i = end;
    }
  }

  // ---------------------------------------------------------------- helpers

  private void need(int bytes, String what) {
    if (length < bytes) {
      throw new InvalidImageException(
          Reason.TRUNCATED, what + " header is cut short (" + length + " bytes)");
    }
  }

  static boolean startsWith(byte[] b, int length, int at, int... prefix) {
    if (length < at + prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[at + i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static String describe(byte[] b, int length) {
    String head =
        new String(b, 0, Math.min(length, 256), StandardCharsets.ISO_8859_1)
            .toLowerCase(Locale.ROOT)
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
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(length, 8); i++) {
      hex.append(String.format("%02x", b[i] & 0xFF));
    }
    return "unrecognised content starting with bytes " + hex;
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
