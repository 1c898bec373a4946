package io.toutiao.auth;

/** The two kinds of token; each is refused where the other is expected. */
public enum TokenType {
  /** Short-lived (2 hours by default); sent with every request. */
  ACCESS,
  /** Long-lived (14 days by default); only exchanged for new tokens. */
  REFRESH
}
