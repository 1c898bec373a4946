package io.toutiao.auth.internal;

import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.toutiao.auth.TokenAlgorithm;
import java.security.Key;
import java.security.PrivateKey;
import javax.crypto.SecretKey;

/** Maps our algorithms onto jjwt's. Not part of the public API. */
public final class JjwtAlgorithms {

  private JjwtAlgorithms() {}

  /**
   * Signs with the algorithm bound to the key.
   *
   * @param builder the token being built
   * @param key the secret or private key
   * @param algorithm the key's algorithm
   * @return the builder
   */
  public static JwtBuilder signWith(JwtBuilder builder, Key key, TokenAlgorithm algorithm) {
    return switch (algorithm) {
      case HS256 -> builder.signWith((SecretKey) key, Jwts.SIG.HS256);
      case HS384 -> builder.signWith((SecretKey) key, Jwts.SIG.HS384);
      case HS512 -> builder.signWith((SecretKey) key, Jwts.SIG.HS512);
      case RS256 -> builder.signWith((PrivateKey) key, Jwts.SIG.RS256);
      case ES256 -> builder.signWith((PrivateKey) key, Jwts.SIG.ES256);
      case EdDSA -> builder.signWith((PrivateKey) key, Jwts.SIG.EdDSA);
    };
  }
}
