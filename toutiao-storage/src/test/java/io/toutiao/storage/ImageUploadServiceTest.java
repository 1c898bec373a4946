package io.toutiao.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.storage.local.LocalObjectStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageUploadServiceTest {

  @TempDir Path dir;

  @Test
  void validatesThenStoresOneImage() {
    LocalObjectStorage storage = new LocalObjectStorage(dir, "https://cdn.example.com");
    ImageUploadService uploads = new ImageUploadService(ImageValidator.ofDefaults(), storage);

    ImageUploadService.UploadedImage photo = uploads.upload(ImageCorpus.image("png", 64, 48));

    assertThat(photo.info().width()).isEqualTo(64);
    assertThat(photo.key()).isEqualTo(photo.info().sha256() + ".png");
    assertThat(photo.url()).isEqualTo("https://cdn.example.com/" + photo.key());
    assertThat(storage.exists(photo.key())).isTrue();
  }

  @Test
  void oneBadFieldFailsTheRequestNamingItAndStoresNothing() throws Exception {
    LocalObjectStorage storage = new LocalObjectStorage(dir, "https://cdn.example.com");
    ImageUploadService uploads = new ImageUploadService(ImageValidator.ofDefaults(), storage);
    Map<String, byte[]> fields = new LinkedHashMap<>();
    fields.put("photo", ImageCorpus.image("jpg", 100, 100));
    fields.put("id_card_front", ImageCorpus.image("png", 80, 50));
    fields.put("id_card_back", ImageCorpus.text("not an image"));

    assertThatThrownBy(() -> uploads.uploadAll(fields))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageStartingWith("id_card_back: ")
        .satisfies(e -> assertThat(((InvalidImageException) e).field()).isEqualTo("id_card_back"));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }

    fields.put("id_card_back", ImageCorpus.image("gif", 80, 50));
    Map<String, ImageUploadService.UploadedImage> stored = uploads.uploadAll(fields);
    assertThat(stored.keySet()).containsExactly("photo", "id_card_front", "id_card_back");
    assertThat(stored.get("photo").info().format()).isEqualTo(ImageFormat.JPEG);
  }
}
