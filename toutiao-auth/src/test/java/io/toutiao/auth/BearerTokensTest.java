package io.toutiao.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTokensTest {

  @Test
  void extractsTheTokenCaseInsensitivelyAndTrimmed() {
    assertThat(BearerTokens.extract("Bearer abc.def.ghi")).contains("abc.def.ghi");
    assertThat(BearerTokens.extract("  bearer   abc.def.ghi  ")).contains("abc.def.ghi");
    assertThat(BearerTokens.extract("BEARER x")).contains("x");
  }

  @Test
  void missingOrMalformedHeadersMeanAnonymous() {
    assertThat(BearerTokens.extract(null)).isEmpty();
    assertThat(BearerTokens.extract("")).isEmpty();
    assertThat(BearerTokens.extract("Bearer")).isEmpty();
    assertThat(BearerTokens.extract("Bearer    ")).isEmpty();
    assertThat(BearerTokens.extract("Basic dXNlcjpwYXNz")).isEmpty();
    assertThat(BearerTokens.extract("Bearer a b")).isEmpty();
    assertThat(BearerTokens.extract("Bearerabc")).isEmpty();
  }
}
