package io.toutiao.core.id.jackson;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.toutiao.core.id.SnowflakeIdGenerator;
import org.junit.jupiter.api.Test;

class SnowflakeJacksonModuleTest {

  record Article(long id, Long authorId, long[] tagIds, String title) {}

  private final ObjectMapper mapper =
      new ObjectMapper().registerModule(new SnowflakeJacksonModule());

  @Test
  void writesIdsAsStringsSoJavaScriptKeepsEveryDigit() throws Exception {
    long id = SnowflakeIdGenerator.withDefaults().nextId();
    assertThat(id).isGreaterThan(1L << 53);

    String json = mapper.writeValueAsString(new Article(id, 42L, new long[] {1, 2}, "头条"));

    assertThat(json)
        .isEqualTo(
            "{\"id\":\""
                + id
                + "\",\"authorId\":\"42\",\"tagIds\":[\"1\",\"2\"],\"title\":\"头条\"}");
  }

  @Test
  void readsIdsFromStringsAndNumbers() throws Exception {
    Article fromStrings =
        mapper.readValue(
            "{\"id\":\"1829471234567890123\",\"authorId\":\"5\",\"tagIds\":[\"3\"],\"title\":\"t\"}",
            Article.class);
    Article fromNumbers =
        mapper.readValue(
            "{\"id\":1829471234567890123,\"authorId\":5,\"tagIds\":[3],\"title\":\"t\"}",
            Article.class);

    assertThat(fromStrings.id()).isEqualTo(1829471234567890123L).isEqualTo(fromNumbers.id());
    assertThat(fromStrings.tagIds()).containsExactly(3L);
  }
}
