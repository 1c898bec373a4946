package io.toutiao.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SigningKeyTest {

  @Test
  void refusesHmacSecretsShorterThanTheAlgorithm() {
    assertThatThrownBy(
            () ->
                SigningKey.hmac(
                    "k",
                    TokenAlgorithm.HS256,
                    AttackTest.randomSecret().clone().length == 32 ? new byte[31] : null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has 31 bytes; HS256 needs at least 32");
    assertThatThrownBy(() -> SigningKey.hmac("k", TokenAlgorithm.HS512, AttackTest.randomSecret()))
        .hasMessageContaining("HS512 needs at least 64");
  }

  @Test
  void refusesLowEntropySecrets() {
    byte[] padded = "secret".repeat(10).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] zeros = new byte[64];
    assertThatThrownBy(() -> SigningKey.hmac("k", TokenAlgorithm.HS256, zeros))
        .hasMessageContaining("random bytes");
    assertThat(SigningKey.hmac("k", TokenAlgorithm.HS256, padded).algorithm())
        .isEqualTo(TokenAlgorithm.HS256);
  }

  @Test
  void refusesWeakOrMismatchedAsymmetricKeys() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    assertThatThrownBy(() -> SigningKey.ofKeyPair("r", TokenAlgorithm.RS256, rsa.generateKeyPair()))
        .hasMessageContaining("at least 2048 bits, got 1024");
    SigningKey ec = SigningKey.generate("e", TokenAlgorithm.ES256);
    assertThatThrownBy(() -> SigningKey.verifyOnly("x", TokenAlgorithm.RS256, ec.publicKey()))
        .hasMessageContaining("RS256 needs an RSA key");
    assertThatThrownBy(() -> SigningKey.verifyOnly("x", TokenAlgorithm.HS256, ec.publicKey()))
        .hasMessageContaining("HMAC algorithm");
    assertThatThrownBy(() -> SigningKey.hmacBase64("x", TokenAlgorithm.HS256, "not base64 !!"))
        .hasMessageContaining("not valid Base64");
    assertThatThrownBy(() -> SigningKey.generate("bad kid!", TokenAlgorithm.HS256))
        .hasMessageContaining("key id must be");
  }

  @Test
  void aVerifyOnlyKeyCannotBeActive() {
    SigningKey pair = SigningKey.generate("r", TokenAlgorithm.EdDSA);
    SigningKey publicOnly = SigningKey.verifyOnly("r", TokenAlgorithm.EdDSA, pair.publicKey());
    assertThatThrownBy(() -> KeyRing.of(publicOnly)).hasMessageContaining("cannot sign");
    assertThatThrownBy(() -> KeyRing.of(pair, List.of(publicOnly)))
        .hasMessageContaining("two keys in the ring have the id 'r'");
  }

  @Test
  void exportsPublicKeysAsJwksButNeverSecrets() {
    KeyRing ring =
        KeyRing.of(
            SigningKey.generate("rsa", TokenAlgorithm.RS256),
            List.of(
                SigningKey.generate("ec", TokenAlgorithm.ES256),
                SigningKey.generate("ed", TokenAlgorithm.EdDSA),
                SigningKey.generate("hmac", TokenAlgorithm.HS256)));

    String jwks = ring.toJwks();

    assertThat(jwks)
        .startsWith("{\"keys\":[")
        .contains("\"kid\":\"rsa\"", "\"kty\":\"RSA\"", "\"e\":\"AQAB\"")
        .contains("\"kid\":\"ec\"", "\"kty\":\"EC\"", "\"crv\":\"P-256\"")
        .contains("\"kid\":\"ed\"", "\"kty\":\"OKP\"", "\"crv\":\"Ed25519\"")
        .doesNotContain("hmac");
    assertThat(jwks).containsPattern("\"x\":\"[A-Za-z0-9_-]{43}\"");
  }
}
