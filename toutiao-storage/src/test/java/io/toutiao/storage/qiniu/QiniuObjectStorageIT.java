package io.toutiao.storage.qiniu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.storage.ImageUploadService;
import io.toutiao.storage.ImageValidator;
import io.toutiao.storage.InvalidImageException;
import io.toutiao.storage.KeyStrategy;
import io.toutiao.storage.ObjectStat;
import io.toutiao.storage.StorageUnavailableException;
import io.toutiao.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real Qiniu SDK against {@link FakeQiniu}, a local server speaking its protocol. */
class QiniuObjectStorageIT {

  FakeQiniu qiniu;

  @BeforeEach
  void start() throws Exception {
    qiniu = new FakeQiniu();
  }

  @AfterEach
  void stop() {
    qiniu.close();
  }

  static byte[] png() {
    return io.toutiao.storage.ImageCorpusAccess.png(32, 16);
  }

  @Test
  void uploadsWithAServerAssignedKeyStatsAndDeletes() {
    QiniuObjectStorage storage = new QiniuObjectStorage(qiniu.config("avatars").build());
    byte[] image = png();

    StoredObject stored = storage.put(image, "image/png");

    assertThat(stored.key()).isEqualTo(FakeQiniu.etag(image)).isEqualTo(stored.hash());
    assertThat(stored.url()).isEqualTo("https://img.example.com/" + stored.key());
    ObjectStat stat = storage.stat(stored.key()).orElseThrow();
    assertThat(stat.size()).isEqualTo(image.length);
    assertThat(stat.mimeType()).isEqualTo("image/png");
    assertThat(stat.storedAt()).isAfter(java.time.Instant.now().minusSeconds(60));
    assertThat(storage.exists(stored.key())).isTrue();
    assertThat(storage.delete(stored.key())).isTrue();
    assertThat(storage.stat(stored.key())).isEmpty();
    assertThat(storage.delete(stored.key())).isFalse();
  }

  @Test
  void tokensCarryThePutPolicy() {
    QiniuObjectStorage storage = new QiniuObjectStorage(qiniu.config("avatars").build());
    String token = storage.uploadToken("a/b.png");
    String policy =
        new String(
            java.util.Base64.getUrlDecoder().decode(token.split(":")[2]), StandardCharsets.UTF_8);
    assertThat(policy)
        .contains(
            "\"scope\":\"avatars:a/b.png\"",
            "\"insertOnly\":1",
            "\"mimeLimit\":\"image/*\"",
            "\"fsizeLimit\":10485760",
            "\"deadline\"");
    assertThat(token).startsWith(FakeQiniu.ACCESS_KEY + ":");
  }

  @Test
  void insertOnlyRefusesToOverwriteAndTheMimeLimitHolds() {
    QiniuObjectStorage storage = new QiniuObjectStorage(qiniu.config("avatars").build());
    storage.put("users/1.png", png(), "image/png");

    assertThatThrownBy(() -> storage.put("users/1.png", png(), "image/png"))
        .isInstanceOf(QiniuStorageException.ObjectExists.class)
        .satisfies(e -> assertThat(((QiniuStorageException) e).status()).isEqualTo(614))
        .satisfies(e -> assertThat(((QiniuStorageException) e).requestId()).startsWith("fake-"));
    assertThatThrownBy(
            () -> storage.put("users/2.txt", "text".getBytes(StandardCharsets.UTF_8), "text/plain"))
        .isInstanceOf(QiniuStorageException.AuthFailed.class)
        .hasMessageContaining("403");
  }

  @Test
  void aWrongSecretKeyIsRefusedWith401() {
    QiniuConfig wrong =
        QiniuConfig.builder(
                FakeQiniu.ACCESS_KEY, "not-the-secret", "avatars", "https://img.example.com")
            .hosts(List.of(qiniu.host()), qiniu.host(), qiniu.host())
            .https(false)
            .build();
    assertThatThrownBy(() -> new QiniuObjectStorage(wrong).put("x.png", png(), "image/png"))
        .isInstanceOf(QiniuStorageException.AuthFailed.class)
        .hasMessageContaining("401")
        .hasMessageNotContaining("not-the-secret");
  }

  @Test
  void theSizeLimitGives413() {
    QiniuObjectStorage storage =
        new QiniuObjectStorage(
            qiniu
                .config("avatars")
                .putPolicy(Duration.ofMinutes(30), true, "image/*", 100)
                .build());
    assertThatThrownBy(() -> storage.put("big.png", png(), "image/png"))
        .isInstanceOf(QiniuStorageException.TooLarge.class);
  }

  @Test
  void a503IsRetriedThenSucceeds() {
    QiniuObjectStorage storage = new QiniuObjectStorage(qiniu.config("avatars").build());
    qiniu.failStatus = 503;
    qiniu.failNext.set(2);

    StoredObject stored = storage.put("retried.png", png(), "image/png");

    assertThat(stored.key()).isEqualTo("retried.png");
    assertThat(qiniu.requests.stream().filter(r -> r.equals("POST /"))).hasSize(3);
  }

