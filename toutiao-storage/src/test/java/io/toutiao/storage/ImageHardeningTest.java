package io.toutiao.storage;

import static io.toutiao.storage.HostileImages.ascii;
import static io.toutiao.storage.HostileImages.concat;
import static io.toutiao.storage.ImageValidatorTest.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.storage.InvalidImageException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Each hostile or unusual case of the validator, from files the test builds. */
class ImageHardeningTest {

  final ImageValidator basic = ImageValidator.ofDefaults();
  final ImageValidator deep = ImageValidator.builder().deepCheck(true).build();

  // ------------------------------------------------------------------ frames

  @Test
  void aFrameLargerThanTheLimitsIsRefusedFromTheHeaderNamingTheFrame() {
    byte[] gif = HostileImages.gif(1, 1, new int[] {0, 0, 20_000, 20_000});
    assertThat(gif.length).isLessThan(40);
    for (ImageValidator validator : new ImageValidator[] {basic, deep}) {
      assertThatThrownBy(() -> validator.validate(gif))
          .satisfies(reason(Reason.DIMENSIONS_TOO_LARGE))
          .hasMessageContaining("GIF frame 1 of 20000x20000");
    }
  }

  @Test
  void aFrameOutsideTheCanvasIsCorrupt() {
    byte[] gif = HostileImages.gif(10, 10, new int[] {0, 0, 10, 10}, new int[] {5, 5, 6, 5});
    assertThatThrownBy(() -> basic.validate(gif))
        .satisfies(reason(Reason.CORRUPT))
        .hasMessageContaining("GIF frame 2 of 6x5 pixels at (5,5) lies outside the 10x10 canvas");
    byte[] webp =
        HostileImages.webp(HostileImages.vp8x(16, 16, false), HostileImages.vp8l(2000, 2000));
    assertThatThrownBy(() -> basic.validate(webp))
        .satisfies(reason(Reason.CORRUPT))
        .hasMessageContaining("WEBP frame 1 of 2000x2000 pixels at (0,0) lies outside the 16x16");
    byte[] animated =
        HostileImages.webp(
            HostileImages.vp8x(100, 100, true),
            HostileImages.anmf(0, 0, 100, 100, HostileImages.vp8l(100, 100)),
            HostileImages.anmf(60, 0, 50, 50, HostileImages.vp8l(50, 50)));
    assertThatThrownBy(() -> basic.validate(animated))
        .satisfies(reason(Reason.CORRUPT))
        .hasMessageContaining("WEBP frame 2");
    byte[] apng =
        HostileImages.pngWith(
            ImageCorpus.image("png", 20, 20),
            HostileImages.acTL(2),
            HostileImages.fcTL(0, 20, 20, 0, 0),
            HostileImages.fcTL(1, 30, 10, 0, 0));
    assertThatThrownBy(() -> basic.validate(apng))
        .satisfies(reason(Reason.CORRUPT))
        .hasMessageContaining("PNG frame 2 of 30x10");
  }

  @Test
  void framesInsideTheCanvasPass() {
    byte[] animated =
        HostileImages.webp(
            HostileImages.vp8x(100, 100, true),
            HostileImages.anmf(0, 0, 100, 100, HostileImages.vp8l(100, 100)),
            HostileImages.anmf(50, 50, 50, 50, HostileImages.vp8l(50, 50)));
    assertThat(deep.validate(animated))
        .extracting(ImageInfo::width, ImageInfo::height)
        .containsExactly(100, 100);
    byte[] gif = HostileImages.gif(10, 10, new int[] {0, 0, 10, 10}, new int[] {4, 4, 6, 6});
    assertThat(basic.validate(gif).width()).isEqualTo(10);
  }

