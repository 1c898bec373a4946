package io.toutiao.testing.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Finds free TCP ports on the loopback interface. Not part of the public API. */
public final class FreePorts {

  private FreePorts() {}

  /**
   * Returns a port that was free on 127.0.0.1 a moment ago.
   *
   * @return a free port
   */
  public static int find() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on the loopback interface", e);
    }
  }

  /**
   * Returns a port {@code p} such that both {@code p} and {@code p + offset} are free, as a Redis
   * Cluster node needs for its cluster bus ({@code offset} 10000).
   *
   * @param offset distance of the second port
   * @return the first port of a free pair
   */
  public static int findPair(int offset) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = find();
      if (port + offset <= 65535 && isFree(port + offset)) {
        return port;
      }
    }
    throw new IllegalStateException("no free pair of ports " + offset + " apart on the loopback");
  }

  /**
   * Tells whether a port can be bound on 127.0.0.1 right now.
   *
   * @param port the port to try
   * @return true when it was free
   */
  public static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
