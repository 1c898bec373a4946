package io.toutiao.testing.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal blocking RESP2 client used to manage the servers this module starts (ping, flush,
 * cluster set-up). It keeps toutiao-testing free of a Redis client dependency, so users pick their
 * own Jedis or Lettuce version. Not part of the public API.
 */
public final class RespClient implements Closeable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RespClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /**
   * Opens a connection.
   *
   * @param host server host
   * @param port server port
   * @param timeout connect and read timeout
   * @return a connected client
   * @throws IOException when the server cannot be reached
   */
  public static RespClient connect(String host, int port, Duration timeout) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      socket.setTcpNoDelay(true);
      return new RespClient(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Sends one command and reads its reply.
   *
   * @param args the command and its arguments
   * @return a {@link String} (simple or bulk string), {@link Long}, {@link List} or {@code null}
   * @throws IOException on connection failure
   * @throws RespErrorException when the server answers with an error reply
   */
  public Object call(String... args) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
    writeAscii(buffer, "*" + args.length + "\r\n");
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      writeAscii(buffer, "$" + bytes.length + "\r\n");
      buffer.write(bytes);
      writeAscii(buffer, "\r\n");
    }
    out.write(buffer.toByteArray());
    out.flush();
    return readReply();
  }

  private static void writeAscii(ByteArrayOutputStream buffer, String text) {
    buffer.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
  }

  private Object readReply() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("connection closed by the Redis server");
    }
    String line = readLine();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new RespErrorException(line);
      case ':':
        return Long.parseLong(line);
      case '$':
        return readBulk(Integer.parseInt(line));
      case '*':
        return readArray(Integer.parseInt(line));
      default:
        throw new IOException("unexpected RESP type byte " + type);
    }
  }

  private String readBulk(int length) throws IOException {
    if (length < 0) {
      return null;
    }
    byte[] bytes = in.readNBytes(length + 2);
    if (bytes.length != length + 2) {
      throw new EOFException("truncated bulk reply");
    }
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }

  private List<Object> readArray(int count) throws IOException {
    if (count < 0) {
      return null;
    }
    List<Object> items = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      items.add(readReply());
    }
    return items;
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed in the middle of a reply");
      }
      if (b == '\r') {
        in.read();
        return line.toString();
      }
      line.append((char) b);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** An error reply from the server ({@code -ERR ...}). */
  public static final class RespErrorException extends IOException {
    private static final long serialVersionUID = 1L;

    RespErrorException(String message) {
      super(message);
    }
  }
}
