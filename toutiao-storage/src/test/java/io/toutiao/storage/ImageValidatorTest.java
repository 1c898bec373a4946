package io.toutiao.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.storage.InvalidImageException.Reason;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageValidatorTest {

  final ImageValidator basic = ImageValidator.ofDefaults();
  final ImageValidator deep = ImageValidator.builder().deepCheck(true).build();

  @ParameterizedTest
  @CsvSource({
    "png,PNG,1,1",
    "png,PNG,640,480",
    "jpg,JPEG,37,21",
    "jpg,JPEG,1920,1080",
    "gif,GIF,13,200",
    "bmp,BMP,300,7"
  })
  void acceptsRealImagesWithTheirTrueDimensions(
      String writer, ImageFormat format, int width, int height) {
    byte[] file = ImageCorpus.image(writer, width, height);
    for (ImageValidator validator : new ImageValidator[] {basic, deep}) {
      ImageInfo info = validator.validate(file);
      assertThat(info.format()).isEqualTo(format);
      assertThat(info.width()).isEqualTo(width);
      assertThat(info.height()).isEqualTo(height);
      assertThat(info.sizeBytes()).isEqualTo(file.length);
      assertThat(info.sha256()).hasSize(64);
      assertThat(info.mimeType()).isEqualTo(format.mimeType());
    }
  }

  /**
   * Compressed pixels are close to random bytes: the active-content scan must not find "markup" in
   * them. 40 noisy PNGs and JPEGs (over 4 MB of near-random data) all pass the deep check.
   */
  @Test
  void deepCheckDoesNotMistakeCompressedPixelsForMarkup() throws Exception {
    java.util.Random random = new java.util.Random(20261127);
    long scanned = 0;
    for (int i = 0; i < 40; i++) {
      java.awt.image.BufferedImage image =
          new java.awt.image.BufferedImage(240, 240, java.awt.image.BufferedImage.TYPE_INT_RGB);
      for (int x = 0; x < 240; x++) {
        for (int y = 0; y < 240; y++) {
          image.setRGB(x, y, random.nextInt(1 << 24));
        }
      }
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      ImageIO.write(image, i % 2 == 0 ? "png" : "jpg", out);
      byte[] file = out.toByteArray();
      scanned += file.length;
      assertThat(deep.validate(file).width()).as("image %d", i).isEqualTo(240);
    }
    assertThat(scanned).isGreaterThan(4_000_000);
  }

  @Test
  void readsWebpDimensionsFromEveryHeaderKind() {
    assertThat(deep.validate(ImageCorpus.webpExtended(1024, 768)))
        .extracting(ImageInfo::width, ImageInfo::height)
        .containsExactly(1024, 768);
    assertThat(basic.validate(ImageCorpus.webpLossless(300, 200)))
        .extracting(ImageInfo::format, ImageInfo::width, ImageInfo::height)
        .containsExactly(ImageFormat.WEBP, 300, 200);
  }

  @Test
  void detectsHeicButRefusesItByDefault() {
    byte[] heic = HostileImages.heif("heic", new String[] {"mif1", "heic"}, new int[] {1024, 768});
    assertThatThrownBy(() -> basic.validate(heic))
        .satisfies(reason(Reason.UNSUPPORTED_FORMAT))
        .hasMessageContaining("HEIC");
    ImageValidator heicAllowed =
        ImageValidator.builder().allowedFormats(EnumSet.of(ImageFormat.HEIC)).build();
    assertThat(heicAllowed.validate(heic))
        .extracting(ImageInfo::width, ImageInfo::height)
        .containsExactly(1024, 768);
  }

  @Test
  void refusesEachBadFileWithTheRightReason() {
    Map<byte[], Reason> basicReasons =
        Map.of(
            new byte[0],
            Reason.EMPTY,
            ImageCorpus.text("just some text, renamed to photo.jpg"),
            Reason.UNKNOWN_FORMAT,
            ImageCorpus.text(
                "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"),
            Reason.UNKNOWN_FORMAT,
            ImageCorpus.text("<!DOCTYPE html><html><body>hi</body></html>"),
            Reason.UNKNOWN_FORMAT,
            ImageCorpus.pngBomb(),
            Reason.DIMENSIONS_TOO_LARGE,
            ImageCorpus.gifBomb(),
            Reason.DIMENSIONS_TOO_LARGE,
            ImageCorpus.bmpHeaderThenZeros(),
            Reason.CORRUPT,
            ImageCorpus.truncated(ImageCorpus.image("png", 10, 10), 20),
            Reason.TRUNCATED);
    basicReasons.forEach(
        (file, reason) -> assertThatThrownBy(() -> basic.validate(file)).satisfies(reason(reason)));

    byte[] jpeg = ImageCorpus.image("jpg", 200, 100);
    byte[] png = ImageCorpus.image("png", 200, 100);
    assertThat(basic.validate(ImageCorpus.truncated(jpeg, jpeg.length / 2)).format())
        .as("the header alone passes")
        .isEqualTo(ImageFormat.JPEG);
    assertThatThrownBy(() -> deep.validate(ImageCorpus.truncated(jpeg, jpeg.length / 2)))
        .satisfies(reason(Reason.TRUNCATED));
    assertThatThrownBy(() -> deep.validate(ImageCorpus.truncated(png, png.length - 30)))
        .satisfies(reason(Reason.TRUNCATED));
    assertThatThrownBy(() -> deep.validate(ImageCorpus.gifPolyglot()))
        .satisfies(reason(Reason.ACTIVE_CONTENT))
        .hasMessageContaining("<script");
  }

  @Test
  void refusesTheBombWithoutDecoding() {
    byte[] bomb = ImageCorpus.pngBomb();
    assertThat(bomb.length).isLessThan(100);
    assertThatThrownBy(() -> deep.validate(bomb))
        .satisfies(reason(Reason.DIMENSIONS_TOO_LARGE))
        .hasMessageContaining("20000x20000");
  }

  @Test
  void enforcesSizeAndDimensionLimits() {
    ImageValidator small =
        ImageValidator.builder().maxBytes(1000).maxDimensions(100, 100, 5000).build();
    assertThatThrownBy(() -> small.validate(ImageCorpus.image("bmp", 50, 50)))
        .satisfies(reason(Reason.TOO_LARGE))
        .hasMessageContaining("1000");
    assertThatThrownBy(() -> small.validate(ImageCorpus.image("png", 101, 2)))
        .satisfies(reason(Reason.DIMENSIONS_TOO_LARGE));
    assertThatThrownBy(() -> small.validate(ImageCorpus.image("png", 80, 80)))
        .satisfies(reason(Reason.DIMENSIONS_TOO_LARGE))
        .hasMessageContaining("5000 pixels");
  }

  @Test
  void readsAtMostTheLimitPlusOneByteFromAStream() {
    AtomicLong read = new AtomicLong();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            read.incrementAndGet();
            return 0x42;
          }
        };
    ImageValidator limited = ImageValidator.builder().maxBytes(4096).build();
    assertThatThrownBy(() -> limited.validate(endless)).satisfies(reason(Reason.TOO_LARGE));
    assertThat(read.get()).isEqualTo(4097);
    assertThat(limited.validate(new ByteArrayInputStream(ImageCorpus.image("gif", 3, 3))).format())
        .isEqualTo(ImageFormat.GIF);
  }

  @Test
  void validatesFilesByContentNotByName(@TempDir Path dir) throws Exception {
    Path misnamed = dir.resolve("avatar.gif");
    Files.write(misnamed, ImageCorpus.image("png", 12, 34));
    assertThat(basic.validate(misnamed))
        .extracting(ImageInfo::format, ImageInfo::width)
        .containsExactly(ImageFormat.PNG, 12);
  }

  @Test
  void sanitizeStripsExifAndAppliesOrientation() throws Exception {
    byte[] withExif = ImageCorpus.jpegWithExif(40, 20);
    assertThat(new String(withExif, StandardCharsets.ISO_8859_1)).contains("Exif");

    byte[] clean = basic.sanitize(withExif);

    assertThat(new String(clean, StandardCharsets.ISO_8859_1)).doesNotContain("Exif");
    var image = ImageIO.read(new ByteArrayInputStream(clean));
    assertThat(image.getWidth()).as("orientation 6 turns 40x20 upright to 20x40").isEqualTo(20);
    assertThat(image.getHeight()).isEqualTo(40);
    assertThatThrownBy(() -> basic.sanitize(ImageCorpus.gifPolyglot()))
        .satisfies(reason(Reason.ACTIVE_CONTENT));
  }

  static java.util.function.Consumer<Throwable> reason(Reason expected) {
    return e ->
        assertThat(e)
            .isInstanceOf(InvalidImageException.class)
            .extracting(t -> ((InvalidImageException) t).reason())
            .isEqualTo(expected);
  }
}
