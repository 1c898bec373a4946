package io.toutiao.push.internal;

import io.toutiao.push.PushConfig;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis side of the inboxes, shared by the publisher and the nodes: the scripts and the id
 * order. Each script touches the two keys of one user, which share a hash slot. Internal.
 */
public final class Inbox {

  /**
   * Appends an event to a user's inbox and publishes it with the id of the entry before it, so a
   * node can tell whether a connection has seen everything up to it. KEYS: inbox, acked. ARGV: max
   * events, max age ms, channel, event, data, user.
   */
  public static final String APPEND =
      """
      local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
      local prev = '0-0'
      if #last > 0 then prev = last[1][1] end
      local id = redis.call('XADD', KEYS[1], 'MAXLEN', '=', ARGV[1], '*', 'e', ARGV[4], 'd', ARGV[5])
      local now = redis.call('TIME')
      local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[2])
      if oldest > 0 then redis.call('XTRIM', KEYS[1], 'MINID', '=', string.format('%d', oldest)) end
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      redis.call('PEXPIRE', KEYS[2], ARGV[2])
      redis.call('PUBLISH', ARGV[3], cjson.encode({u = ARGV[6], id = id, p = prev, e = ARGV[4], d = ARGV[5]}))
      return id
      """;

  /**
   * Moves a user's acknowledged cursor forward, never back. KEYS: acked. ARGV: id, ttl ms. Returns
   * 1 when moved.
   */
  public static final String ACKNOWLEDGE =
      """
      local cur = redis.call('GET', KEYS[1])
      if cur then
        local cm, cs = string.match(cur, '^(%d+)-(%d+)$')
        local nm, ns = string.match(ARGV[1], '^(%d+)-(%d+)$')
        if cm and nm then
          cm, cs, nm, ns = tonumber(cm), tonumber(cs), tonumber(nm), tonumber(ns)
          if cm > nm or (cm == nm and cs >= ns) then return 0 end
        end
      end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      return 1
      """;

  /** The id before every entry. */
  public static final String START = "0-0";

  private Inbox() {}

  /**
   * The arguments of {@link #APPEND}.
   *
   * @param config the settings
   * @param userId the receiver
   * @param event the event name
   * @param data the data as JSON
   * @return the ARGV list
   */
  public static List<String> appendArgs(
      PushConfig config, String userId, String event, String data) {
    return List.of(
        Integer.toString(config.inboxMaxEvents()),
        Long.toString(config.inboxMaxAge().toMillis()),
        config.channel(),
        event,
        data,
        userId);
  }

  /**
   * Reads a user's acknowledged cursor: where delivery to a new connection starts (exclusive).
   *
   * @param redis the client
   * @param config the settings
   * @param userId the user
   * @return the acknowledged id, or {@link #START} when there is none (or it is not an id)
   */
  public static String acknowledged(UnifiedJedis redis, PushConfig config, String userId) {
    String acked = redis.get(config.ackedKey(userId));
    return acked != null && isId(acked) ? acked : START;
  }

  /**
   * Compares two stream ids ({@code ms-seq}).
   *
   * @param a an id
   * @param b another id
   * @return negative, zero or positive as a is before, equal to or after b
   */
  public static int compare(String a, String b) {
    int da = a.indexOf('-');
    int db = b.indexOf('-');
    int c =
        Long.compareUnsigned(
            Long.parseUnsignedLong(a, 0, da, 10), Long.parseUnsignedLong(b, 0, db, 10));
    return c != 0
        ? c
        : Long.compareUnsigned(
            Long.parseUnsignedLong(a, da + 1, a.length(), 10),
            Long.parseUnsignedLong(b, db + 1, b.length(), 10));
  }

  /**
   * Tells whether a string is a stream id.
   *
   * @param id the string
   * @return true for {@code digits-digits} within range
   */
  public static boolean isId(String id) {
    if (id == null || id.length() > 41) {
      return false;
    }
    int dash = id.indexOf('-');
    if (dash <= 0 || dash == id.length() - 1) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (i != dash && (c < '0' || c > '9')) {
        return false;
      }
    }
    try {
      Long.parseUnsignedLong(id, 0, dash, 10);
      Long.parseUnsignedLong(id, dash + 1, id.length(), 10);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
