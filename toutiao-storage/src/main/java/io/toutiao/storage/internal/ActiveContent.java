package io.toutiao.storage.internal;

/**
 * Finds markup, script and other formats inside the parts of an image that are not pixels
 * (metadata, comments, text chunks, trailing data), and polyglot structures anywhere: a ZIP end
 * record that leads to a central directory (the file opens as an archive) or a PDF header where
 * readers look for it. Not part of the public API.
 */
public final class ActiveContent {

  /** Tags a browser acts on; matched case-insensitively when not followed by a name character. */
  private static final String[] TAGS = {
    "<script",
    "<html",
    "<body",
    "<svg",
    "<iframe",
    "<frame",
    "<object",
    "<embed",
    "<meta",
    "<link",
    "<style",
    "<form",
    "<base",
    "<!doctype",
    "<?php"
  };

  /** How far from the end a ZIP reader looks for the end record: record plus largest comment. */
  private static final int ZIP_END_SEARCH = 22 + 65_535;

  /** How far from the start PDF readers accept their header. */
  private static final int PDF_HEADER_SEARCH = 1024;

  private ActiveContent() {}

  /**
   * Looks for active content in {@code [from, to)}.
   *
   * @param b the file
   * @param from first byte
   * @param to end, exclusive
   * @return what was found and where, or null
   */
  public static String find(byte[] b, int from, int to) {
    for (int p = from; p < to; p++) {
      int c = b[p] | 0x20;
      String found = null;
      if (b[p] == '<') {
        found = tag(b, p, to);
      } else if (c == 'j') {
        found = matches(b, p, to, "javascript:") ? "javascript:" : null;
      } else if (c == 'v') {
        found = matches(b, p, to, "vbscript:") ? "vbscript:" : null;
      } else if (c == 'o' && (p == from || delimiter(b[p - 1]))) {
        found = eventHandler(b, p, to);
      } else if (b[p] == '%') {
        found = matches(b, p, to, "%pdf-") ? "%PDF-" : null;
      } else if (b[p] == 'P' && p + 4 <= to && b[p + 1] == 'K') {
        found = zipSignature(b[p + 2], b[p + 3]);
      }
      if (found != null) {
        return "'" + found + "' at byte " + p;
      }
    }
    return null;
  }

  /**
   * Looks for polyglot structures anywhere in the file.
   *
   * @param b the file
   * @param length its length
   * @return what was found and where, or null
   */
  public static String polyglot(byte[] b, int length) {
    for (int p = length - 22; p >= Math.max(0, length - ZIP_END_SEARCH); p--) {
      if (b[p] == 'P' && b[p + 1] == 'K' && b[p + 2] == 5 && b[p + 3] == 6) {
        long directorySize = ImageScan.u32le(b, p + 12);
        long directoryOffset = ImageScan.u32le(b, p + 16);
        if (isDirectory(b, length, p - directorySize) || isDirectory(b, length, directoryOffset)) {
          return "a ZIP archive (end record at byte " + p + "): the file also opens as an archive";
        }
      }
    }
    int head = Math.min(length, PDF_HEADER_SEARCH);
    for (int p = 0; p + 5 <= head; p++) {
      if (b[p] == '%' && matches(b, p, head, "%pdf-")) {
        return "a PDF header at byte " + p + ": the file also opens as a PDF document";
      }
    }
    return null;
  }

  private static boolean isDirectory(byte[] b, int length, long at) {
    return at >= 0
        && at + 4 <= length
        && b[(int) at] == 'P'
        && b[(int) at + 1] == 'K'
        && b[(int) at + 2] == 1
        && b[(int) at + 3] == 2;
  }

  private static String zipSignature(byte third, byte fourth) {
    if ((third == 3 && fourth == 4) || (third == 1 && fourth == 2) || (third == 5 && fourth == 6)) {
      return "PK\\x0" + third + "\\x0" + fourth + " (a ZIP record)";
    }
    return null;
  }

  private static String tag(byte[] b, int p, int to) {
    if (matches(b, p, to, "<?=")) {
      return "<?=";
    }
    for (String tag : TAGS) {
      if (matches(b, p, to, tag)) {
        int next = p + tag.length();
        if (next >= to || !nameCharacter(b[next])) {
          return tag;
        }
      }
    }
    return null;
  }

  /** {@code on<letters> =}, with any white space before the equals sign. */
  private static String eventHandler(byte[] b, int p, int to) {
    if (p + 2 >= to || (b[p + 1] | 0x20) != 'n') {
      return null;
    }
    int i = p + 2;
    while (i < to && isLetter(b[i])) {
      i++;
    }
    if (i - p < 5) {
      return null;
    }
    int name = i;
    while (i < to
        && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || b[i] == 0x0C)) {
      i++;
    }
    if (i < to && b[i] == '=') {
      return new String(b, p, name - p, java.nio.charset.StandardCharsets.ISO_8859_1) + "=";
    }
    return null;
  }

  private static boolean matches(byte[] b, int p, int to, String lower) {
    if (p + lower.length() > to) {
      return false;
    }
    for (int k = 0; k < lower.length(); k++) {
      int c = b[p + k];
      char want = lower.charAt(k);
      if (c != want && !(want >= 'a' && want <= 'z' && (c | 0x20) == want)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetter(byte c) {
    int l = c | 0x20;
    return l >= 'a' && l <= 'z';
  }

  private static boolean nameCharacter(byte c) {
    return isLetter(c) || (c >= '0' && c <= '9') || c == ':' || c == '-' || c == '_';
  }

  private static boolean delimiter(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0C || c == '/' || c == '"'
        || c == '\'' || c == ';' || c == 0;
  }
}
