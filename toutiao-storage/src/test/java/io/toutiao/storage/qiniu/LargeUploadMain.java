package io.toutiao.storage.qiniu;

import io.toutiao.storage.StoredObject;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;

/**
 * Uploads a generated stream of N bytes to the fake Qiniu at the given host, in a small-heap JVM.
 */
public final class LargeUploadMain {

  private LargeUploadMain() {}

  /**
   * Runs the upload.
   *
   * @param args host, bytes
   */
  public static void main(String[] args) {
    String host = args[0];
    long size = Long.parseLong(args[1]);
    QiniuConfig config =
        QiniuConfig.builder(
                FakeQiniu.ACCESS_KEY, FakeQiniu.SECRET_KEY, "videos", "https://v.example.com")
            .hosts(List.of(host), host, host)
            .https(false)
            .putPolicy(Duration.ofHours(1), true, null, size)
            .build();
    InputStream generated =
        new InputStream() {
          private long left = size;

          @Override
          public int read() {
            return left-- > 0 ? (int) (left & 0x7F) : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (left <= 0) {
              return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
              b[off + i] = (byte) ((left - i) & 0x7F);
            }
            left -= n;
            return n;
          }
        };
    StoredObject stored =
        new QiniuObjectStorage(config).put("big/video.bin", generated, size, "video/mp4");
    System.out.println(
        "UPLOADED "
            + stored.key()
            + " "
            + stored.size()
            + " maxHeap="
            + Runtime.getRuntime().maxMemory());
  }
}
