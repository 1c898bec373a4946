package io.toutiao.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.feed.internal.Breaker;
import io.toutiao.feed.internal.Breaker.Permit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FeedRequestTest {

  @Test
  void requestFieldsAreValidatedByName() {
    assertThat(FeedRequest.anonymous(1, 10, 0).isAnonymous()).isTrue();
    assertThat(FeedRequest.forUser(9, 1, 10, 0).olderThan()).isEqualTo(Long.MAX_VALUE);
    assertThat(new FeedRequest("9223372036854775807", 0, 1, 5).olderThan()).isEqualTo(5);
    assertThatThrownBy(() -> new FeedRequest("9223372036854775808", 0, 1, 0))
        .hasMessageContaining("userId");
    assertThatThrownBy(() -> new FeedRequest("01", 0, 1, 0)).hasMessageContaining("userId");
    assertThatThrownBy(() -> new FeedRequest("12a", 0, 1, 0)).hasMessageContaining("userId");
    assertThatThrownBy(() -> new FeedRequest("", 0, 1, 0)).hasMessageContaining("userId");
    assertThatThrownBy(() -> new FeedRequest(null, 0, 1, 0))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> FeedRequest.anonymous(-1, 1, 0)).hasMessageContaining("channelId");
    assertThatThrownBy(() -> FeedRequest.anonymous(1, 0, 0)).hasMessageContaining("articleNum");
    assertThatThrownBy(() -> FeedRequest.anonymous(1, 101, 0)).hasMessageContaining("articleNum");
    assertThatThrownBy(() -> FeedRequest.anonymous(1, 1, -1)).hasMessageContaining("timestamp");
  }

  @Test
  void breakerOpensAfterTheThresholdAndLetsOneProbeThrough() {
    AtomicLong now = new AtomicLong();
    Breaker breaker = new Breaker(3, 1_000, now::get);
    for (int i = 0; i < 2; i++) {
      breaker.onFailure(breaker.acquire());
    }
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    breaker.onSuccess(breaker.acquire());
    for (int i = 0; i < 3; i++) {
      breaker.onFailure(breaker.acquire());
    }
    assertThat(breaker.acquire()).isEqualTo(Permit.REFUSED);
    now.addAndGet(1_000);
    Permit probe = breaker.acquire();
    assertThat(probe).isEqualTo(Permit.PROBE);
    assertThat(breaker.acquire()).isEqualTo(Permit.REFUSED);
    breaker.onFailure(probe);
    assertThat(breaker.acquire()).isEqualTo(Permit.REFUSED);
    now.addAndGet(1_000);
    Permit second = breaker.acquire();
    breaker.onSuccess(second);
    assertThat(breaker.state()).isEqualTo(Breaker.State.CLOSED);
    assertThat(breaker.acquire()).isEqualTo(Permit.CALL);
  }

  @Test
  void clientConfigValidatesItsRanges() {
    assertThat(FeedClientConfig.ofDefaults().deadline()).hasSeconds(5);
    assertThat(FeedClientConfig.ofDefaults().fallbackReserve()).hasMillis(500);
    assertThatThrownBy(() -> FeedClientConfig.custom().maxAttempts(0))
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(
            () ->
                FeedClientConfig.custom()
                    .deadline(java.time.Duration.ofMillis(100))
                    .fallbackReserve(java.time.Duration.ofMillis(100))
                    .build())
        .isInstanceOf(IllegalStateException.class);
  }
}
