package io.toutiao.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.storage.KeyStrategy;
import io.toutiao.storage.ObjectStat;
import io.toutiao.storage.ObjectStorage;
import io.toutiao.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalObjectStorageTest {

  @TempDir Path dir;

  @Test
  void storesStatsServesAndDeletes() {
    LocalObjectStorage storage =
        new LocalObjectStorage(dir.resolve("files"), "http://localhost:8080/files/");
    byte[] content = "hello 头条".getBytes(StandardCharsets.UTF_8);

    StoredObject stored = storage.put("avatars/1.png", content, "image/png");

    assertThat(stored.url()).isEqualTo("http://localhost:8080/files/avatars/1.png");
    assertThat(stored.size()).isEqualTo(content.length);
    ObjectStat stat = storage.stat("avatars/1.png").orElseThrow();
    assertThat(stat.mimeType()).isEqualTo("image/png");
    assertThat(stat.hash()).isEqualTo(stored.hash());
    assertThat(stat.size()).isEqualTo(content.length);
    assertThat(storage.exists("avatars/1.png")).isTrue();
    assertThat(storage.delete("avatars/1.png")).isTrue();
    assertThat(storage.exists("avatars/1.png")).isFalse();
    assertThat(storage.stat("avatars/1.png")).isEmpty();
    assertThat(storage.delete("avatars/1.png")).isFalse();
  }

  @Test
  void contentAddressedKeysDeduplicate() {
    LocalObjectStorage storage = new LocalObjectStorage(dir, "http://x/");
    StoredObject a = storage.put(new byte[] {1, 2, 3}, "image/gif");
    StoredObject b = storage.put(new byte[] {1, 2, 3}, "image/gif");
    assertThat(a.key()).isEqualTo(b.key()).endsWith(".gif").hasSize(64 + 4);

    Clock day = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
    LocalObjectStorage dated =
        new LocalObjectStorage(dir, "http://x", KeyStrategy.datedContentHash(day));
    assertThat(dated.put(new byte[] {9}, "image/png").key())
        .startsWith("2026/11/27/")
        .endsWith(".png");
  }

  @Test
  void streamsMustMatchTheirLength() {
    LocalObjectStorage storage = new LocalObjectStorage(dir, "http://x");
    assertThatThrownBy(() -> storage.put("a.bin", new ByteArrayInputStream(new byte[10]), 11, null))
        .hasMessageContaining("expected 11 bytes");
    assertThat(storage.exists("a.bin")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../escape.png",
        "/etc/passwd",
        "a/../../b.png",
        "a/./b",
        "a\\b.png",
        "a//b",
        ".hidden",
        "a/",
        "",
        "a b.png",
        "%2e%2e/x",
        "头条.png"
      })
  void refusesKeysThatCouldEscapeOrAreMalformed(String key) {
    LocalObjectStorage storage = new LocalObjectStorage(dir.resolve("root"), "http://x");
    assertThatThrownBy(() -> storage.put(key, new byte[] {1}, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Files.exists(dir.resolve("escape.png"))).isFalse();
  }

  @Test
  void joinsUrlsWithExactlyOneSlash() {
    assertThat(ObjectStorage.joinUrl("https://cdn.example.com", "a/b.png"))
        .isEqualTo("https://cdn.example.com/a/b.png");
    assertThat(ObjectStorage.joinUrl("https://cdn.example.com/", "/a/b.png"))
        .isEqualTo("https://cdn.example.com/a/b.png");
  }
}
