package io.toutiao.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.toutiao.core.id.IdCodec;
import io.toutiao.core.id.SnowflakeConfig;
import io.toutiao.core.id.SnowflakeId;
import io.toutiao.core.id.SnowflakeIdGenerator;
import io.toutiao.core.id.WorkerIdAssigner;
import io.toutiao.core.id.jackson.SnowflakeJacksonModule;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The code shown in README.md and toutiao-core/README.md, kept here so it compiles and runs. */
class ReadmeSnippetsTest {

  @Test
  void quickStart() {
    SnowflakeIdGenerator ids =
        new SnowflakeIdGenerator(
            SnowflakeConfig.custom()
                .datacenterId(1)
                .workerIdAssigner(
                    WorkerIdAssigner.fixed(3)) // or fromStatefulSetOrdinal(), fromEnvironment(...)
                .build());

    long articleId = ids.nextId(); // thread-safe, lock-free
    long[] more = ids.nextIds(100); // one compare-and-set per run of a millisecond
    SnowflakeId fields = ids.parse(articleId); // timestamp (Instant), datacenter, worker, sequence
    String compact = IdCodec.toCompact(articleId); // 11 URL-safe chars, sorts like the ids

    assertThat(more[0]).isGreaterThan(articleId);
    assertThat(fields.datacenterId()).isEqualTo(1);
    assertThat(fields.workerId()).isEqualTo(3);
    assertThat(IdCodec.fromCompact(compact)).isEqualTo(articleId);
  }

  @Test
  void javascriptSafeJson() throws Exception {
    long id = SnowflakeIdGenerator.withDefaults().nextId();
    Map<String, Object> article = Map.of("id", id);

    ObjectMapper mapper = new ObjectMapper().registerModule(new SnowflakeJacksonModule());
    String json = mapper.writeValueAsString(article);

    assertThat(json).isEqualTo("{\"id\":\"" + id + "\"}");
  }
}
