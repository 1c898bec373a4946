package io.toutiao.push;

import io.toutiao.push.internal.Names;

/**
 * Who a connection belongs to, as the host's {@link PushAuthenticator} established it. The id names
 * the user's room (the reference's room is the user id) and the user's inbox in Redis.
 *
 * @param id the user id: 1 to 64 characters of {@code [A-Za-z0-9_.:-]}
 */
public record PushUser(String id) {

  /**
   * Checks the id.
   *
   * @throws PushRequestException when the id is null, empty, too long or has other characters
   */
  public PushUser {
    Names.requireName("user id", id);
  }
}
