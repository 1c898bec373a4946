package io.toutiao.storage.internal;

import io.toutiao.storage.DecodeBudget;
import io.toutiao.storage.ImageCheckBusyException;
import io.toutiao.storage.ImageFormat;
import io.toutiao.storage.InvalidImageException;
import io.toutiao.storage.InvalidImageException.Reason;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The deep check (structure, active content, full decode) and re-encoding. Not part of the public
 * API.
 */
public final class ImageDecoding {

  /**
   * Decoder warnings that say nothing about damage to the pixels (lower case, matched as parts of
   * the message): an ignored colour profile or thumbnail marker, an unknown JFIF revision, SOS
   * parameters that libjpeg corrects, padding bytes before a marker.
   */
  private static final String[] HARMLESS_WARNINGS = {
    "color profile",
    "icc profile",
    "jfif markers not allowed",
    "unknown jfif revision",
    "invalid sos parameters",
    "extraneous bytes before marker",
    "thumbnail"
  };

  /** Warnings that mean the pixel data stops early. */
  private static final String[] TRUNCATION_WARNINGS = {"premature end", "truncated", "missing eoi"};

  /** Samsung's marker between a JPEG and the video of its motion photo. */
  private static final byte[] SAMSUNG_MOTION_PHOTO =
      "MotionPhoto_Data".getBytes(StandardCharsets.ISO_8859_1);

  /** How many media files may follow the image (a gain map JPEG, a video, ...). */
  private static final int MAX_APPENDED = 4;

  private ImageDecoding() {}

  /**
   * Checks what the deep check adds to the scan: no active content in metadata and trailing data,
   * no polyglot structure, nothing after the image but zero padding or (when allowed) appended
   * media, and, for formats the JDK decodes, the pixels themselves within the decode budget.
   *
   * @param bytes the file
   * @param length its length
   * @param scan the deep scan of the file
   * @param limits the limits appended images must keep too
   * @param appendedMedia whether a JPEG or an ISO BMFF video (motion photos) may follow the image
   * @param budget the memory to decode in
   * @throws InvalidImageException TRUNCATED, CORRUPT, TRAILING_DATA or ACTIVE_CONTENT
   * @throws ImageCheckBusyException when the budget has no room in time or memory runs out
   */
  public static void deepCheck(
      byte[] bytes,
      int length,
      ImageScan scan,
      ImageScan.Limits limits,
      boolean appendedMedia,
      DecodeBudget budget) {
    ImageFormat format = scan.format();
    checkRegions(bytes, scan, format + " metadata");
    String polyglot = ActiveContent.polyglot(bytes, length);
    if (polyglot != null) {
      throw new InvalidImageException(Reason.ACTIVE_CONTENT, format + " contains " + polyglot);
    }
    checkTrailer(bytes, length, scan, limits, appendedMedia);
    if (format == ImageFormat.WEBP || format == ImageFormat.HEIC || format == ImageFormat.AVIF) {
      return; // no decoder in the JDK: structure checks only
    }
    BufferedImage image;
    DecodeBudget.Reservation reservation = budget.reserve(decodeBytes(scan));
    try {
      image = decode(bytes, length, format);
    } finally {
      reservation.close();
    }
    if (image.getWidth() != scan.width() || image.getHeight() != scan.height()) {
      throw new InvalidImageException(
          Reason.CORRUPT,
          "header says "
              + scan.width()
              + "x"
              + scan.height()
              + " but the pixels are "
              + image.getWidth()
              + "x"
              + image.getHeight());
    }
  }

  /**
   * Returns the memory to reserve for decoding a scanned image once.
   *
   * @param scan the scan
   * @return bytes
   */
  public static long decodeBytes(ImageScan scan) {
    return scan.width() * scan.height() * scan.bytesPerPixel() + (1 << 20);
  }

  private static void checkRegions(byte[] bytes, ImageScan scan, String where) {
    int[] regions = scan.regions();
    for (int k = 0; k < regions.length; k += 2) {
      String found = ActiveContent.find(bytes, regions[k], regions[k + 1]);
      if (found != null) {
        throw new InvalidImageException(
            Reason.ACTIVE_CONTENT, where + " contains " + found + ": markup or script in an image");
      }
    }
  }

