package io.toutiao.testing.internal;

import io.toutiao.testing.FaultProxy.Direction;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One proxied connection: a client socket, a server socket and a pipe per direction. Each pipe has
 * a reader thread (socket to a bounded queue, stamping each chunk with its due time) and a writer
 * thread (queue to the other socket, applying freeze, hold, bandwidth and byte limit), so latency
 * delays chunks without slowing the stream down to one chunk per delay. Not part of the public API.
 */
public final class ProxyLink {

  private static final int CHUNK = 16 * 1024;
  private static final int QUEUED_CHUNKS = 64;

  private final Socket client;
  private final Socket server;
  private final ProxySettings settings;
  private final Consumer<ProxyLink> onClose;
  private final List<Thread> threads = new ArrayList<>(4);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger openDirections = new AtomicInteger(2);

  /** A chunk of bytes, or the end of the stream when {@code data} is null. */
  private record Chunk(byte[] data, long dueNanos, long generation) {}

  /**
   * Wires a link; nothing flows before {@link #start()}.
   *
   * @param client the accepted client socket
   * @param server the connected server socket
   * @param settings the proxy's faults
   * @param onClose called once when the link closes
   * @param proxyPort the proxy's port, for thread names
   * @throws SocketException when a socket option cannot be set
   */
  public ProxyLink(
      Socket client,
      Socket server,
      ProxySettings settings,
      Consumer<ProxyLink> onClose,
      int proxyPort)
      throws SocketException {
    this.client = client;
    this.server = server;
    this.settings = settings;
    this.onClose = onClose;
    client.setTcpNoDelay(true);
    server.setTcpNoDelay(true);
    String name = "fault-proxy-" + proxyPort + "-" + client.getPort();
    pipe(Direction.UPSTREAM, client, server, name);
    pipe(Direction.DOWNSTREAM, server, client, name);
  }

  private void pipe(Direction direction, Socket from, Socket to, String name) {
    BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
    String suffix = direction == Direction.UPSTREAM ? "-up" : "-down";
    threads.add(daemon(() -> read(direction, from, queue), name + suffix + "-read"));
    threads.add(daemon(() -> write(direction, to, queue), name + suffix + "-write"));
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  /** Starts forwarding. */
  public void start() {
    threads.forEach(Thread::start);
  }

  private void read(Direction direction, Socket from, BlockingQueue<Chunk> queue) {
    long lastDue = System.nanoTime();
    try {
      InputStream in = from.getInputStream();
      byte[] buffer = new byte[CHUNK];
      while (true) {
        int n = in.read(buffer);
        // A frozen link reads nothing more, so the sender's kernel buffers fill as on a dead path.
        settings.awaitThawed();
        if (n < 0) {
          queue.put(new Chunk(null, lastDue, settings.healGeneration()));
          return;
        }
        long due = Math.max(lastDue, System.nanoTime() + settings.drawDelayNanos(direction));
        lastDue = due;
        byte[] data = new byte[n];
        System.arraycopy(buffer, 0, data, 0, n);
        queue.put(new Chunk(data, due, settings.healGeneration()));
      }
    } catch (IOException | InterruptedException e) {
      close();
    }
  }

  private void write(Direction direction, Socket to, BlockingQueue<Chunk> queue) {
    long limitGeneration = -1;
    long sentSinceLimit = 0;
    long nextSendNanos = 0;
    try {
      OutputStream out = to.getOutputStream();
      while (true) {
        Chunk chunk = queue.take();
        settings.awaitDue(chunk.dueNanos(), chunk.generation());
        settings.awaitThawed();
        if (chunk.data() == null) {
          endDirection(to);
          return;
        }
        ProxySettings.ChunkHold hold = settings.claimHold(direction);
        if (hold != null) {
          hold.awaitRelease();
          settings.awaitThawed();
        }
        byte[] data = chunk.data();
        int length = data.length;
        boolean closeAfter = false;
        ProxySettings.ByteLimit limit = settings.closeAfter(direction);
        if (limit != null) {
          if (limit.generation() != limitGeneration) {
            limitGeneration = limit.generation();
            sentSinceLimit = 0;
          }
          long allowed = limit.bytes() - sentSinceLimit;
          if (allowed <= length) {
            length = (int) Math.max(0, allowed);
            closeAfter = true;
          }
          sentSinceLimit += length;
        }
        nextSendNanos = send(direction, out, data, length, nextSendNanos);
        if (closeAfter) {
          close();
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      close();
    }
  }

  /** Writes, in slices paced to the bandwidth limit when there is one. */
  private long send(Direction direction, OutputStream out, byte[] data, int length, long nextSend)
      throws IOException, InterruptedException {
    int offset = 0;
    while (offset < length) {
      long limit = settings.bandwidth(direction);
      int slice =
          limit == 0 ? length - offset : (int) Math.min(length - offset, Math.max(1, limit / 50));
      if (limit != 0) {
        long wait = nextSend - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        nextSend = Math.max(nextSend, System.nanoTime()) + slice * 1_000_000_000L / limit;
      }
      // counted before the write, so a peer that has the bytes never reads a smaller count
      settings.countForwarded(direction, slice);
      try {
        out.write(data, offset, slice);
        out.flush();
      } catch (IOException e) {
        settings.countForwarded(direction, -slice);
        throw e;
      }
      offset += slice;
    }
    return nextSend;
  }

  /** Forwards an end of stream as a half-close; the link closes when both directions ended. */
  private void endDirection(Socket to) throws IOException {
    if (!to.isClosed()) {
      to.shutdownOutput();
    }
    if (openDirections.decrementAndGet() == 0) {
      close();
    }
  }

  /** Resets both sockets (TCP RST) and stops forwarding. */
  public void reset() {
    reset(client);
    reset(server);
    close();
  }

  /** Closes both sockets normally and stops forwarding; idempotent. */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(client);
    closeQuietly(server);
    Thread current = Thread.currentThread();
    for (Thread thread : threads) {
      if (thread != current) {
        thread.interrupt();
      }
    }
    onClose.accept(this);
  }

  /**
   * Closes a socket with SO_LINGER 0, so the peer gets a TCP RST instead of a FIN.
   *
   * @param socket the socket
   */
  public static void reset(Socket socket) {
    try {
      if (!socket.isClosed()) {
        socket.setSoLinger(true, 0);
      }
    } catch (IOException ignored) {
      // already broken: closing is all that is left
    }
    closeQuietly(socket);
  }

  /**
   * Closes without throwing.
   *
   * @param closeable what to close
   */
  public static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // nothing to do: it is being discarded
    }
  }
}
