package io.toutiao.push.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InboxTest {

  @Test
  void idsCompareByTimeThenSequenceAsUnsignedNumbers() {
    assertThat(Inbox.compare("1-0", "1-0")).isZero();
    assertThat(Inbox.compare("2-0", "10-0")).isNegative();
    assertThat(Inbox.compare("10-2", "10-10")).isNegative();
    assertThat(Inbox.compare("1764000000000-5", "1764000000000-4")).isPositive();
    assertThat(Inbox.compare("18446744073709551615-0", "9223372036854775807-0")).isPositive();
    assertThat(Inbox.compare(Inbox.START, "0-1")).isNegative();
  }

  @Test
  void onlyStreamIdsAreIds() {
    assertThat(Inbox.isId("1764000000000-0")).isTrue();
    assertThat(Inbox.isId("18446744073709551615-18446744073709551615")).isTrue();
    for (String bad :
        new String[] {
          null,
          "",
          "-",
          "1-",
          "-1",
          "1",
          "a-1",
          "1-a",
          "1-2-3",
          "18446744073709551616-0",
          "+",
          " 1-0"
        }) {
      assertThat(Inbox.isId(bad)).as(String.valueOf(bad)).isFalse();
    }
  }

  @Test
  void aConnectToTheDefaultNamespaceIsFoundInAnyPacketOfAPayload() {
    assertThat(connects("40")).isTrue();
    assertThat(connects("40{\"token\":\"t\"}")).isTrue();
    assertThat(connects("2\u001e40")).isTrue();
    assertThat(connects("40/admin,")).isFalse();
    assertThat(connects("42[\"40\"]")).isFalse();
    assertThat(connects("4")).isFalse();
    assertThat(connects("")).isFalse();
    assertThat(connects("3\u001e42[\"a\"]")).isFalse();
  }

  static boolean connects(String payload) {
    return Admission.connectsDefault(
        Unpooled.copiedBuffer(payload.getBytes(StandardCharsets.UTF_8)));
  }
}
