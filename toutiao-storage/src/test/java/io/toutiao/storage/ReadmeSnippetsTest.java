package io.toutiao.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.toutiao.storage.ImageUploadService.UploadedImage;
import io.toutiao.storage.local.LocalObjectStorage;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code shown in README.md and toutiao-storage/README.md, kept here so it compiles and runs. */
class ReadmeSnippetsTest {

  @TempDir Path dir;

  @Test
  void quickStart() {
    byte[] bytes = ImageCorpus.image("jpg", 120, 80);
    byte[] photoBytes = bytes;
    byte[] frontBytes = ImageCorpus.image("png", 60, 40);
    byte[] backBytes = ImageCorpus.image("png", 60, 41);
    byte[] heldBytes = ImageCorpus.image("gif", 60, 42);

    ImageValidator validator = ImageValidator.builder().deepCheck(true).build();
    ObjectStorage storage =
        new LocalObjectStorage(dir.resolve("data/files"), "http://localhost:8080/files");
    ImageUploadService uploads = new ImageUploadService(validator, storage);

    UploadedImage photo = uploads.upload(bytes); // key (what the database keeps), url, ImageInfo
    Map<String, UploadedImage> all =
        uploads.uploadAll(
            Map.of(
                "photo",
                photoBytes,
                "id_card_front",
                frontBytes,
                "id_card_back",
                backBytes,
                "id_card_handheld",
                heldBytes));

    assertThat(photo.url()).startsWith("http://localhost:8080/files/").endsWith(".jpg");
    assertThat(all).hasSize(4);
    assertThat(all.get("id_card_handheld").info().format()).isEqualTo(ImageFormat.GIF);
  }
}