  private static void checkTrailer(
      byte[] b, int length, ImageScan scan, ImageScan.Limits limits, boolean appendedMedia) {
    int p = scan.dataEnd() < 0 ? length : scan.dataEnd();
    for (int appended = 0; p < length && !zeros(b, p, length); appended++) {
      int next = -1;
      if (appendedMedia && appended < MAX_APPENDED && scan.broken() == null) {
        next = appendedMedia(b, length, p, limits);
      }
      if (next < 0) {
        String found = ActiveContent.find(b, p, length);
        if (found != null) {
          throw new InvalidImageException(
              Reason.ACTIVE_CONTENT,
              scan.format()
                  + " is followed by data that contains "
                  + found
                  + ": markup or script in an image");
        }
        if (scan.broken() != null) {
          throw new InvalidImageException(Reason.CORRUPT, scan.broken());
        }
        throw new InvalidImageException(
            Reason.TRAILING_DATA,
            (length - p)
                + " bytes of unknown data follow the end of the "
                + scan.format()
                + " at byte "
                + p);
      }
      p = next;
    }
  }

  /** Where appended media starting at {@code p} ends, or -1 when none starts there. */
  private static int appendedMedia(byte[] b, int length, int p, ImageScan.Limits limits) {
    if (matchesAt(b, length, p, SAMSUNG_MOTION_PHOTO)) {
      return p + SAMSUNG_MOTION_PHOTO.length;
    }
    if (ImageScan.startsWith(b, length, p, 0xFF, 0xD8, 0xFF)) {
      ImageScan jpeg = ImageScan.scanAt(ImageFormat.JPEG, b, p, length, limits);
      checkRegions(b, jpeg, "the JPEG appended at byte " + p);
      return jpeg.broken() != null ? -1 : jpeg.dataEnd();
    }
    if (ImageScan.startsWith(b, length, p + 4, 'f', 't', 'y', 'p')) {
      int i = p;
      while (i + 8 <= length) {
        long size = ImageScan.u32be(b, i);
        if (size < 8 || i + size > length) {
          break;
        }
        String type = ImageScan.ascii(b, i + 4, 4);
        if (!type.equals("mdat")) {
          String found = ActiveContent.find(b, i + 8, (int) (i + size));
          if (found != null) {
            throw new InvalidImageException(
                Reason.ACTIVE_CONTENT,
                "the video appended at byte " + p + " contains " + found + " in its " + type);
          }
        }
        i += (int) size;
      }
      return i == p ? -1 : i;
    }
    return -1;
  }

  private static boolean matchesAt(byte[] b, int length, int p, byte[] what) {
    if (p + what.length > length) {
      return false;
    }
    for (int k = 0; k < what.length; k++) {
      if (b[p + k] != what[k]) {
        return false;
      }
    }
    return true;
  }

