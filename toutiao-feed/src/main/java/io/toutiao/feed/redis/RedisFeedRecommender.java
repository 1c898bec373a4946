package io.toutiao.feed.redis;

import io.toutiao.feed.FeedArticle;
import io.toutiao.feed.FeedPage;
import io.toutiao.feed.FeedRequest;
import io.toutiao.feed.FeedSource;
import io.toutiao.feed.FeedUnavailableException;
import io.toutiao.feed.TrackSigner;
import io.toutiao.feed.internal.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.Tuple;

/**
 * The default recommender: recency recall from Redis, usable as is and as a fallback.
 *
 * <ul>
 *   <li>Recall: the channel's sorted set {@code ch:{channel}:art:new} (member = article id, score =
 *       publish time in epoch ms), newest first, older than the request's cursor.
 *   <li>Filtering: articles in the reader's history {@code user:{user}:his:reading} (the
 *       reference's sorted set; its newest {@link Builder#maxHistory} entries) are left out;
 *       anonymous readers ({@code anony}) get everything. Pinned articles never appear in the
 *       stream.
 *   <li>Pinned: on the first page (the cursor is 0 or newer than the channel's newest article), the
 *       channel's pinned articles {@code ch:{channel}:art:top} (highest score first) come before
 *       the page, in addition to it.
 *   <li>Paging: the next cursor is the publish time of the last article scanned; a page never ends
 *       inside a group of articles published in the same millisecond (it takes the whole group), so
 *       paging through a channel returns every article once. 0 means there is no older page.
 *   <li>Tracks: every article carries signed tracks and the page a signed exposure ({@link
 *       TrackSigner}), with the configured algorithm name.
 * </ul>
 *
 * <p>A Redis failure raises {@link FeedUnavailableException} (served as {@code UNAVAILABLE}, so
 * clients retry or fall back). Thread-safe.
 */
public final class RedisFeedRecommender implements FeedSource {

  /** Default channel key pattern; {@code {channel}} is replaced by the channel id. */
  public static final String DEFAULT_CHANNEL_KEY = "ch:{channel}:art:new";

  /** Default pinned key pattern, as the reference. */
  public static final String DEFAULT_PINNED_KEY = "ch:{channel}:art:top";

  /** Default reading-history key pattern, as the reference; {@code {user}} is the user id. */
  public static final String DEFAULT_HISTORY_KEY = "user:{user}:his:reading";

  /** Default algorithm name in tracks. */
  public static final String DEFAULT_ALGO = "recency";

  /** Default number of history entries read per request. */
  public static final int DEFAULT_MAX_HISTORY = 1000;

  /** Most pinned articles shown on a first page. */
  public static final int MAX_PINNED = 50;

  private static final int BATCH = 200;

  private final UnifiedJedis jedis;
  private final TrackSigner signer;
  private final String channelKey;
  private final String pinnedKey;
  private final String historyKey;
  private final String algo;
  private final int maxHistory;
  private final boolean pinnedFirst;

  private RedisFeedRecommender(Builder b) {
    this.jedis = b.jedis;
    this.signer = b.signer;
    this.channelKey = b.channelKey;
    this.pinnedKey = b.pinnedKey;
    this.historyKey = b.historyKey;
    this.algo = b.algo;
    this.maxHistory = b.maxHistory;
    this.pinnedFirst = b.pinnedFirst;
  }

  /**
   * Starts configuring a recommender.
   *
   * @param jedis the Redis client (standalone, Sentinel or Cluster)
   * @param signer signs the tracks
   * @return a builder
   */
  public static Builder builder(UnifiedJedis jedis, TrackSigner signer) {
    return new Builder(
        Objects.requireNonNull(jedis, "jedis must not be null"),
        Objects.requireNonNull(signer, "signer must not be null"));
  }

