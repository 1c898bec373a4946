package io.toutiao.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toutiao.feed.BehaviourEvent.Action;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrackSignerTest {
  static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  static final byte[] OTHER = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
  static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  final TrackSigner signer =
      TrackSigner.builder().key("k1", SECRET).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

  @Test
  void eachActionVerifiesToItsEvent() {
    Track t = signer.track("42", 1001L, "recency");
    assertThat(signer.verify(t.click()))
        .isEqualTo(new BehaviourEvent(Action.CLICK, "42", List.of(1001L), "recency", NOW));
    assertThat(signer.verify(t.collect()).action()).isEqualTo(Action.COLLECT);
    assertThat(signer.verify(t.share()).action()).isEqualTo(Action.SHARE);
    assertThat(signer.verify(t.read()).action()).isEqualTo(Action.READ);
  }

  @Test
  void exposureListsThePageAndTheReferenceFields() throws Exception {
    String exposure = signer.exposure("anony", List.of(3L, 2L, 1L), "recency");
    assertThat(JSON.readTree(exposure).get("articleId").asText()).isEqualTo("[3,2,1]");
    assertThat(JSON.readTree(exposure).get("action").asText()).isEqualTo("exposure");
    BehaviourEvent e = signer.verify(exposure);
    assertThat(e.articleIds()).containsExactly(3L, 2L, 1L);
    assertThat(e.userId()).isEqualTo("anony");
    assertThat(signer.verify(signer.exposure("7", List.of(), "a")).articleIds()).isEmpty();
  }

  @Test
  void everyAlteredFieldIsRefused() throws Exception {
    String click = signer.track("42", 1001L, "recency").click();
    String[][] changes = {
      {"action", "share"},
      {"userId", "43"},
      {"userId", "anony"},
      {"articleId", "1002"},
      {"algoCombine", "other"},
      {"kid", "k2"}
    };
    for (String[] change : changes) {
      ObjectNode node = (ObjectNode) JSON.readTree(click);
      node.put(change[0], change[1]);
      assertThatThrownBy(() -> signer.verify(node.toString()))
          .as(change[0])
          .isInstanceOf(TrackException.class);
    }
    ObjectNode later = (ObjectNode) JSON.readTree(click);
    later.put("iat", NOW.toEpochMilli() + 1);
    assertThatThrownBy(() -> signer.verify(later.toString()))
        .isInstanceOf(TrackException.class)
        .hasMessageContaining("signature");
  }

  @Test
  void aForgedSignatureOrAnotherKeyIsRefused() throws Exception {
    String click = signer.track("42", 1001L, "recency").click();
    ObjectNode node = (ObjectNode) JSON.readTree(click);
    String sig = node.get("sig").asText();
    node.put("sig", (sig.charAt(0) == 'A' ? "B" : "A") + sig.substring(1));
    assertThatThrownBy(() -> signer.verify(node.toString())).isInstanceOf(TrackException.class);

    TrackSigner attacker =
        TrackSigner.builder().key("k1", OTHER).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    assertThatThrownBy(() -> signer.verify(attacker.track("42", 1001L, "recency").click()))
        .isInstanceOf(TrackException.class)
        .hasMessageContaining("signature");
  }

  @Test
  void malformedInputIsRefusedWithoutEchoingIt() {
    String click = signer.track("42", 1001L, "recency").click();
    List<String> bad =
        List.of(
            "",
            "not json",
            "[]",
            "{}",
            click + " {}",
            click.replace("{\"action\"", "{\"action\":\"click\",\"action\""),
            click.replace("}", ",\"extra\":\"x\"}"),
            click.replace("\"iat\":", "\"iat\":\"").replaceFirst(",\"kid\"", "\",\"kid\""),
            "x".repeat(TrackSigner.MAX_TRACK_LENGTH + 1));
    for (String input : bad) {
      assertThatThrownBy(() -> signer.verify(input))
          .isInstanceOf(TrackException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("1001"));
    }
    assertThatThrownBy(() -> signer.verify(null)).isInstanceOf(TrackException.class);
  }

  @Test
  void expiredAndFutureTracksAreRefused() {
    TrackSigner past =
        TrackSigner.builder()
            .key("k1", SECRET)
            .clock(Clock.fixed(NOW.minus(Duration.ofDays(8)), ZoneOffset.UTC))
            .build();
    assertThatThrownBy(() -> signer.verify(past.track("42", 1L, "a").click()))
        .isInstanceOf(TrackException.class)
        .hasMessageContaining("expired");
    TrackSigner future =
        TrackSigner.builder()
            .key("k1", SECRET)
            .clock(Clock.fixed(NOW.plus(Duration.ofMinutes(5)), ZoneOffset.UTC))
            .build();
    assertThatThrownBy(() -> signer.verify(future.track("42", 1L, "a").click()))
        .isInstanceOf(TrackException.class)
        .hasMessageContaining("future");
  }

  @Test
  void rotationVerifiesOldAndNewKeysAndRefusesRemovedOnes() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    TrackSigner rotated =
        TrackSigner.builder()
            .key("k1", SECRET)
            .key("k2", OTHER)
            .activeKey("k2")
            .clock(clock)
            .build();
    String old = signer.track("42", 1L, "a").click();
    String fresh = rotated.track("42", 1L, "a").click();
    assertThat(rotated.verify(old).articleIds()).containsExactly(1L);
    assertThat(rotated.verify(fresh).articleIds()).containsExactly(1L);
    TrackSigner retired = TrackSigner.builder().key("k2", OTHER).clock(clock).build();
    assertThatThrownBy(() -> retired.verify(old))
        .isInstanceOf(TrackException.class)
        .hasMessageContaining("unknown key");
  }

  @Test
  void configurationIsValidatedAndSecretsStayOut() {
    assertThatThrownBy(() -> TrackSigner.builder().key("k1", new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32");
    assertThatThrownBy(() -> TrackSigner.builder().build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> TrackSigner.builder().key("k1", SECRET).activeKey("k9").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> signer.track("42", 1L, "bad name"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> signer.track("-1", 1L, "a"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(signer.toString()).doesNotContain("0123456789abcdef");
  }
}
