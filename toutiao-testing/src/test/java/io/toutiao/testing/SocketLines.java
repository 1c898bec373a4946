package io.toutiao.testing;

import java.io.IOException;
import java.io.InputStream;

/** Reads one CRLF- or LF-terminated line from a raw socket stream, for protocol-level tests. */
final class SocketLines {

  private SocketLines() {}

  static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }
}
