package io.toutiao.examples.backend;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the demo "sends" SMS codes: a real host calls its SMS gateway here. The code is printed to
 * the console so a person trying the API with curl can log in, and kept for the scripted tour.
 */
public final class SmsOutbox {

  private static final Logger log = LoggerFactory.getLogger(SmsOutbox.class);
  private final Map<String, String> lastCode = new ConcurrentHashMap<>();

  void send(String mobile, String code) {
    lastCode.put(mobile, code);
    log.warn("SMS to {}: your toutiao login code is {} (valid 5 minutes)", mobile, code);
  }

  /**
   * The last code sent to a mobile.
   *
   * @param mobile the mobile number
   * @return the code, if one was sent
   */
  public Optional<String> lastCode(String mobile) {
    return Optional.ofNullable(lastCode.get(mobile));
  }
}
