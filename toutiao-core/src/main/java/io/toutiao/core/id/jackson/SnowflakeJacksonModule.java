package io.toutiao.core.id.jackson;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;

/**
 * Jackson module that writes every {@code long}, {@code Long} and {@code long[]} as JSON strings,
 * so JavaScript clients, which round integers above 2^53 (every current Snowflake id), read ids
 * exactly. Reading is unaffected: Jackson accepts {@code "1234"} and {@code 1234} for long fields.
 *
 * <pre>{@code
 * ObjectMapper mapper = new ObjectMapper().registerModule(new SnowflakeJacksonModule());
 * mapper.writeValueAsString(Map.of("id", 1829471234567890123L)); // {"id":"1829471234567890123"}
 * }</pre>
 *
 * <p>To turn strings on for some fields only, annotate them with {@code @JsonSerialize(using =
 * ToStringSerializer.class)} instead. Jackson is an optional dependency of toutiao-core: add {@code
 * jackson-databind} to use this class.
 */
public final class SnowflakeJacksonModule extends SimpleModule {

  private static final long serialVersionUID = 1L;

  /** Creates the module. */
  public SnowflakeJacksonModule() {
    super("toutiao-snowflake-ids-as-strings");
    addSerializer(Long.class, ToStringSerializer.instance);
    addSerializer(Long.TYPE, ToStringSerializer.instance);
    addSerializer(long[].class, new LongArrayAsStrings());
  }

  private static final class LongArrayAsStrings extends StdSerializer<long[]> {
    private static final long serialVersionUID = 1L;

    LongArrayAsStrings() {
      super(long[].class);
    }

    @Override
    public void serialize(long[] values, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      generator.writeStartArray(values, values.length);
      for (long value : values) {
        generator.writeString(Long.toString(value));
      }
      generator.writeEndArray();
    }
  }
}
