package io.toutiao.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Hostile and unusual files, built byte by byte by the tests (no binary blobs in the tree). */
final class HostileImages {

  private HostileImages() {}

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  // ------------------------------------------------------------------ GIF

  private static void u16(ByteArrayOutputStream out, int value) {
    out.write(value & 0xFF);
    out.write(value >> 8 & 0xFF);
  }

  /** A GIF screen with no colour table, frames of the given rectangles (minimal LZW data). */
  static byte[] gif(int screenWidth, int screenHeight, int[]... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ascii("GIF89a"));
    u16(out, screenWidth);
    u16(out, screenHeight);
    out.write(0);
    out.write(0);
    out.write(0);
    for (int[] frame : frames) {
      out.write(0x2C);
      u16(out, frame[0]);
      u16(out, frame[1]);
      u16(out, frame[2]);
      u16(out, frame[3]);
      out.write(0);
      out.writeBytes(new byte[] {2, 2, 0x4C, 0x01, 0});
    }
    out.write(0x3B);
    return out.toByteArray();
  }

  /** A real GIF with a comment extension holding {@code comment}. */
  static byte[] gifWithComment(String comment) {
    byte[] gif = ImageCorpus.image("gif", 8, 8);
    byte[] text = ascii(comment);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(gif, 0, gif.length - 1);
    out.write(0x21);
    out.write(0xFE);
    out.write(text.length);
    out.writeBytes(text);
    out.write(0);
    out.write(0x3B);
    return out.toByteArray();
  }

  // ------------------------------------------------------------------ PNG

  static byte[] chunk(String type, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(12 + data.length);
    b.putInt(data.length).put(ascii(type)).put(data);
    CRC32 crc = new CRC32();
    crc.update(b.array(), 4, 4 + data.length);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** Inserts chunks right after IHDR (at byte 33) of a real PNG. */
  static byte[] pngWith(byte[] png, byte[]... chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(png, 0, 33);
    for (byte[] chunk : chunks) {
      out.writeBytes(chunk);
    }
    out.write(png, 33, png.length - 33);
    return out.toByteArray();
  }

  static byte[] text(String keyword, String value) {
    return chunk("tEXt", concat(ascii(keyword), new byte[] {0}, ascii(value)));
  }

  /** APNG frame control: sequence, width, height, x, y, delay, dispose, blend. */
  static byte[] fcTL(int sequence, int width, int height, int x, int y) {
    ByteBuffer b = ByteBuffer.allocate(26);
    b.putInt(sequence).putInt(width).putInt(height).putInt(x).putInt(y);
    b.putShort((short) 1).putShort((short) 10).put((byte) 0).put((byte) 0);
    return chunk("fcTL", b.array());
  }

  static byte[] acTL(int frames) {
    return chunk("acTL", ByteBuffer.allocate(8).putInt(frames).putInt(0).array());
  }

  /** An RGB PNG whose IDAT is stored (not compressed): the pixel bytes appear as they are. */
  static byte[] storedPng(int width, int height, byte[] firstPixels) {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (int y = 0; y < height; y++) {
      raw.write(0); // filter: none
      byte[] row = new byte[width * 3];
      if (y == 0) {
        System.arraycopy(firstPixels, 0, row, 0, Math.min(row.length, firstPixels.length));
      }
      raw.writeBytes(row);
    }
    Deflater deflater = new Deflater(Deflater.NO_COMPRESSION);
    deflater.setInput(raw.toByteArray());
    deflater.finish();
    byte[] buffer = new byte[raw.size() + 1024];
    int n = deflater.deflate(buffer);
    deflater.end();
    byte[] idat = java.util.Arrays.copyOf(buffer, n);
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0);
    ihdr.put((byte) 0);
    return concat(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A},
        chunk("IHDR", ihdr.array()),
        chunk("IDAT", idat),
        chunk("IEND", new byte[0]));
  }

  // ------------------------------------------------------------------ JPEG

  /** Inserts a segment right after SOI. */
  static byte[] jpegWithSegment(byte[] jpeg, int marker, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    out.write(0xFF);
    out.write(marker);
    int length = payload.length + 2;
    out.write(length >> 8);
    out.write(length & 0xFF);
    out.writeBytes(payload);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  static byte[] zip(String name, String content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry(name));
      zip.write(ascii(content));
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** An ISO BMFF video as a phone appends it: ftyp, a moov stand-in, mdat of random bytes. */
  static byte[] mp4(int mediaBytes) {
    byte[] media = new byte[mediaBytes];
    new java.util.Random(7).nextBytes(media);
    return concat(
        box("ftyp", concat(ascii("isom"), new byte[4], ascii("isomiso2mp41"))),
        box("moov", box("mvhd", new byte[100])),
        box("mdat", media));
  }

  static byte[] box(String type, byte[] payload) {
    return ByteBuffer.allocate(8 + payload.length)
        .putInt(8 + payload.length)
        .put(ascii(type))
        .put(payload)
        .array();
  }

  // ------------------------------------------------------------------ WebP

  private static byte[] le32(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
  }

  static byte[] riffChunk(String type, byte[] payload) {
    byte[] padded = payload.length % 2 == 0 ? payload : concat(payload, new byte[1]);
    return concat(ascii(type), le32(payload.length), padded);
  }

  static byte[] vp8l(int width, int height) {
    return riffChunk(
        "VP8L", concat(new byte[] {0x2F}, le32((width - 1) | (height - 1) << 14), new byte[5]));
  }

  static byte[] vp8x(int canvasWidth, int canvasHeight, boolean animated) {
    ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) (animated ? 0x02 : 0)).put(new byte[3]);
    put24(b, canvasWidth - 1);
    put24(b, canvasHeight - 1);
    return riffChunk("VP8X", b.array());
  }

  static byte[] anmf(int x, int y, int width, int height, byte[] frameData) {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    put24(b, x / 2);
    put24(b, y / 2);
    put24(b, width - 1);
    put24(b, height - 1);
    put24(b, 100);
    b.put((byte) 0);
    return riffChunk("ANMF", concat(b.array(), frameData));
  }

  static byte[] webp(byte[]... chunks) {
    byte[] body = concat(chunks);
    return concat(ascii("RIFF"), le32(4 + body.length), ascii("WEBP"), body);
  }

  private static void put24(ByteBuffer b, int value) {
    b.put((byte) value).put((byte) (value >> 8)).put((byte) (value >> 16));
  }

  // ------------------------------------------------------------------ BMP

  /** A 24-bit bottom-up BMP; the first pixels' bytes are {@code firstPixels}. */
  static byte[] bmp24(int width, int height, byte[] firstPixels) {
    int row = (width * 3 + 3) / 4 * 4;
    ByteBuffer b = ByteBuffer.allocate(54 + row * height).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'B').put((byte) 'M').putInt(b.capacity()).putInt(0).putInt(54);
    b.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24);
    b.putInt(0).putInt(row * height).putInt(2835).putInt(2835).putInt(0).putInt(0);
    b.put(firstPixels);
    return b.array();
  }

  /** A 32-bit BMP (BITMAPV4HEADER, BI_BITFIELDS) with alpha; every pixel {@code argb}. */
  static byte[] bmp32(int width, int height, int argb) {
    ByteBuffer b = ByteBuffer.allocate(122 + 4 * width * height).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'B').put((byte) 'M').putInt(b.capacity()).putInt(0).putInt(122);
    b.putInt(108).putInt(width).putInt(height).putShort((short) 1).putShort((short) 32);
    b.putInt(3).putInt(4 * width * height).putInt(2835).putInt(2835).putInt(0).putInt(0);
    b.putInt(0x00FF0000).putInt(0x0000FF00).putInt(0x000000FF).putInt(0xFF000000);
    b.putInt(0x73524742);
    b.position(122);
    for (int i = 0; i < width * height; i++) {
      b.putInt(argb);
    }
    return b.array();
  }

  // ------------------------------------------------------------------ HEIF

  /** An ISO BMFF still image: ftyp, meta/iprp/ipco with the given ispe sizes, then mdat. */
  static byte[] heif(String major, String[] compatible, int[]... sizes) {
    ByteArrayOutputStream brands = new ByteArrayOutputStream();
    brands.writeBytes(ascii(major));
    brands.writeBytes(new byte[4]);
    for (String brand : compatible) {
      brands.writeBytes(ascii(brand));
    }
    ByteArrayOutputStream properties = new ByteArrayOutputStream();
    for (int[] size : sizes) {
      properties.writeBytes(
          box("ispe", ByteBuffer.allocate(12).putInt(0).putInt(size[0]).putInt(size[1]).array()));
    }
    byte[] meta =
        box(
            "meta",
            concat(
                new byte[4],
                box("hdlr", concat(new byte[8], ascii("pict"), new byte[13])),
                box("iprp", box("ipco", properties.toByteArray()))));
    return concat(box("ftyp", brands.toByteArray()), meta, box("mdat", new byte[32]));
  }
}
