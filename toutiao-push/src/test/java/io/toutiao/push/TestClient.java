package io.toutiao.push;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.json.JSONObject;

/** A real Java Socket.IO client that records what it receives and acknowledges when told. */
final class TestClient implements AutoCloseable {

  /** An event as received. */
  record Received(String event, String id, String data) {}

  final Socket socket;
  final BlockingQueue<Received> events = new LinkedBlockingQueue<>();
  final CompletableFuture<Void> connected = new CompletableFuture<>();
  final CompletableFuture<String> connectError = new CompletableFuture<>();
  final CompletableFuture<String> disconnected = new CompletableFuture<>();
  final CompletableFuture<JSONObject> pushError = new CompletableFuture<>();
  private final Predicate<Received> acknowledge;

  private TestClient(Socket socket, Predicate<Received> acknowledge, List<String> eventNames) {
    this.socket = socket;
    this.acknowledge = acknowledge;
    socket.on(Socket.EVENT_CONNECT, args -> connected.complete(null));
    socket.on(
        Socket.EVENT_CONNECT_ERROR,
        args -> connectError.complete(args.length > 0 ? String.valueOf(args[0]) : ""));
    socket.on(
        Socket.EVENT_DISCONNECT,
        args -> disconnected.complete(args.length > 0 ? String.valueOf(args[0]) : ""));
    socket.on("push error", args -> pushError.complete((JSONObject) args[0]));
    for (String name : eventNames) {
      socket.on(name, args -> onEvent(name, args));
    }
  }

  private void onEvent(String name, Object[] args) {
    String id = args.length > 1 && args[1] instanceof String s ? s : null;
    Received received = new Received(name, id, args.length > 0 ? String.valueOf(args[0]) : null);
    events.add(received);
    if (args.length > 0 && args[args.length - 1] instanceof Ack ack && acknowledge.test(received)) {
      ack.call();
    }
  }

  /** Connects with the token in the query (the reference's way). */
  static TestClient query(int port, String token) {
    return query(port, token, r -> true);
  }

  static TestClient query(int port, String token, Predicate<Received> acknowledge) {
    IO.Options options = base();
    if (token != null) {
      options.query = "token=" + token;
    }
    return open(port, options, acknowledge);
  }

  /** Connects as the Java client does by default: HTTP long-polling first, then WebSocket. */
  static TestClient polling(int port, String token) {
    IO.Options options = base();
    options.transports = null;
    options.query = "token=" + token;
    return open(port, options, r -> true);
  }

  /** Connects with the token in the Socket.IO 4 auth payload. */
  static TestClient payload(int port, String token, Predicate<Received> acknowledge) {
    IO.Options options = base();
    options.auth = Map.of("token", token);
    return open(port, options, acknowledge);
  }

  private static IO.Options base() {
    IO.Options options = new IO.Options();
    options.forceNew = true;
    options.reconnection = false;
    options.transports = new String[] {WebSocket.NAME};
    options.timeout = 5_000;
    return options;
  }

  private static TestClient open(int port, IO.Options options, Predicate<Received> acknowledge) {
    Socket socket = IO.socket(URI.create("http://127.0.0.1:" + port), options);
    TestClient client =
        new TestClient(
            socket,
            acknowledge,
            List.of("following notify", "liking notify", "comment notify", "message", "news", "e"));
    socket.connect();
    return client;
  }

  TestClient awaitConnected() throws Exception {
    connected.get(10, TimeUnit.SECONDS);
    return this;
  }

  /** Waits for n events. */
  List<Received> take(int n, Duration timeout) throws InterruptedException {
    List<Received> got = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (got.size() < n) {
      Received r = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (r == null) {
        break;
      }
      got.add(r);
    }
    return got;
  }

  /** Everything that arrives within the quiet period. */
  List<Received> drain(Duration quiet) throws InterruptedException {
    List<Received> got = new ArrayList<>();
    Received r;
    while ((r = events.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
      got.add(r);
    }
    return got;
  }

  void emit(String event, Object... args) {
    socket.emit(event, args);
  }

  @Override
  public void close() {
    socket.close();
  }
}