  private static boolean zeros(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes the first frame. Harmless decoder warnings are ignored, others count as damage; a lack
   * of memory is reported as {@link ImageCheckBusyException}, never as the client's fault.
   *
   * @param bytes the file
   * @param length its length
   * @param format its format
   * @return the pixels
   */
  public static BufferedImage decode(byte[] bytes, int length, ImageFormat format) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(format.mimeType());
    if (!readers.hasNext()) {
      throw new InvalidImageException(
          Reason.UNSUPPORTED_FORMAT, "no decoder for " + format + " in this JDK");
    }
    ImageReader reader = readers.next();
    List<String> warnings = new ArrayList<>();
    try (MemoryCacheImageInputStream in =
        new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes, 0, length))) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener(collect(warnings));
      BufferedImage image = reader.read(0);
      for (String warning : warnings) {
        String lower = warning.toLowerCase(Locale.ROOT);
        if (containsAny(lower, HARMLESS_WARNINGS)) {
          continue;
        }
        Reason reason = containsAny(lower, TRUNCATION_WARNINGS) ? Reason.TRUNCATED : Reason.CORRUPT;
        throw new InvalidImageException(reason, format + " decoder reported: " + warning);
      }
      return image;
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidImageException invalid) {
        throw invalid;
      }
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof OutOfMemoryError memory) {
          throw outOfMemory(format, memory);
        }
      }
      String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      Reason reason =
          message.contains("eof") || message.contains("end of") ? Reason.TRUNCATED : Reason.CORRUPT;
      throw new InvalidImageException(
          reason, format + " pixels cannot be decoded: " + e.getMessage(), e);
    } finally {
      reader.dispose();
    }
  }

  private static ImageCheckBusyException outOfMemory(ImageFormat format, Throwable e) {
    return new ImageCheckBusyException(
        "not enough memory to decode the " + format + " now", Duration.ofSeconds(1), e);
  }

  private static boolean containsAny(String text, String[] parts) {
    for (String part : parts) {
      if (text.contains(part)) {
        return true;
      }
    }
    return false;
  }

  private static IIOReadWarningListener collect(List<String> warnings) {
    return (source, warning) -> warnings.add(warning);
  }

  /**
   * Re-encodes in the same format, applying a JPEG's EXIF orientation first; metadata is dropped.
   * Decoding, orienting and encoding reserve twice the decoded size from the budget.
   *
   * @param bytes a file that passed the deep check
   * @param scan its scan
   * @param budget the memory to decode in
   * @return the new file
   */
  public static byte[] reencode(byte[] bytes, ImageScan scan, DecodeBudget budget) {
    ImageFormat format = scan.format();
    if (format == ImageFormat.WEBP || format == ImageFormat.HEIC || format == ImageFormat.AVIF) {
      throw new InvalidImageException(
          Reason.UNSUPPORTED_FORMAT, format + " cannot be re-encoded with the JDK");
    }
    DecodeBudget.Reservation reservation = budget.reserve(2 * decodeBytes(scan));
    try {
      BufferedImage image = decode(bytes, bytes.length, format);
      if (format == ImageFormat.JPEG) {
        image = orient(image, ExifOrientation.read(bytes));
      }
      if (format == ImageFormat.BMP && image.getColorModel().hasAlpha()) {
        return BmpWriter.writeArgb(image);
      }
      return encode(image, format, bytes.length);
    } catch (OutOfMemoryError e) {
      throw outOfMemory(format, e);
    } finally {
      reservation.close();
    }
  }

  private static byte[] encode(BufferedImage source, ImageFormat format, int sizeHint) {
    ImageWriter writer = ImageIO.getImageWritersByMIMEType(format.mimeType()).next();
    BufferedImage image = source;
    if (!writer.getOriginatingProvider().canEncodeImage(image)) {
      image = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_INT_RGB);
      image.createGraphics().drawImage(source, 0, 0, null);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (format == ImageFormat.JPEG) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.92f);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new InvalidImageException(Reason.CORRUPT, "could not re-encode the " + format, e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** Applies an EXIF orientation (1-8) so the pixels stand upright. */
  static BufferedImage orient(BufferedImage image, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return image;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    AffineTransform t = new AffineTransform();
    switch (orientation) {
      case 2 -> t.setTransform(-1, 0, 0, 1, w, 0);
      case 3 -> t.setTransform(-1, 0, 0, -1, w, h);
      case 4 -> t.setTransform(1, 0, 0, -1, 0, h);
      case 5 -> t.setTransform(0, 1, 1, 0, 0, 0);
      case 6 -> t.setTransform(0, 1, -1, 0, h, 0);
      case 7 -> t.setTransform(0, -1, -1, 0, h, w);
      default -> t.setTransform(0, -1, 1, 0, 0, w);
    }
    boolean swap = orientation >= 5;
    BufferedImage target =
        new BufferedImage(
            swap ? h : w,
            swap ? w : h,
            image.getType() == 0 ? BufferedImage.TYPE_INT_RGB : image.getType());
    new AffineTransformOp(t, AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(image, target);
    return target;
  }
}
