package io.toutiao.feed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toutiao.feed.BehaviourEvent.Action;
import io.toutiao.feed.internal.Names;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds the behaviour tracks of recommended articles and checks the ones the app gets back.
 *
 * <p>A track is the reference's JSON ({@code action}, {@code userId}, {@code articleId}, {@code
 * algoCombine}) plus {@code iat} (issue time, epoch ms), {@code kid} (the key's id) and {@code sig}
 * (HMAC-SHA256 over all of them, base64url). A client can therefore not forge an event for another
 * user or article, replay a track older than {@link Builder#maxAge}, or alter any field: {@link
 * #verify} refuses it with a {@link TrackException}. Keys rotate by adding a new key, making it
 * active, and removing the old one after {@code maxAge}.
 *
 * <p>Instances are immutable and thread-safe; secrets are never in {@code toString()} or messages.
 */
public final class TrackSigner {

  /** Default of {@link Builder#maxAge}: a track older than this is refused. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);

  /** A track issued further in the future than this (clock skew between nodes) is refused. */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(1);

  /** The longest track {@link #verify} reads; longer input is refused unread. */
  public static final int MAX_TRACK_LENGTH = 4096;

  /** The shortest HMAC secret accepted, in bytes (the HMAC-SHA256 output size). */
  public static final int MIN_SECRET_BYTES = 32;

  private static final String HMAC = "HmacSHA256";
  private static final Set<String> FIELDS =
      Set.of("action", "userId", "articleId", "algoCombine", "iat", "kid", "sig");
  private static final int MAX_EXPOSED = 1000;
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Map<String, SecretKeySpec> keys;
  private final String activeKeyId;
  private final Duration maxAge;
  private final Clock clock;

  private TrackSigner(Builder b) {
    this.keys = Map.copyOf(b.keys);
    this.activeKeyId = b.activeKeyId;
    this.maxAge = b.maxAge;
    this.clock = b.clock;
  }

  /**
   * Starts a signer.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The four tracks of one recommended article.
   *
   * @param userId the reader ({@code anony} for anonymous)
   * @param articleId the article
   * @param algoCombine the algorithm's name: 1 to 64 of {@code [A-Za-z0-9_.:-]}
   * @return the signed click, collect, share and read tracks
   */
  public Track track(String userId, long articleId, String algoCombine) {
    checkInputs(userId, algoCombine);
    String id = Long.toString(articleId);
    long iat = clock.millis();
    return new Track(
        sign(Action.CLICK, userId, id, algoCombine, iat),
        sign(Action.COLLECT, userId, id, algoCombine, iat),
        sign(Action.SHARE, userId, id, algoCombine, iat),
        sign(Action.READ, userId, id, algoCombine, iat));
  }

  /**
   * The exposure track of a page: the reference's {@code articleId} is the JSON list of the page's
   * ids, as a string.
   *
   * @param userId the reader
   * @param articleIds the page's articles, in order
   * @param algoCombine the algorithm's name
   * @return the signed exposure track
   */
  public String exposure(String userId, List<Long> articleIds, String algoCombine) {
    checkInputs(userId, algoCombine);
    if (articleIds.size() > MAX_EXPOSED) {
      throw new IllegalArgumentException(
          "an exposure lists at most " + MAX_EXPOSED + " articles, got " + articleIds.size());
    }
    StringBuilder ids = new StringBuilder("[");
    for (int i = 0; i < articleIds.size(); i++) {
      ids.append(i == 0 ? "" : ",").append(articleIds.get(i).longValue());
    }
    return sign(Action.EXPOSURE, userId, ids.append(']').toString(), algoCombine, clock.millis());
  }

  /**
   * Checks a track the app received and returns its event.
   *
   * @param track the track string as received
   * @return the event the service signed
   * @throws TrackException if the track is null, too long, malformed, altered, signed with an
   *     unknown key, issued in the future or older than the maximum age
   */
  public BehaviourEvent verify(String track) {
    if (track == null || track.isEmpty()) {
      throw new TrackException("track is missing");
    }
    if (track.length() > MAX_TRACK_LENGTH) {
      throw new TrackException(
          "track is " + track.length() + " characters, at most " + MAX_TRACK_LENGTH + " allowed");
    }
    Map<String, String> fields = readFields(track);
    String kid = fields.get("kid");
    SecretKeySpec key = keys.get(kid);
    if (key == null) {
      throw new TrackException("track is signed with an unknown key");
    }
    byte[] given = decodeSignature(fields.get("sig"));
    long iat = parseIat(fields.get("iat"));
    Action action = Action.fromWireName(fields.get("action"));
    if (action == null) {
      throw new TrackException("track has an unknown action");
    }
    String userId = fields.get("userId");
    String algo = fields.get("algoCombine");
    String articleId = fields.get("articleId");
    byte[] expected = mac(key, canonical(action, userId, articleId, algo, iat, kid));
    if (!MessageDigest.isEqual(expected, given)) {
      throw new TrackException("track signature does not match its content");
    }
    // Checked after the signature so that an altered field reads as an alteration.
    if (!FeedRequest.isValidUserId(userId) || !Names.isValid(algo)) {
      throw new TrackException("track has an invalid userId or algoCombine");
    }
    long now = clock.millis();
    if (iat > now + MAX_CLOCK_SKEW.toMillis()) {
      throw new TrackException("track is issued in the future");
    }
    if (now - iat > maxAge.toMillis()) {
      throw new TrackException("track has expired (older than " + maxAge + ")");
    }
    return new BehaviourEvent(
        action, userId, parseIds(action, articleId), algo, Instant.ofEpochMilli(iat));
  }

  private String sign(Action action, String userId, String articleId, String algo, long iat) {
    SecretKeySpec key = keys.get(activeKeyId);
    String sig =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(mac(key, canonical(action, userId, articleId, algo, iat, activeKeyId)));
    ObjectNode node = JSON.createObjectNode();
    node.put("action", action.wireName());
    node.put("userId", userId);
    node.put("articleId", articleId);
    node.put("algoCombine", algo);
    node.put("iat", iat);
    node.put("kid", activeKeyId);
    node.put("sig", sig);
    return node.toString();
  }

  private static byte[] canonical(
      Action action, String userId, String articleId, String algo, long iat, String kid) {
    return String.join(
            "\n",
            "toutiao-track-v1",
            action.wireName(),
            userId,
            articleId,
            algo,
            Long.toString(iat),
            kid)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] mac(SecretKeySpec key, byte[] message) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(HMAC + " is not available", e);
    }
  }

  private static Map<String, String> readFields(String track) {
    JsonNode node;
    try {
      node = JSON.readTree(track);
    } catch (JsonProcessingException e) {
      throw new TrackException("track is not one JSON object");
    }
    if (node == null || !node.isObject() || node.size() != FIELDS.size()) {
      throw new TrackException("track must be a JSON object of " + FIELDS);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!FIELDS.contains(e.getKey())) {
        throw new TrackException("track has an unknown field");
      }
      JsonNode v = e.getValue();
      boolean ok =
          "iat".equals(e.getKey()) ? v.isIntegralNumber() && v.canConvertToLong() : v.isTextual();
      if (!ok) {
        throw new TrackException("track field " + e.getKey() + " has the wrong type");
      }
      fields.put(e.getKey(), v.asText());
    }
    return fields;
  }

  private static byte[] decodeSignature(String sig) {
    if (sig.length() != 43) {
      throw new TrackException("track signature is malformed");
    }
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(sig);
      if (!Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(sig)) {
        throw new TrackException("track signature is not in its canonical spelling");
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      throw new TrackException("track signature is malformed");
    }
  }

  private static long parseIat(String iat) {
    try {
      return Long.parseLong(iat);
    } catch (NumberFormatException e) {
      throw new TrackException("track iat is not an integer");
    }
  }

  private static List<Long> parseIds(Action action, String articleId) {
    try {
      if (action != Action.EXPOSURE) {
        return List.of(Long.parseLong(articleId));
      }
      if (articleId.length() < 2
          || articleId.charAt(0) != '['
          || articleId.charAt(articleId.length() - 1) != ']') {
        throw new TrackException("exposure articleId must be a list of ids");
      }
      String body = articleId.substring(1, articleId.length() - 1);
      List<Long> ids = new ArrayList<>();
      if (!body.isEmpty()) {
        for (String part : body.split(",", -1)) {
          ids.add(Long.parseLong(part));
        }
      }
      return ids;
    } catch (NumberFormatException e) {
      throw new TrackException("track articleId is not an id");
    }
  }

  private void checkInputs(String userId, String algoCombine) {
    Objects.requireNonNull(userId, "userId must not be null");
    if (!FeedRequest.isValidUserId(userId)) {
      throw new IllegalArgumentException("userId must be a positive decimal id or \"anony\"");
    }
    Names.check("algoCombine", algoCombine);
  }

  @Override
  public String toString() {
    return "TrackSigner{keys="
        + keys.keySet()
        + ", active="
        + activeKeyId
        + ", maxAge="
        + maxAge
        + "}";
  }

  /** Configures a {@link TrackSigner}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private String activeKeyId;
    private Duration maxAge = DEFAULT_MAX_AGE;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Adds a key; the first one added is active unless {@link #activeKey} says otherwise.
     *
     * @param id the key's id: 1 to 64 of {@code [A-Za-z0-9_.:-]}
     * @param secret at least {@link #MIN_SECRET_BYTES} random bytes (copied)
     * @return this builder
     */
    public Builder key(String id, byte[] secret) {
      Names.check("key id", id);
      Objects.requireNonNull(secret, "secret must not be null");
      if (secret.length < MIN_SECRET_BYTES) {
        throw new IllegalArgumentException(
            "track key "
                + id
                + " has "
                + secret.length
                + " bytes, at least "
                + MIN_SECRET_BYTES
                + " needed");
      }
      keys.put(id, new SecretKeySpec(secret.clone(), HMAC));
      if (activeKeyId == null) {
        activeKeyId = id;
      }
      return this;
    }

    /**
     * Chooses the key new tracks are signed with; the others still verify.
     *
     * @param id an added key's id
     * @return this builder
     */
    public Builder activeKey(String id) {
      this.activeKeyId = Objects.requireNonNull(id, "active key id must not be null");
      return this;
    }

    /**
     * How long a track stays valid. Default {@link #DEFAULT_MAX_AGE}.
     *
     * @param value positive
     * @return this builder
     */
    public Builder maxAge(Duration value) {
      Objects.requireNonNull(value, "maxAge must not be null");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("maxAge must be positive, got " + value);
      }
      this.maxAge = value;
      return this;
    }

    /**
     * The clock of issue times and expiry. Default the system UTC clock.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock must not be null");
      return this;
    }

    /**
     * Builds the signer.
     *
     * @return the signer
     * @throws IllegalStateException if no key was added or the active key is not among them
     */
    public TrackSigner build() {
      if (keys.isEmpty()) {
        throw new IllegalStateException("a TrackSigner needs at least one key");
      }
      if (!keys.containsKey(activeKeyId)) {
        throw new IllegalStateException(
            "active key " + activeKeyId + " is not among the keys " + keys.keySet());
      }
      return new TrackSigner(this);
    }
  }
}
