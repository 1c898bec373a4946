package io.toutiao.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConfigTest {

  @Test
  void defaultsFollowTheProtocolAndAreBounded() {
    PushConfig config = PushConfig.defaults();
    assertThat(config.pingInterval()).isEqualTo(Duration.ofSeconds(25));
    assertThat(config.pingTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.inboxMaxEvents()).isEqualTo(200);
    assertThat(config.inboxKey("42")).isEqualTo("push:{42}:inbox");
    assertThat(config.ackedKey("42")).isEqualTo("push:{42}:acked");
    assertThat(config.toBuilder().build().toString()).isEqualTo(config.toString());
  }

  @Test
  void eachRefusedSettingIsNamed() {
    assertThatThrownBy(() -> PushConfig.builder().inboxMaxEvents(0))
        .hasMessageContaining("inboxMaxEvents");
    assertThatThrownBy(() -> PushConfig.builder().inboxMaxAge(Duration.ofSeconds(1)))
        .hasMessageContaining("inboxMaxAge");
    assertThatThrownBy(() -> PushConfig.builder().port(70_000)).hasMessageContaining("port");
    assertThatThrownBy(() -> PushConfig.builder().path("socket.io")).hasMessageContaining("path");
    assertThatThrownBy(() -> PushConfig.builder().keyPrefix("a{b}"))
        .hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> PushConfig.builder().maxMessageBytes(10))
        .hasMessageContaining("maxMessageBytes");
    assertThatThrownBy(() -> PushConfig.builder().ackTimeout(null))
        .hasMessageContaining("ackTimeout");
  }

  @Test
  void namesAndNotificationsAreChecked() {
    assertThat(new PushUser("user-1.a:b_c").id()).isEqualTo("user-1.a:b_c");
    assertThatThrownBy(() -> new PushUser("x".repeat(65))).isInstanceOf(PushRequestException.class);
    assertThatThrownBy(() -> new PushUser("a}b")).hasMessageContaining("index 1");
    assertThatThrownBy(() -> new PushUser(null)).hasMessageContaining("null");
    Notification like = Notification.liking("7", "小明", null, Instant.ofEpochSecond(5), 99);
    assertThat(like.kind().event()).isEqualTo("liking notify");
    assertThat(like.data())
        .containsEntry("user_id", "7")
        .containsEntry("timestamp", 5L)
        .containsEntry("art_id", 99L)
        .containsKey("user_photo");
    assertThat(Notification.following("7", "n", null, Instant.EPOCH).data())
        .doesNotContainKey("art_id");
    assertThatThrownBy(() -> new Notification(null, "7", "n", null, Instant.EPOCH, null))
        .hasMessageContaining("kind");
  }
}
