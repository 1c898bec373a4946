package io.toutiao.push.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenGuardTest {

  static final String HEADER = "x-test-user";
  final List<String> verified = new ArrayList<>();

  EmbeddedChannel channel(boolean queryToken) {
    return new EmbeddedChannel(
        new TokenGuard(
            "/socket.io",
            HEADER,
            queryToken,
            token -> {
              verified.add(token);
              return token.startsWith("good-") ? token.substring(5) : null;
            }));
  }

  static FullHttpRequest get(String uri) {
    return new DefaultFullHttpRequest(
        HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
  }

  @Test
  void aHandshakeTokenIsVerifiedAndTakenOutOfTheUri() {
    EmbeddedChannel channel = channel(true);
    FullHttpRequest request = get("/socket.io/?EIO=4&transport=polling&token=good-42&t=abc");
    request.headers().set(HEADER, "1"); // a client's own attempt
    channel.writeInbound(request);
    FullHttpRequest forwarded = channel.readInbound();
    assertThat(forwarded.uri()).doesNotContain("token").doesNotContain("good-42");
    assertThat(forwarded.uri()).contains("EIO=4").contains("transport=polling").contains("t=abc");
    assertThat(forwarded.headers().getAll(HEADER)).containsExactly("42");
    assertThat(verified).containsExactly("good-42");
  }

  @Test
  void aRefusedTokenGets401AndGoesNoFurther() {
    EmbeddedChannel channel = channel(true);
    channel.writeInbound(get("/socket.io/?EIO=4&transport=websocket&token=bad"));
    assertThat(channel.inboundMessages()).isEmpty();
    FullHttpResponse response = channel.readOutbound();
    assertThat(response.status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED);
    assertThat(response.content().toString(StandardCharsets.UTF_8))
        .contains("invalid token")
        .doesNotContain("bad");
  }

  @Test
  void twoTokensOrAnEmptyOneOrQueryTokensSwitchedOffAreRefused() {
    for (String uri :
        List.of(
            "/socket.io/?EIO=4&transport=polling&token=good-1&token=good-2",
            "/socket.io/?EIO=4&transport=polling&token=")) {
      EmbeddedChannel channel = channel(true);
      channel.writeInbound(get(uri));
      assertThat(channel.inboundMessages()).as(uri).isEmpty();
      assertThat(((FullHttpResponse) channel.readOutbound()).status().code()).isEqualTo(401);
    }
    EmbeddedChannel off = channel(false);
    off.writeInbound(get("/socket.io/?EIO=4&transport=polling&token=good-1"));
    assertThat(off.inboundMessages()).isEmpty();
    assertThat(verified).isEmpty();
  }

  @Test
  void laterRequestsOfASessionLoseTheTokenWithoutAnotherCheck() {
    EmbeddedChannel channel = channel(true);
    FullHttpRequest request = get("/socket.io/?EIO=4&transport=polling&sid=abc&token=good-42");
    request.headers().set(HEADER, "7");
    channel.writeInbound(request);
    FullHttpRequest forwarded = channel.readInbound();
    assertThat(forwarded.uri()).doesNotContain("token");
    assertThat(forwarded.headers().contains(HEADER)).isFalse();
    assertThat(verified).isEmpty();
  }

  @Test
  void aRequestWithoutATokenPassesWithoutTheUserHeader() {
    EmbeddedChannel channel = channel(true);
    FullHttpRequest request = get("/socket.io/?EIO=4&transport=websocket");
    request.headers().set(HEADER, "1");
    channel.writeInbound(request);
    FullHttpRequest forwarded = channel.readInbound();
    assertThat(forwarded.uri()).isEqualTo("/socket.io/?EIO=4&transport=websocket");
    assertThat(forwarded.headers().contains(HEADER)).isFalse();
  }
}
