package io.toutiao.storage.internal;

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
   * Markup that has no business in an image. Every marker is at least four bytes: compressed pixel
   * data is close to random, and a two-byte marker such as {@code <%} turns up in about one image
   * of 100 KB in every two.
   */
  private static final String[] ACTIVE_MARKERS = {
    "<script", "<html", "<body", "<svg", "<iframe", "<?php", "javascript:", "onerror=", "onload="
  };

  private ImageDecoding() {}

  /**
   * Checks structure and decodes the pixels.
   *
   * @param bytes the file
   * @param length its length
   * @param header what the header said
   * @throws InvalidImageException TRUNCATED, CORRUPT or ACTIVE_CONTENT
   */
  public static void deepCheck(byte[] bytes, int length, ImageHeaders.Header header) {
    String marker = activeMarker(bytes, length);
    if (marker != null) {
      throw new InvalidImageException(
          Reason.ACTIVE_CONTENT,
          header.format() + " contains '" + marker + "': markup or script behind an image header");
    }
    checkTrailer(bytes, length, header.format());
    if (header.format() == ImageFormat.WEBP
        || header.format() == ImageFormat.HEIC
        || header.format() == ImageFormat.AVIF) {
      return; // no decoder in the JDK: structure checks only
    }
    BufferedImage image = decode(bytes, length, header.format());
    if (image.getWidth() != header.width() || image.getHeight() != header.height()) {
      throw new InvalidImageException(
          Reason.CORRUPT,
          "header says "
              + header.width()
              + "x"
              + header.height()
              + " but the pixels are "
              + image.getWidth()
              + "x"
              + image.getHeight());
    }
  }

  private static void checkTrailer(byte[] b, int length, ImageFormat format) {
    switch (format) {
      case PNG -> {
        if (length < 12 || !ImageHeaders.ascii(b, length - 8, 4).equals("IEND")) {
          throw new InvalidImageException(Reason.TRUNCATED, "PNG does not end with its IEND chunk");
        }
      }
      case GIF -> {
        if ((b[length - 1] & 0xFF) != 0x3B) {
          throw new InvalidImageException(
              Reason.TRUNCATED, "GIF does not end with its trailer byte");
        }
      }
      case JPEG -> {
        int end = length;
        while (end > 2 && b[end - 1] == 0) {
          end--;
        }
        if (end < 4 || (b[end - 2] & 0xFF) != 0xFF || (b[end - 1] & 0xFF) != 0xD9) {
          throw new InvalidImageException(
              Reason.TRUNCATED, "JPEG does not end with its end-of-image marker");
        }
      }
      case WEBP -> {
        long declared = ImageHeaders.u32le(b, 4) + 8;
        if (declared != length && declared != length - 1) {
          throw new InvalidImageException(
              Reason.TRUNCATED, "WebP declares " + declared + " bytes but has " + length);
        }
      }
      default -> {
        // BMP size was checked with the header; HEIC/AVIF have no cheap trailer
      }
    }
  }

  private static String activeMarker(byte[] b, int length) {
    String text = new String(b, 0, length, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    for (String marker : ACTIVE_MARKERS) {
      if (text.contains(marker)) {
        return marker;
      }
    }
    return null;
  }

  /**
   * Decodes the first frame; any decoder warning counts as damage.
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
      if (!warnings.isEmpty()) {
        String warning = warnings.get(0);
        Reason reason =
            warning.toLowerCase(Locale.ROOT).contains("premature")
                ? Reason.TRUNCATED
                : Reason.CORRUPT;
        throw new InvalidImageException(reason, format + " decoder reported: " + warning);
      }
      return image;
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidImageException invalid) {
        throw invalid;
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

  private static IIOReadWarningListener collect(List<String> warnings) {
    return (source, warning) -> warnings.add(warning);
  }

  /**
   * Re-encodes in the same format, applying a JPEG's EXIF orientation first; metadata is dropped.
   *
   * @param bytes a file that passed the deep check
   * @param format its format
   * @return the new file
   */
  public static byte[] reencode(byte[] bytes, ImageFormat format) {
    if (format == ImageFormat.WEBP || format == ImageFormat.HEIC || format == ImageFormat.AVIF) {
      throw new InvalidImageException(
          Reason.UNSUPPORTED_FORMAT, format + " cannot be re-encoded with the JDK");
    }
    BufferedImage image = decode(bytes, bytes.length, format);
    if (format == ImageFormat.JPEG) {
      image = orient(image, ExifOrientation.read(bytes));
    }
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByMIMEType(format.mimeType());
    ImageWriter writer = writers.next();
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
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
