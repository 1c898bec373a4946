package io.toutiao.push;

import com.corundumstudio.socketio.AckCallback;
import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.AuthorizationResult;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.transport.NamespaceClient;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelPipeline;
import io.toutiao.push.internal.Acknowledgements;
import io.toutiao.push.internal.Admission;
import io.toutiao.push.internal.Inbox;
import io.toutiao.push.internal.QuietExceptions;
import io.toutiao.push.internal.Subscription;
import io.toutiao.push.internal.TokenGuard;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A push node: a Socket.IO server (netty-socketio, Engine.IO 3 and 4, so the JavaScript {@code
 * socket.io-client} 4.x and the Java {@code socket.io-client} 2.x connect) that delivers what any
 * {@link PushPublisher} sends, through Redis, to its local connections. Run as many nodes as needed
 * on one Redis; each delivers to the clients connected to it.
 *
 * <p><b>Connecting.</b> A client sends its token as the {@code token} query parameter (the
 * reference) or in the Socket.IO 4 auth payload ({@code {token}}); the host's {@link
 * PushAuthenticator} says whose it is. A refused token gets HTTP 401 at the handshake (query) or a
 * {@code connect_error} (payload); a client with no token is disconnected. The connection joins the
 * room named by the user id (the reference) and the rooms the host's room function gives. Beyond
 * {@link PushConfig#maxConnectionsPerUser()} or {@link PushConfig#maxConnections()} a connection
 * gets a {@code push error} event {@code {code, message}} and is disconnected. The token is taken
 * out of every request URI before the Socket.IO handlers see it, so it reaches no log of theirs.
 *
 * <p><b>Delivery.</b> Each event to a user arrives as {@code (data, id)} with an acknowledgement
 * callback: the client acknowledges after handling it, which acknowledges every earlier event of
 * that user too. On connect, the user's unacknowledged events are delivered first, in order, then
 * new ones as they come; an event is never delivered twice on one connection, and at least once
 * across reconnects (de-duplicate by id). Delivery survives Redis outages: when the subscription
 * comes back, every connection catches up from its inbox.
 *
 * <p>Thread-safe; close it to disconnect everyone and stop.
 */
public final class PushServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PushServer.class);
  private static final String USER = "toutiao.push.user";
  private static final String REFUSED = "toutiao.push.refused";

  private final UnifiedJedis redis;
  private final PushConfig config;
  private final PushAuthenticator authenticator;
  private final Function<PushUser, Set<String>> rooms;
  private final ObjectMapper json;
  private final Supplier<HostAndPort> subscribeTo;
  private final JedisClientConfig subscribeConfig;
  private final String userHeader = "x-toutiao-push-" + UUID.randomUUID();
  private final Map<String, Set<Session>> byUser = new ConcurrentHashMap<>();
  private final Map<UUID, Session> bySession = new ConcurrentHashMap<>();

  /** Engine.IO 4 sessions not yet connected to the namespace (so without a user yet). */
  private final Set<UUID> pending = ConcurrentHashMap.newKeySet();

  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong inboxReads = new AtomicLong();
  private final ExecutorService catchUp;
  private final ScheduledExecutorService retries;
  private SocketIOServer server;
  private Namespace mainNamespace;
  private Acknowledgements acks;
  private Subscription subscription;
  private int port;
  private volatile boolean closed;

  private PushServer(Builder b) {
    this.redis = b.redis;
    this.config = b.config;
    this.authenticator = b.authenticator;
    this.rooms = b.rooms;
    this.json = b.json;
    this.subscribeTo = b.subscribeTo;
    this.subscribeConfig = b.subscribeConfig;
    this.catchUp =
        Executors.newFixedThreadPool(
            b.catchUpThreads,
            r -> {
              Thread t = new Thread(r, "toutiao-push-catch-up");
              t.setDaemon(true);
              return t;
            });
    this.retries =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "toutiao-push-retry");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts a builder.
   *
   * @param redis the Redis client for inbox reads and acknowledgements (standalone, Sentinel or
   *     Cluster)
   * @param subscribeTo where the node subscribes (the same Redis: the standalone server, the
   *     master, or any Cluster node)
   * @param subscribeConfig password, TLS and timeouts of that connection
   * @param authenticator verifies the clients' tokens
   * @return a builder
   */
  public static Builder builder(
      UnifiedJedis redis,
      HostAndPort subscribeTo,
      JedisClientConfig subscribeConfig,
      PushAuthenticator authenticator) {
    Objects.requireNonNull(subscribeTo, "subscribeTo must not be null");
    return new Builder(redis, () -> subscribeTo, subscribeConfig, authenticator);
  }

  /**
   * Starts a builder whose subscription follows a moving master, e.g. with Sentinel: {@code
   * PushServer.builder(sentinelClient, sentinelClient::getCurrentMaster, config, authenticator)}.
   * The address is asked at every connect and every heartbeat; when it changes, the node subscribes
   * there and every connection catches up from its inbox.
   *
   * @param redis the Redis client for inbox reads and acknowledgements
   * @param subscribeTo where to subscribe now
   * @param subscribeConfig password, TLS and timeouts of that connection
   * @param authenticator verifies the clients' tokens
   * @return a builder
   */
  public static Builder builder(
      UnifiedJedis redis,
      Supplier<HostAndPort> subscribeTo,
      JedisClientConfig subscribeConfig,
      PushAuthenticator authenticator) {
    return new Builder(redis, subscribeTo, subscribeConfig, authenticator);
  }

  /**
   * Binds the port and starts delivering.
   *
   * @return this
   * @throws PushException when the port cannot be bound
   */
  public synchronized PushServer start() {
    if (server != null) {
      throw new IllegalStateException("the push server is already started");
    }
    port = config.port() == 0 ? freePort() : config.port();
    Configuration sio = new Configuration();
    sio.setHostname(config.host());
    sio.setPort(port);
    sio.setContext(config.path());
    sio.setPingInterval((int) config.pingInterval().toMillis());
    sio.setPingTimeout((int) config.pingTimeout().toMillis());
    sio.setMaxFramePayloadLength(config.maxMessageBytes());
    sio.setMaxHttpContentLength(config.maxMessageBytes());
    sio.setTransports(Transport.WEBSOCKET, Transport.POLLING);
    sio.setRandomSession(true);
    sio.setAddVersionHeader(false);
    sio.setExceptionListener(new QuietExceptions());
    SocketConfig socket = new SocketConfig();
    socket.setReuseAddress(true);
    socket.setTcpNoDelay(true);
    sio.setSocketConfig(socket);
    sio.setAuthorizationListener(
        handshake -> {
          String user = handshake.getHttpHeaders().get(userHeader);
          // no query token: the auth payload must bring one when the client connects
          return user == null
              ? AuthorizationResult.SUCCESSFUL_AUTHORIZATION
              : new AuthorizationResult(true, Map.of(USER, user));
        });
    SocketIOServer s = new SocketIOServer(sio);
    TokenGuard guard =
        new TokenGuard(config.path(), userHeader, config.queryToken(), this::authenticate);
    Admission admission = new Admission(this::onNamespaceConnect);
    s.setPipelineFactory(
        new SocketIOChannelInitializer() {
          @Override
          protected void addSocketioHandlers(ChannelPipeline pipeline) {
            super.addSocketioHandlers(pipeline);
            pipeline.addBefore(AUTHORIZE_HANDLER, "toutiaoTokenGuard", guard);
            pipeline.addBefore(PACKET_HANDLER, "toutiaoAdmission", admission);
          }
        });
    mainNamespace = (Namespace) s.getNamespace(Namespace.DEFAULT_NAME);
    mainNamespace.addAuthTokenListener(this::authenticatePayload);
    s.addConnectListener(this::onConnect);
    s.addDisconnectListener(this::onDisconnect);
    if (config.echoMessages()) {
      s.addEventListener(
          "message",
          Object.class,
          (client, data, ack) -> {
            if (bySession.containsKey(client.getSessionId())) {
              client.sendEvent("message", data);
            }
          });
    }
    acks = new Acknowledgements(redis, config);
    try {
      s.startAsync().syncUninterruptibly();
    } catch (RuntimeException e) {
      s.stop();
      acks.close();
      throw new PushException("could not listen on " + config.host() + ":" + port, e);
    }
    server = s;
    // after the server: its messages are delivered through it
    subscription =
        new Subscription(
            subscribeTo,
            subscribeConfig,
            config.channel(),
            config.redisHeartbeat().toMillis(),
            this::onMessage,
            this::catchUpAll);
    LOG.info("push node listening on {}:{}{}", config.host(), port, config.path());
    return this;
  }

  /**
   * Returns the port listened on.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns the settings.
   *
   * @return the settings
   */
  public PushConfig config() {
    return config;
  }

  /**
   * Returns the connections open on this node.
   *
   * @return the count
   */
  public int connections() {
    return connections.get();
  }

  /**
   * Returns a user's connections on this node.
   *
   * @param userId the user
   * @return the count
   */
  public int connections(String userId) {
    Set<Session> sessions = byUser.get(userId);
    return sessions == null ? 0 : sessions.size();
  }

  /**
   * Returns the node's counters.
   *
   * @return a snapshot
   */
  public Stats stats() {
    Subscription sub = subscription;
    return new Stats(
        connections.get(),
        byUser.size(),
        delivered.get(),
        acknowledged.get(),
        refused.get(),
        sub != null && sub.isLive(),
        sub == null ? 0 : sub.confirmed(),
        sub == null ? 0 : sub.silentRestarts(),
        inboxReads.get());
  }

  /**
   * A node's counters.
   *
   * @param connections connections open
   * @param users users with a connection
   * @param delivered events sent to connections (each connection counts)
   * @param acknowledged acknowledgements received
   * @param refused connections refused (token, limits)
   * @param subscribed whether the Redis subscription is confirmed and answering
   * @param subscriptions subscriptions confirmed so far (1 plus the reconnects)
   * @param silentRestarts subscriptions closed because Redis stopped answering on them
   * @param inboxReads inbox reads (at connect, after a gap or a new subscription)
   */
  public record Stats(
      int connections,
      int users,
      long delivered,
      long acknowledged,
      long refused,
      boolean subscribed,
      long subscriptions,
      long silentRestarts,
      long inboxReads) {}

  /** Disconnects every client, writes the pending acknowledgements and stops. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (subscription != null) {
      subscription.close();
    }
    if (server != null) {
      server.stop();
    }
    catchUp.shutdownNow();
    retries.shutdownNow();
    if (acks != null) {
      acks.close();
    }
  }

  // -- connecting

  private String authenticate(String token) {
    try {
      PushUser user = authenticator.authenticate(token);
      if (user == null) {
        refused.incrementAndGet();
      }
      return user == null ? null : user.id();
    } catch (Exception e) {
      refused.incrementAndGet();
      LOG.debug("push: a token was refused: {}", e.getClass().getSimpleName());
      return null;
    }
  }

  private AuthTokenResult authenticatePayload(Object payload, SocketIOClient client) {
    Object token = payload instanceof Map<?, ?> map ? map.get("token") : null;
    if (!(token instanceof String text) || text.isEmpty()) {
      if (client.get(USER) != null) {
        return AuthTokenResult.AuthTokenResultSuccess;
      }
      refused.incrementAndGet();
      client.set(REFUSED, Boolean.TRUE);
      return new AuthTokenResult(false, Map.of("message", "token required"));
    }
    String user = authenticate(text);
    String fromQuery = client.get(USER);
    if (user == null || (fromQuery != null && !fromQuery.equals(user))) {
      client.set(REFUSED, Boolean.TRUE);
      return new AuthTokenResult(false, Map.of("message", "invalid token"));
    }
    client.set(USER, user);
    return AuthTokenResult.AuthTokenResultSuccess;
  }

  /**
   * netty-socketio calls the connect listeners once, when the transport handshake completes. An
   * Engine.IO 3 client is connected to the namespace then and admitted at once; an Engine.IO 4
   * client is admitted when its CONNECT packet has been handled ({@link #onNamespaceConnect}), so
   * that what it is sent comes after the CONNECT answer. Until then it counts against {@link
   * PushConfig#maxConnections()}; one that does not connect within {@link
   * PushConfig#connectTimeout()} is closed.
   */
  private void onConnect(SocketIOClient client) {
    if (client.getEngineIOVersion() != EngineIOVersion.V4) {
      admit(client);
      return;
    }
    UUID sessionId = client.getSessionId();
    // sessions still connecting count against the node's limit: they hold sockets too
    if (connections.get() + pending.size() >= config.maxConnections()) {
      refused.incrementAndGet();
      close(client);
      return;
    }
    pending.add(sessionId);
    retries.schedule(
        () -> {
          if (pending.remove(sessionId)) {
            refused.incrementAndGet();
            close(client);
          }
        },
        config.connectTimeout().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void onNamespaceConnect(ClientHead head) {
    NamespaceClient client = head.getChildClient(mainNamespace);
    if (client == null
        || Boolean.TRUE.equals(client.get(REFUSED))
        || bySession.containsKey(client.getSessionId())
        || !connected(client)
        || !pending.remove(client.getSessionId())) {
      return; // refused, admitted already, gone, or timed out
    }
    admit(client);
  }

  private void admit(SocketIOClient client) {
    String userId = client.get(USER);
    if (userId == null) {
      refused.incrementAndGet();
      refuse(client, "unauthorized", "a token is required");
      return;
    }
    if (connections.incrementAndGet() > config.maxConnections()) {
      connections.decrementAndGet();
      refused.incrementAndGet();
      refuse(client, "node_full", "this node has the most connections it accepts");
      return;
    }
    Session session = new Session(client, userId);
    Set<Session> mine = byUser.computeIfAbsent(userId, k -> ConcurrentHashMap.newKeySet());
    synchronized (mine) {
      if (mine.size() >= config.maxConnectionsPerUser()) {
        connections.decrementAndGet();
        refused.incrementAndGet();
        refuse(client, "too_many_connections", "this user has the most connections allowed");
        return;
      }
      mine.add(session);
    }
    bySession.put(client.getSessionId(), session);
    client.joinRoom(userId);
    Set<String> extra = rooms.apply(new PushUser(userId));
    if (extra != null) {
      for (String room : extra) {
        client.joinRoom(room);
      }
    }
    if (!connected(client)) {
      // it went while being admitted: the disconnect listener may have run before it was known
      onDisconnect(client);
      return;
    }
    startCatchUp(session);
  }

  /**
   * Whether the Engine.IO session is still there (not whether a socket is open now: a polling
   * client has none between two requests).
   */
  private static boolean connected(SocketIOClient client) {
    return client instanceof NamespaceClient namespaceClient
        ? namespaceClient.getBaseClient().isConnected()
        : client.isChannelOpen();
  }

  private void refuse(SocketIOClient client, String code, String message) {
    client.sendEvent("push error", Map.of("code", code, "message", message));
    close(client);
  }

  /**
   * Ends the whole Engine.IO session and its socket, not only the namespace connection (which a
   * hostile client could ignore).
   */
  private static void close(SocketIOClient client) {
    if (client instanceof NamespaceClient namespaceClient) {
      namespaceClient.getBaseClient().disconnect();
    } else {
      client.disconnect();
    }
  }

  private void onDisconnect(SocketIOClient client) {
    pending.remove(client.getSessionId());
    Session session = bySession.remove(client.getSessionId());
    if (session == null) {
      return;
    }
    synchronized (session) {
      session.closed = true;
    }
    connections.decrementAndGet();
    Set<Session> mine = byUser.get(session.user);
    if (mine != null) {
      synchronized (mine) {
        mine.remove(session);
        if (mine.isEmpty()) {
          byUser.remove(session.user, mine);
        }
      }
    }
  }

  // -- delivering

  private void onMessage(String message) {
    JsonNode m;
    try {
      m = json.readTree(message);
    } catch (JsonProcessingException e) {
      LOG.warn("push: a message on {} is not JSON; ignored", config.channel());
      return;
    }
    String event = m.path("e").asText(null);
    JsonNode data = parse(m.path("d").asText("null"));
    if (event == null || data == null) {
      LOG.warn("push: a message on {} has no event or data; ignored", config.channel());
      return;
    }
    if (m.hasNonNull("u")) {
      deliverLive(m.path("u").asText(), m.path("id").asText(), m.path("p").asText(), event, data);
    } else if (m.hasNonNull("r")) {
      server.getRoomOperations(m.path("r").asText()).sendEvent(event, data);
    } else if (m.path("b").asBoolean(false)) {
      // admitted connections only: a connection still without a user must get nothing
      for (Session session : bySession.values()) {
        session.client.sendEvent(event, data);
      }
    }
  }

  private JsonNode parse(String data) {
    try {
      return json.readTree(data);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private void deliverLive(String userId, String id, String previous, String event, JsonNode data) {
    Set<Session> mine = byUser.get(userId);
    if (mine == null || !Inbox.isId(id) || !Inbox.isId(previous)) {
      return;
    }
    for (Session session : mine) {
      boolean gap = false;
      synchronized (session) {
        if (session.closed) {
          continue;
        }
        if (!session.catchingUp && previous.equals(session.last)) {
          emit(session, id, event, data);
        } else if (session.catchingUp || Inbox.compare(id, session.last) > 0) {
          // being caught up, or something between what it has and this one was missed
          gap = true;
        }
      }
      if (gap) {
        startCatchUp(session); // reads the inbox, or marks the running catch-up to read again
      }
    }
  }

  /** Under the session's lock. */
  private void emit(Session session, String id, String event, JsonNode data) {
    session.last = id;
    delivered.incrementAndGet();
    String user = session.user;
    session.client.sendEvent(
        event,
        new AckCallback<>(Object.class, (int) config.ackTimeout().toSeconds()) {
          @Override
          public void onSuccess(Object result) {
            acknowledged.incrementAndGet();
            acks.acknowledge(user, id);
          }
        },
        data,
        id);
  }

  private void catchUpAll() {
    for (Session session : bySession.values()) {
      startCatchUp(session);
    }
  }

  private void startCatchUp(Session session) {
    synchronized (session) {
      if (session.closed) {
        return;
      }
      if (session.catchingUp) {
        session.dirty = true;
        return;
      }
      session.catchingUp = true;
    }
    submitCatchUp(session);
  }

  private void submitCatchUp(Session session) {
    try {
      catchUp.execute(() -> catchUp(session));
    } catch (RejectedExecutionException e) {
      LOG.trace("push: node closing, no catch-up");
    }
  }

  private void catchUp(Session session) {
    String inbox = config.inboxKey(session.user);
    try {
      String from;
      synchronized (session) {
        from = session.last;
      }
      if (from == null) {
        from = Inbox.acknowledged(redis, config, session.user);
        synchronized (session) {
          session.last = from;
        }
      }
      while (true) {
        inboxReads.incrementAndGet();
        List<StreamEntry> batch = redis.xrange(inbox, "(" + from, "+", config.replayBatch());
        synchronized (session) {
          if (session.closed) {
            return;
          }
          for (StreamEntry entry : batch) {
            String id = entry.getID().toString();
            if (Inbox.compare(id, session.last) > 0) {
              JsonNode data = parse(entry.getFields().getOrDefault("d", "null"));
              emit(session, id, entry.getFields().getOrDefault("e", "message"), data);
            }
          }
          from = session.last;
          if (batch.size() < config.replayBatch() && !session.dirty) {
            session.catchingUp = false;
            return;
          }
          session.dirty = false;
        }
      }
    } catch (JedisException | IllegalArgumentException e) {
      LOG.debug("push: catching up user {} failed, retrying: {}", session.user, e.toString());
      try {
        retries.schedule(() -> submitCatchUp(session), 1, TimeUnit.SECONDS);
      } catch (RejectedExecutionException closing) {
        LOG.trace("push: node closing, no retry");
      }
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new PushException("could not find a free port", e);
    }
  }

  /** One connection's delivery state; guarded by its own monitor. */
  private static final class Session {
    final SocketIOClient client;
    final String user;
    String last;
    boolean catchingUp;
    boolean dirty;
    boolean closed;

    Session(SocketIOClient client, String user) {
      this.client = client;
      this.user = user;
    }
  }

  /** Builds a {@link PushServer}. */
  public static final class Builder {
    private final UnifiedJedis redis;
    private final Supplier<HostAndPort> subscribeTo;
    private final JedisClientConfig subscribeConfig;
    private final PushAuthenticator authenticator;
    private PushConfig config = PushConfig.defaults();
    private Function<PushUser, Set<String>> rooms = user -> Set.of();
    private ObjectMapper json = new ObjectMapper();
    private int catchUpThreads = 4;

    private Builder(
        UnifiedJedis redis,
        Supplier<HostAndPort> subscribeTo,
        JedisClientConfig subscribeConfig,
        PushAuthenticator authenticator) {
      this.redis = Objects.requireNonNull(redis, "redis must not be null");
      this.subscribeTo = Objects.requireNonNull(subscribeTo, "subscribeTo must not be null");
      this.subscribeConfig =
          Objects.requireNonNull(subscribeConfig, "subscribeConfig must not be null");
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator must not be null");
    }

    /**
     * @param config the settings (the same key prefix and channel as the publishers')
     * @return this
     */
    public Builder config(PushConfig config) {
      this.config = Objects.requireNonNull(config, "config must not be null");
      return this;
    }

    /**
     * @param rooms the rooms a user's connections join besides the user's own (e.g. channels
     *     followed); called on connect
     * @return this
     */
    public Builder rooms(Function<PushUser, Set<String>> rooms) {
      this.rooms = Objects.requireNonNull(rooms, "rooms must not be null");
      return this;
    }

    /**
     * @param json how messages from Redis are read
     * @return this
     */
    public Builder json(ObjectMapper json) {
      this.json = Objects.requireNonNull(json, "json must not be null");
      return this;
    }

    /**
     * @param threads threads that read inboxes when clients connect or catch up, 1 to 64
     * @return this
     */
    public Builder catchUpThreads(int threads) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException(
            "catchUpThreads must be between 1 and 64, got " + threads);
      }
      this.catchUpThreads = threads;
      return this;
    }

    /**
     * Builds the node (not started).
     *
     * @return the node
     */
    public PushServer build() {
      return new PushServer(this);
    }
  }
}
