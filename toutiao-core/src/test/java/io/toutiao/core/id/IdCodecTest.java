package io.toutiao.core.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdCodecTest {

  @Test
  void compactFormRoundTripsAndHasFixedLength() {
    SplittableRandom random = new SplittableRandom(7);
    long[] samples = {0, 1, 63, 64, Long.MAX_VALUE, 1829471234567890123L};
    for (long id : samples) {
      assertThat(IdCodec.fromCompact(IdCodec.toCompact(id))).isEqualTo(id);
    }
    for (int i = 0; i < 100_000; i++) {
      long id = random.nextLong(Long.MAX_VALUE);
      String compact = IdCodec.toCompact(id);
      assertThat(compact).hasSize(IdCodec.COMPACT_LENGTH).matches("[-0-9A-Z_a-z]+");
      assertThat(IdCodec.fromCompact(compact)).isEqualTo(id);
    }
  }

  @Test
  void compactFormsSortLikeTheIds() {
    SplittableRandom random = new SplittableRandom(11);
    long[] ids = new long[50_000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = random.nextInt(4) == 0 ? random.nextLong(1 << 20) : random.nextLong(Long.MAX_VALUE);
    }
    String[] compact = Arrays.stream(ids).mapToObj(IdCodec::toCompact).toArray(String[]::new);
    Arrays.sort(ids);
    Arrays.sort(compact);
    for (int i = 0; i < ids.length; i++) {
      assertThat(IdCodec.fromCompact(compact[i])).isEqualTo(ids[i]);
    }
  }

  @Test
  void rejectsInvalidCompactIdsNamingTheProblem() {
    assertThatThrownBy(() -> IdCodec.fromCompact("abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be 11 characters, got 3: 'abc'");
    assertThatThrownBy(() -> IdCodec.fromCompact("abc/efghijk"))
        .hasMessageContaining("invalid character at position 3");
    assertThatThrownBy(() -> IdCodec.fromCompact("zzzzzzzzzzz"))
        .hasMessageContaining("beyond the largest id");
    assertThatThrownBy(() -> IdCodec.fromCompact("ab\u4e2dcdefghij"))
        .hasMessageContaining("position 2");
    assertThatThrownBy(() -> IdCodec.toCompact(-1)).hasMessageContaining("non-negative");
    assertThatThrownBy(() -> IdCodec.fromCompact(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void decimalFormIsStrict() {
    assertThat(IdCodec.fromDecimal(IdCodec.toDecimal(1829471234567890123L)))
        .isEqualTo(1829471234567890123L);
    assertThatThrownBy(() -> IdCodec.fromDecimal("")).hasMessageContaining("1 to 19 digits");
    assertThatThrownBy(() -> IdCodec.fromDecimal("-5"))
        .hasMessageContaining("non-digit at position 0");
    assertThatThrownBy(() -> IdCodec.fromDecimal("12 3")).hasMessageContaining("position 2");
    assertThatThrownBy(() -> IdCodec.fromDecimal("9999999999999999999"))
        .hasMessageContaining("larger than");
    assertThatThrownBy(() -> IdCodec.fromDecimal("1".repeat(40)))
        .hasMessageContaining("'11111111111111111111111111111111...'");
  }
}