  @Test
  void totalPixelsOfAllFramesAreLimited() {
    int[][] frames = new int[10_000][];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = new int[] {0, 0, 100, 100};
    }
    byte[] gif = HostileImages.gif(100, 100, frames);
    assertThatThrownBy(() -> basic.validate(gif))
        .satisfies(reason(Reason.DIMENSIONS_TOO_LARGE))
        .hasMessageContaining("frames 1 to 8001")
        .hasMessageContaining("80000000");
    ImageValidator fewer = ImageValidator.builder().maxTotalPixels(50_000).build();
    assertThatThrownBy(
            () -> fewer.validate(HostileImages.gif(100, 100, java.util.Arrays.copyOf(frames, 6))))
        .satisfies(reason(Reason.DIMENSIONS_TOO_LARGE))
        .hasMessageContaining("frames 1 to 6");
  }

  // ------------------------------------------------------------------ active content

  @Test
  void findsScriptInMetadataInEverySpelling() {
    byte[] jpeg = ImageCorpus.image("jpg", 32, 32);
    byte[][] hostile = {
      HostileImages.jpegWithSegment(jpeg, 0xFE, ascii("<?= system($_GET['c']); ?>")),
      HostileImages.jpegWithSegment(jpeg, 0xE1, ascii("<img src=x onerror =alert(1)>")),
      HostileImages.pngWith(
          ImageCorpus.image("png", 8, 8), HostileImages.text("Comment", "<SVG/OnLoad\t=alert(1)>")),
      HostileImages.gifWithComment("javascript:alert(1)"),
      HostileImages.jpegWithSegment(jpeg, 0xFE, HostileImages.zip("a.php", "<?php ?>"))
    };
    for (byte[] file : hostile) {
      assertThat(basic.validate(file)).isNotNull();
      assertThatThrownBy(() -> deep.validate(file)).satisfies(reason(Reason.ACTIVE_CONTENT));
    }
  }

  @Test
  void findsAnAppendedArchiveByItsStructureEvenWhenTheFileEndsLikeAJpeg() {
    byte[] jpeg = ImageCorpus.image("jpg", 64, 64);
    byte[] polyglot = concat(jpeg, HostileImages.zip("x.jsp", "payload"), new byte[] {-1, -39});
    assertThatThrownBy(() -> deep.validate(polyglot))
        .satisfies(reason(Reason.ACTIVE_CONTENT))
        .hasMessageContaining("ZIP");
    byte[] pdf = concat(jpeg, ascii("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"));
    assertThatThrownBy(() -> deep.validate(pdf)).satisfies(reason(Reason.ACTIVE_CONTENT));
  }

  @Test
  void pixelBytesThatSpellMarkupAreNotActiveContent() {
    byte[] markup = ascii("<svg onload=alert(1)><script>");
    byte[] bmp = HostileImages.bmp24(40, 4, markup);
    assertThat(new String(bmp, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("<svg");
    assertThat(deep.validate(bmp).format()).isEqualTo(ImageFormat.BMP);
    byte[] png = HostileImages.storedPng(40, 4, markup);
    assertThat(new String(png, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("<script");
    assertThat(deep.validate(png).format()).isEqualTo(ImageFormat.PNG);
  }

  // ------------------------------------------------------------------ damage and trailers

  @Test
  void pngChunkCrcsAreCheckedInTheDeepCheck() {
    byte[] png = ImageCorpus.image("png", 16, 16);
    png[29] ^= 0x01; // IHDR's CRC
    assertThat(basic.validate(png).width()).isEqualTo(16);
    assertThatThrownBy(() -> deep.validate(png))
        .satisfies(reason(Reason.CORRUPT))
        .hasMessageContaining("IHDR at byte 8 has a wrong CRC");
  }

  @Test
  void motionPhotosAndGainMapsPassButUnknownTrailersDoNot() {
    byte[] jpeg = ImageCorpus.image("jpg", 64, 48);
    byte[] motion = concat(jpeg, HostileImages.mp4(20_000));
    byte[] samsung = concat(jpeg, ascii("MotionPhoto_Data"), HostileImages.mp4(5_000));
    byte[] gainMap = concat(jpeg, ImageCorpus.image("jpg", 32, 24));
    for (byte[] file : new byte[][] {motion, samsung, gainMap, concat(jpeg, new byte[64])}) {
      assertThat(deep.validate(file))
          .extracting(ImageInfo::width, ImageInfo::height)
          .containsExactly(64, 48);
    }
    ImageValidator strict = ImageValidator.builder().deepCheck(true).appendedMedia(false).build();
    assertThatThrownBy(() -> strict.validate(motion))
        .satisfies(reason(Reason.TRAILING_DATA))
        .hasMessageContaining("follow the end of the JPEG at byte " + jpeg.length);
    byte[] junk = new byte[300];
    new java.util.Random(3).nextBytes(junk);
    assertThatThrownBy(() -> deep.validate(concat(jpeg, junk)))
        .satisfies(reason(Reason.TRAILING_DATA));
    assertThatThrownBy(
            () -> deep.validate(concat(jpeg, HostileImages.box("ftyp", ascii("<script>")))))
        .satisfies(reason(Reason.ACTIVE_CONTENT));
  }

  @Test
  void harmlessDecoderWarningsAreIgnored() {
    byte[] badProfile = new byte[200];
    for (int i = 0; i < badProfile.length; i++) {
      badProfile[i] = (byte) (i * 7);
    }
    byte[] jpeg =
        HostileImages.jpegWithSegment(
            ImageCorpus.image("jpg", 40, 30),
            0xE2,
            concat(ascii("ICC_PROFILE\0"), new byte[] {1, 1}, badProfile));
    assertThat(deep.validate(jpeg).width()).isEqualTo(40);
  }

  // ------------------------------------------------------------------ formats

  @Test
  void sanitizeKeepsTheAlphaOfA32BitBmp() throws Exception {
    byte[] bmp = HostileImages.bmp32(6, 4, 0x80FF2010);
    byte[] clean = basic.sanitize(bmp);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(clean));
    assertThat(image.getColorModel().hasAlpha()).isTrue();
    assertThat(image.getRGB(5, 3)).isEqualTo(0x80FF2010);
    assertThat(deep.validate(clean).format()).isEqualTo(ImageFormat.BMP);
  }

  @Test
  void heifSizesAreReadFromTheirBoxesAndAvifIsToldFromHeic() {
    ImageValidator both =
        ImageValidator.builder()
            .allowedFormats(java.util.EnumSet.of(ImageFormat.HEIC, ImageFormat.AVIF))
            .deepCheck(true)
            .build();
    byte[] avif = HostileImages.heif("mif1", new String[] {"mif1", "avif"}, new int[] {640, 480});
    assertThat(both.validate(avif))
        .extracting(ImageInfo::format, ImageInfo::width)
        .containsExactly(ImageFormat.AVIF, 640);
    byte[] heic = HostileImages.heif("mif1", new String[] {"mif1", "heic"}, new int[] {300, 200});
    assertThat(both.validate(heic).format()).isEqualTo(ImageFormat.HEIC);
    // the ispe box is the last thing in the file
    byte[] last =
        concat(
            HostileImages.box("ftyp", concat(ascii("heic"), new byte[4], ascii("mif1heic"))),
            HostileImages.box(
                "meta",
                concat(
                    new byte[4],
                    HostileImages.box(
                        "iprp",
                        HostileImages.box(
                            "ipco",
                            HostileImages.box(
                                "ispe",
                                java.nio.ByteBuffer.allocate(12)
                                    .putInt(0)
                                    .putInt(4032)
                                    .putInt(3024)
                                    .array()))))));
    assertThat(both.validate(last))
        .extracting(ImageInfo::width, ImageInfo::height)
        .containsExactly(4032, 3024);
    byte[] grid =
        HostileImages.heif(
            "heic", new String[] {"mif1"}, new int[] {512, 512}, new int[] {4096, 3072});
    assertThat(both.validate(grid).width()).isEqualTo(4096);
    assertThatThrownBy(
            () ->
                both.validate(
                    HostileImages.heif("heic", new String[0], new int[] {20_000, 20_000})))
        .satisfies(reason(Reason.DIMENSIONS_TOO_LARGE));
  }

  // ------------------------------------------------------------------ memory

  @Test
  void aCheckThatFindsNoRoomInTheBudgetIsBusyNotTheClientsFault() {
    DecodeBudget budget = DecodeBudget.of(2 << 20, Duration.ofMillis(100));
    ImageValidator validator =
        ImageValidator.builder().deepCheck(true).decodeBudget(budget).build();
    byte[] jpeg = ImageCorpus.image("jpg", 1000, 1000);
    DecodeBudget.Reservation held = budget.reserve(1);
    try {
      long started = System.nanoTime();
      assertThatThrownBy(() -> validator.validate(jpeg))
          .isInstanceOf(ImageCheckBusyException.class)
          .isNotInstanceOf(InvalidImageException.class)
          .hasMessageContaining("no room to decode now");
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isBetween(Duration.ofMillis(90), Duration.ofSeconds(2));
    } finally {
      held.close();
    }
    assertThat(validator.validate(jpeg).width())
        .as("larger than the budget: runs alone")
        .isEqualTo(1000);
    assertThat(budget.reserved()).isZero();
  }
}
