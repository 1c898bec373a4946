package io.toutiao.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One spelling per token, and key removal that takes effect at once, cache or not. */
class CanonicalSpellingTest {

  private static TokenService service(KeyRing ring) {
    return new TokenService(TokenConfig.custom(ring).build());
  }

  private static List<String> respellings(String token) {
    String[] parts = token.split("\\.");
    List<String> variants = new ArrayList<>();
    for (String junk : List.of("=", "==", "!", "~", "\u0000", " ", "+", "/", "\n")) {
      variants.add(token + junk);
      variants.add(parts[0] + "." + parts[1] + "." + junk + parts[2]);
      variants.add(parts[0] + junk + "." + parts[1] + "." + parts[2]);
      variants.add(parts[0] + "." + parts[1] + junk + "." + parts[2]);
    }
    variants.add(token + ".");
    variants.add("." + token);
    variants.add(parts[0] + "." + parts[1]);
    variants.add(parts[0] + ".." + parts[2]);
    variants.add(parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[2]);
    return variants;
  }

  @Test
  void everyOtherSpellingOfAValidTokenIsMalformed() {
    TokenService tokens = service(KeyRing.of(SigningKey.generate("k1", TokenAlgorithm.HS256)));
    String token = tokens.issue(42).accessToken();
    assertThat(tokens.verifyAccess(token).userId()).isEqualTo(42);

    for (String variant : respellings(token)) {
      assertThatThrownBy(() -> tokens.verifyAccess(variant))
          .as("variant %s", variant.replace("\u0000", "\\0"))
          .isInstanceOf(AuthException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token.split("\\.")[2]));
    }
  }

  @Test
  void nonCanonicalTrailingBitsAreRefused() {
    TokenService tokens = service(KeyRing.of(SigningKey.generate("k1", TokenAlgorithm.HS256)));
    String token = tokens.issue(42).accessToken();
    String[] parts = token.split("\\.");
    // HS256 signatures are 32 bytes = 43 base64url characters: the last carries 4 unused bits.
    char last = parts[2].charAt(parts[2].length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char sameBytes = alphabet.charAt(alphabet.indexOf(last) | 0x01);
    String respelled =
        parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 1) + sameBytes;

    assertThatThrownBy(() -> tokens.verifyAccess(respelled))
        .isInstanceOf(MalformedTokenException.class)
        .hasMessageContaining("unused trailing bits");
  }

  @Test
  void aRemovedKeyVerifiesNothingOnceTheUpdateReturnsEvenUnderConcurrentVerification()
      throws Exception {
    SigningKey old = SigningKey.generate("old", TokenAlgorithm.HS256);
    SigningKey next = SigningKey.generate("next", TokenAlgorithm.HS256);
    AtomicInteger acceptedAfterRemoval = new AtomicInteger();
    for (int round = 0; round < 300; round++) {
      TokenService tokens =
          new TokenService(
              TokenConfig.custom(KeyRing.of(old, List.of(next))).cacheSize(1000).build());
      String token = tokens.issue(7).accessToken();
      AtomicBoolean removed = new AtomicBoolean();
      CountDownLatch start = new CountDownLatch(1);
      Thread verifier =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < 200; i++) {
                  boolean after = removed.get();
                  try {
                    tokens.verifyAccess(token);
                    if (after) {
                      acceptedAfterRemoval.incrementAndGet();
                    }
                  } catch (AuthException refused) {
                    // expected once the key is gone
                  }
                }
              });
      verifier.start();
      start.countDown();
      tokens.updateKeyRing(KeyRing.of(next));
      removed.set(true);
      verifier.join(Duration.ofSeconds(10).toMillis());
      assertThatThrownBy(() -> tokens.verifyAccess(token)).isInstanceOf(AuthException.class);
    }
    assertThat(acceptedAfterRemoval).hasValue(0);
  }
}
