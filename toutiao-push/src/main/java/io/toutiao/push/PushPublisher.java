package io.toutiao.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.toutiao.push.internal.Inbox;
import io.toutiao.push.internal.Names;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The web app's side of the push service: sends events to users (or rooms) through Redis, and every
 * {@link PushServer} node delivers them to its local connections. The app never talks to clients
 * itself, as in the reference, where a message queue sits in between.
 *
 * <p><b>Events to a user</b> are appended to the user's inbox, a Redis stream bounded by {@link
 * PushConfig#inboxMaxEvents()} and {@link PushConfig#inboxMaxAge()}, and published in the same
 * script. A node delivers them in inbox order to each of the user's connections, the user's earlier
 * unacknowledged events first when the user connects, and moves the user's acknowledged cursor as
 * the client acknowledges. Delivery is at least once: an event delivered but not yet acknowledged
 * when a connection ends is delivered again at the next connect, with the same id.
 *
 * <p><b>Events to a room or to everyone</b> are published only: delivered to whoever is connected
 * now, kept nowhere.
 *
 * <p>Thread-safe. Errors: {@link PushRequestException} for refused arguments, {@link
 * PushUnavailableException} when Redis fails (the event may or may not have been stored).
 */
public final class PushPublisher {

  private final UnifiedJedis redis;
  private final PushConfig config;
  private final ObjectMapper json;

  /**
   * Creates a publisher.
   *
   * @param redis the Redis client (standalone, Sentinel or Cluster)
   * @param config the settings shared with the nodes
   */
  public PushPublisher(UnifiedJedis redis, PushConfig config) {
    this(redis, config, new ObjectMapper());
  }

  /**
   * Creates a publisher that writes data with the given mapper.
   *
   * @param redis the Redis client
   * @param config the settings shared with the nodes
   * @param json how event data is written as JSON
   */
  public PushPublisher(UnifiedJedis redis, PushConfig config, ObjectMapper json) {
    this.redis = Objects.requireNonNull(redis, "redis must not be null");
    this.config = Objects.requireNonNull(config, "config must not be null");
    this.json = Objects.requireNonNull(json, "json must not be null");
  }

  /**
   * Sends an event to a user: kept in the user's inbox and delivered to every connection of the
   * user, now or when the user connects.
   *
   * @param userId the receiver
   * @param event the Socket.IO event name
   * @param data the data, written as JSON (a map, a record, a string, null)
   * @return the event's inbox id
   * @throws PushRequestException when the user id, event name or data size is refused
   * @throws PushUnavailableException when Redis fails
   */
  public String toUser(String userId, String event, Object data) {
    Names.requireName("user id", userId);
    Names.requireEvent(event);
    String body = write(data);
    try {
      Object id =
          redis.eval(
              Inbox.APPEND,
              List.of(config.inboxKey(userId), config.ackedKey(userId)),
              Inbox.appendArgs(config, userId, event, body));
      return (String) id;
    } catch (JedisException e) {
      throw new PushUnavailableException(
          "could not send '" + event + "' to user " + userId + ": " + e.getMessage(), e);
    }
  }

  /**
   * Sends one of the reference's notifications to a user.
   *
   * @param userId the receiver (e.g. the followed user)
   * @param notification what happened
   * @return the event's inbox id
   */
  public String notify(String userId, Notification notification) {
    Objects.requireNonNull(notification, "notification must not be null");
    return toUser(userId, notification.kind().event(), notification.data());
  }

  /**
   * Sends an event to the connections in a room now (kept nowhere).
   *
   * @param room the room
   * @param event the event name
   * @param data the data
   * @return the number of nodes that received it
   */
  public long toRoom(String room, String event, Object data) {
    Names.requireName("room", room);
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("r", room);
    return publishLive(message, event, data);
  }

  /**
   * Sends an event to every connection now (kept nowhere).
   *
   * @param event the event name
   * @param data the data
   * @return the number of nodes that received it
   */
  public long broadcast(String event, Object data) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("b", true);
    return publishLive(message, event, data);
  }

  /**
   * Returns a user's events not yet acknowledged, oldest first: what the user gets at the next
   * connect.
   *
   * @param userId the user
   * @param limit at most this many, 1 to 10,000
   * @return the events
   */
  public List<PushEvent> pending(String userId, int limit) {
    Names.requireName("user id", userId);
    if (limit < 1 || limit > 10_000) {
      throw new PushRequestException("limit must be between 1 and 10000, got " + limit);
    }
    try {
      String from = "(" + Inbox.acknowledged(redis, config, userId);
      List<PushEvent> events = new ArrayList<>();
      for (StreamEntry entry : redis.xrange(config.inboxKey(userId), from, "+", limit)) {
        events.add(
            new PushEvent(
                entry.getID().toString(), entry.getFields().get("e"), entry.getFields().get("d")));
      }
      return events;
    } catch (JedisException e) {
      throw new PushUnavailableException(
          "could not read the inbox of user " + userId + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns the settings.
   *
   * @return the settings
   */
  public PushConfig config() {
    return config;
  }

  private long publishLive(Map<String, Object> message, String event, Object data) {
    Names.requireEvent(event);
    message.put("e", event);
    message.put("d", write(data));
    try {
      return redis.publish(config.channel(), json.writeValueAsString(message));
    } catch (JsonProcessingException e) {
      throw new PushRequestException("could not write the message of '" + event + "'", e);
    } catch (JedisException e) {
      throw new PushUnavailableException("could not publish '" + event + "': " + e.getMessage(), e);
    }
  }

  private String write(Object data) {
    String body;
    try {
      body = json.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new PushRequestException(
          "event data of type " + data.getClass().getName() + " cannot be written as JSON", e);
    }
    int bytes = body.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > config.maxEventBytes()) {
      throw new PushRequestException(
          "event data has "
              + bytes
              + " bytes of JSON, more than maxEventBytes "
              + config.maxEventBytes());
    }
    return body;
  }
}