  @Override
  public FeedPage recommend(FeedRequest request) {
    try {
      return page(request);
    } catch (JedisException e) {
      throw new FeedUnavailableException(
          "Redis failed while recommending channel " + request.channelId() + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Publishes an article into its channel's stream.
   *
   * @param channelId the channel
   * @param articleId the article
   * @param publishedAtMillis its publish time, the paging key
   */
  public void publish(int channelId, long articleId, long publishedAtMillis) {
    jedis.zadd(key(channelKey, channelId), publishedAtMillis, Long.toString(articleId));
  }

  /**
   * Takes an article out of its channel (deleted, withdrawn, unapproved).
   *
   * @param channelId the channel
   * @param articleId the article
   */
  public void withdraw(int channelId, long articleId) {
    jedis.zrem(key(channelKey, channelId), Long.toString(articleId));
  }

  /**
   * Pins an article on top of its channel.
   *
   * @param channelId the channel
   * @param articleId the article
   * @param rank higher ranks come first
   */
  public void pin(int channelId, long articleId, double rank) {
    jedis.zadd(key(pinnedKey, channelId), rank, Long.toString(articleId));
  }

  /**
   * Unpins an article.
   *
   * @param channelId the channel
   * @param articleId the article
   */
  public void unpin(int channelId, long articleId) {
    jedis.zrem(key(pinnedKey, channelId), Long.toString(articleId));
  }

  /**
   * The channel's pinned articles, highest rank first (at most {@link #MAX_PINNED}): for a host
   * that shows them itself, e.g. to leave them out when its endpoint is asked without them.
   *
   * @param channelId the channel
   * @return the pinned article ids
   */
  public List<Long> pinned(int channelId) {
    return ids(jedis.zrevrange(key(pinnedKey, channelId), 0, MAX_PINNED - 1));
  }

  private FeedPage page(FeedRequest request) {
    String stream = key(channelKey, request.channelId());
    long olderThan = request.olderThan();
    List<Long> pinned =
        ids(jedis.zrevrange(key(pinnedKey, request.channelId()), 0, MAX_PINNED - 1));
    Set<Long> skip = new HashSet<>(pinned);
    if (!request.isAnonymous()) {
      skip.addAll(
          ids(jedis.zrevrange(historyKey.replace("{user}", request.userId()), 0, maxHistory - 1)));
    }
    Set<Long> chosen = new LinkedHashSet<>();
    if (pinnedFirst && isFirstPage(stream, olderThan)) {
      chosen.addAll(pinned);
    }
    int wanted = chosen.size() + request.articleNum();
    String max = olderThan == Long.MAX_VALUE ? "+inf" : "(" + olderThan;
    int skipAtMax = 0;
    double last = Double.NaN;
    int seenAtLast = 0;
    boolean exhausted = false;
    scan:
    while (true) {
      List<Tuple> batch = jedis.zrevrangeByScoreWithScores(stream, max, "-inf", skipAtMax, BATCH);
      for (Tuple t : batch) {
        double score = t.getScore();
        if (chosen.size() >= wanted && score < last) {
          break scan;
        }
        if (score != last) {
          last = score;
          seenAtLast = 0;
        }
        seenAtLast++;
        Long id = parse(t.getElement());
        if (id != null && !skip.contains(id)) {
          chosen.add(id);
        }
      }
      if (batch.size() < BATCH) {
        exhausted = true;
        break;
      }
      // Continue at the last score seen, past the members of that score already read: a page
      // never splits a group of equal publish times, even across batches.
      max = scoreText(last);
      skipAtMax = seenAtLast;
    }
    List<FeedArticle> articles = new ArrayList<>(chosen.size());
    for (Long id : chosen) {
      articles.add(new FeedArticle(id, signer.track(request.userId(), id, algo)));
    }
    long next = exhausted || Double.isNaN(last) ? 0 : (long) last;
    return FeedPage.of(
        articles, next, signer.exposure(request.userId(), List.copyOf(chosen), algo));
  }

  private boolean isFirstPage(String stream, long olderThan) {
    if (olderThan == Long.MAX_VALUE) {
      return true;
    }
    List<Tuple> newest = jedis.zrevrangeWithScores(stream, 0, 0);
    return newest.isEmpty() || newest.get(0).getScore() < olderThan;
  }

  private static String scoreText(double score) {
    return score == Math.rint(score) && Math.abs(score) < 1e15
        ? Long.toString((long) score)
        : Double.toString(score);
  }

  private static List<Long> ids(List<String> members) {
    List<Long> ids = new ArrayList<>(members.size());
    for (String m : members) {
      Long id = parse(m);
      if (id != null) {
        ids.add(id);
      }
    }
    return ids;
  }

  private static Long parse(String member) {
    try {
      return Long.parseLong(member);
    } catch (NumberFormatException e) {
      return null; // not an article id: ignored rather than failing the page
    }
  }

  private static String key(String pattern, int channelId) {
    return pattern.replace("{channel}", Integer.toString(channelId));
  }

  @Override
  public String toString() {
    return "RedisFeedRecommender{channelKey=" + channelKey + ", algo=" + algo + "}";
  }

  /** Configures a {@link RedisFeedRecommender}. Not thread-safe. */
  public static final class Builder {
    private final UnifiedJedis jedis;
    private final TrackSigner signer;
    private String channelKey = DEFAULT_CHANNEL_KEY;
    private String pinnedKey = DEFAULT_PINNED_KEY;
    private String historyKey = DEFAULT_HISTORY_KEY;
    private String algo = DEFAULT_ALGO;
    private int maxHistory = DEFAULT_MAX_HISTORY;
    private boolean pinnedFirst = true;

    private Builder(UnifiedJedis jedis, TrackSigner signer) {
      this.jedis = jedis;
      this.signer = signer;
    }

    /**
     * The key patterns.
     *
     * @param channel the channel stream's, containing {@code {channel}}
     * @param pinned the pinned set's, containing {@code {channel}}
     * @param history the reading history's, containing {@code {user}}
     * @return this builder
     */
    public Builder keys(String channel, String pinned, String history) {
      this.channelKey = pattern("channel key", channel, "{channel}");
      this.pinnedKey = pattern("pinned key", pinned, "{channel}");
      this.historyKey = pattern("history key", history, "{user}");
      return this;
    }

    /**
     * The algorithm name in tracks. Default {@link #DEFAULT_ALGO}.
     *
     * @param value 1 to 64 of {@code [A-Za-z0-9_.:-]}
     * @return this builder
     */
    public Builder algoCombine(String value) {
      this.algo = Names.check("algoCombine", value);
      return this;
    }

    /**
     * How many of the newest history entries are left out. Default {@link #DEFAULT_MAX_HISTORY}.
     *
     * @param value 0 to 100000
     * @return this builder
     */
    public Builder maxHistory(int value) {
      if (value < 0 || value > 100_000) {
        throw new IllegalArgumentException("maxHistory must be in [0, 100000], got " + value);
      }
      this.maxHistory = value;
      return this;
    }

    /**
     * Whether pinned articles come first on the first page. Default true.
     *
     * @param value false to leave them to the host (they stay out of the stream either way)
     * @return this builder
     */
    public Builder pinnedFirst(boolean value) {
      this.pinnedFirst = value;
      return this;
    }

    /**
     * Builds the recommender.
     *
     * @return the recommender
     */
    public RedisFeedRecommender build() {
      return new RedisFeedRecommender(this);
    }

    private static String pattern(String name, String value, String placeholder) {
      Objects.requireNonNull(value, name + " must not be null");
      if (!value.contains(placeholder)) {
        throw new IllegalArgumentException(
            name + " pattern must contain " + placeholder + ", got \"" + value + "\"");
      }
      return value;
    }
  }
}
