package io.toutiao.cache;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Ready-made {@link Codec}s. */
public final class Codecs {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Codecs() {}

  /**
   * JSON through Jackson, the default: readable in {@code redis-cli} and by services in other
   * languages (the reference stores JSON).
   *
   * @param type the value class
   * @param <V> the value type
   * @return the codec
   */
  public static <V> Codec<V> json(Class<V> type) {
    return json(MAPPER, MAPPER.constructType(type));
  }

  /**
   * JSON through a given mapper and type (for generic types and custom modules).
   *
   * @param mapper the mapper
   * @param type e.g. {@code mapper.getTypeFactory().constructCollectionType(List.class,
   *     Long.class)}
   * @param <V> the value type
   * @return the codec
   */
  public static <V> Codec<V> json(ObjectMapper mapper, JavaType type) {
    Objects.requireNonNull(mapper, "mapper must not be null");
    Objects.requireNonNull(type, "type must not be null");
    return new Codec<>() {
      @Override
      public byte[] encode(V value) throws Exception {
        return mapper.writeValueAsBytes(value);
      }

      @Override
      public V decode(byte[] bytes) throws Exception {
        return mapper.readValue(bytes, type);
      }
    };
  }

  /**
   * UTF-8 strings.
   *
   * @return the codec
   */
  public static Codec<String> string() {
    return new Codec<>() {
      @Override
      public byte[] encode(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
      }
    };
  }

  /**
   * Raw bytes, stored as they are.
   *
   * @return the codec
   */
  public static Codec<byte[]> bytes() {
    return new Codec<>() {
      @Override
      public byte[] encode(byte[] value) {
        return value;
      }

      @Override
      public byte[] decode(byte[] bytes) {
        return bytes;
      }
    };
  }
}