  @Test
  void persistent503sBecomeStorageUnavailable() {
    QiniuObjectStorage storage =
        new QiniuObjectStorage(
            qiniu
                .config("avatars")
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), 1)
                .build());
    qiniu.failNext.set(100);
    assertThatThrownBy(() -> storage.put("down.png", png(), "image/png"))
        .isInstanceOf(StorageUnavailableException.class)
        .hasMessageContaining("503");
  }

  @Test
  void aResponseWithoutReqIdIsAFailure() {
    QiniuObjectStorage storage =
        new QiniuObjectStorage(
            qiniu
                .config("avatars")
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), 0)
                .build());
    qiniu.omitReqIdNext.set(100);
    assertThatThrownBy(() -> storage.put("noreqid.png", png(), "image/png"))
        .isInstanceOf(StorageUnavailableException.class);
  }

  @Test
  void aSlowAnswerTimesOut() {
    QiniuObjectStorage storage =
        new QiniuObjectStorage(
            qiniu
                .config("avatars")
                .timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 0)
                .build());
    qiniu.delayMillis = 3000;
    qiniu.delayRequests.set(10);
    assertThatThrownBy(() -> storage.put("slow.png", png(), "image/png"))
        .isInstanceOf(StorageUnavailableException.class);
  }

  @Test
  void contentAboveTheThresholdGoesResumableAndArrivesWhole() {
    QiniuObjectStorage storage =
        new QiniuObjectStorage(
            qiniu
                .config("videos")
                .putThreshold(1024 * 1024)
                .putPolicy(Duration.ofHours(1), true, null, 64L << 20)
                .build());
    byte[] content = new byte[9 * 1024 * 1024 + 123];
    new Random(7).nextBytes(content);

    StoredObject stored =
        storage.put("clips/a.bin", new ByteArrayInputStream(content), content.length, "video/mp4");

    assertThat(stored.size()).isEqualTo(content.length);
    assertThat(qiniu.objects.get("videos:clips/a.bin").bytes()).isEqualTo(content);
    assertThat(qiniu.requests).anyMatch(r -> r.startsWith("PUT /buckets/videos/objects/"));
  }

  @Test
  void a200MegabyteStreamUploadsInA64MegabyteHeap() throws Exception {
    long size = 200L * 1024 * 1024;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                LargeUploadMain.class.getName(),
                qiniu.host(),
                Long.toString(size))
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(240, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("UPLOADED big/video.bin " + size);
    assertThat(qiniu.objects.get("videos:big/video.bin").size()).isEqualTo(size);
  }

  @Test
  void signedAndAntiLeechUrls() {
    QiniuObjectStorage storage =
        new QiniuObjectStorage(qiniu.config("avatars").antiLeechKey("leech-secret").build());
    String signed = storage.privateUrl("a/b.png", Duration.ofMinutes(10));
    assertThat(signed)
        .startsWith("https://img.example.com/a/b.png?e=")
        .contains("&token=" + FakeQiniu.ACCESS_KEY + ":");
    String antiLeech = storage.antiLeechUrl("a/b.png", Duration.ofMinutes(10));
    assertThat(antiLeech)
        .startsWith("https://img.example.com/a/b.png?sign=")
        .contains("&t=")
        .doesNotContain("leech-secret");
    assertThat(storage.toString()).doesNotContain(FakeQiniu.SECRET_KEY);
  }

  @Test
  void cdnRefreshIsBatchedToTheApiLimits() {
    CdnRefresher cdn = new CdnRefresher(qiniu.config("avatars").build());
    List<String> urls =
        IntStream.range(0, 130).mapToObj(i -> "https://img.example.com/" + i + ".png").toList();
    List<String> dirs =
        IntStream.range(0, 25).mapToObj(i -> "https://img.example.com/d" + i + "/").toList();

    assertThat(cdn.refreshUrls(urls)).isEqualTo(3);
    assertThat(cdn.refreshDirs(dirs)).isEqualTo(3);
    assertThat(cdn.prefetchUrls(urls.subList(0, 61))).isEqualTo(2);

    List<Integer> sizes = new ArrayList<>();
    qiniu.cdnBatches.forEach(batch -> sizes.add(batch.size()));
    assertThat(sizes).containsExactly(60, 60, 10, 10, 10, 5, 60, 1);
    assertThatThrownBy(() -> cdn.refreshDirs(List.of("https://img.example.com/no-slash")))
        .hasMessageContaining("end with '/'");
  }

  @Test
  void theUploadFacadeStoresNothingWhenAFieldIsInvalid(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    QiniuObjectStorage storage =
        new QiniuObjectStorage(
            qiniu.config("avatars").keyStrategy(KeyStrategy.CONTENT_HASH).build());
    ImageUploadService uploads = new ImageUploadService(ImageValidator.ofDefaults(), storage);
    java.util.Map<String, byte[]> fields = new java.util.LinkedHashMap<>();
    fields.put("photo", png());
    fields.put(
        "id_card_handheld", Files.readAllBytes(Files.writeString(dir.resolve("x.jpg"), "<html>")));

    assertThatThrownBy(() -> uploads.uploadAll(fields))
        .isInstanceOf(InvalidImageException.class)
        .hasMessageStartingWith("id_card_handheld");
    assertThat(qiniu.objects).isEmpty();

    ImageUploadService.UploadedImage photo = uploads.upload(png());
    assertThat(photo.key()).endsWith(".png");
    assertThat(qiniu.objects).containsKey("avatars:" + photo.key());
  }
}
