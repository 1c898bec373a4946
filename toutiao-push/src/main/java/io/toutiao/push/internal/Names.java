package io.toutiao.push.internal;

import io.toutiao.push.PushRequestException;
import java.util.Set;

/** The rules for user ids, room names and event names. Internal. */
public final class Names {

  /** Event names the Socket.IO protocol or its clients reserve. */
  private static final Set<String> RESERVED =
      Set.of(
          "connect",
          "connect_error",
          "disconnect",
          "disconnecting",
          "error",
          "newListener",
          "removeListener",
          "ping",
          "pong");

  private Names() {}

  /**
   * Checks a user id or room name: 1 to 64 characters of {@code [A-Za-z0-9_.:-]}.
   *
   * @param what what the value is, for the message
   * @param value the value
   * @return the value
   */
  public static String requireName(String what, String value) {
    if (value == null || value.isEmpty() || value.length() > 64) {
      throw new PushRequestException(
          what + " must have 1 to 64 characters" + (value == null ? ", got null" : ""));
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.'
              || c == ':'
              || c == '-';
      if (!ok) {
        throw new PushRequestException(
            what + " may only have letters, digits and _ . : -, found a character at index " + i);
      }
    }
    return value;
  }

  /**
   * Checks an event name: 1 to 64 printable characters, not one the protocol reserves.
   *
   * @param event the name
   * @return the name
   */
  public static String requireEvent(String event) {
    if (event == null || event.isEmpty() || event.length() > 64) {
      throw new PushRequestException(
          "event name must have 1 to 64 characters" + (event == null ? ", got null" : ""));
    }
    for (int i = 0; i < event.length(); i++) {
      char c = event.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new PushRequestException("event name has a control character at index " + i);
      }
    }
    if (RESERVED.contains(event)) {
      throw new PushRequestException("event name '" + event + "' is reserved by Socket.IO");
    }
    return event;
  }
}
