package io.toutiao.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toutiao.storage.ObjectKeyException;
import io.toutiao.storage.ObjectStat;
import io.toutiao.storage.StorageUnavailableException;
import io.toutiao.storage.internal.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile streams, keys and concurrency against the local store. */
class LocalObjectStorageHardeningTest {

  @TempDir Path dir;

  private LocalObjectStorage store() {
    return new LocalObjectStorage(dir.resolve("root"), "http://x");
  }

  /** Every file under the root except metadata: objects and leftovers. */
  private List<String> files() throws IOException {
    try (Stream<Path> all = Files.walk(dir.resolve("root"))) {
      return all.filter(Files::isRegularFile)
          .map(p -> dir.resolve("root").relativize(p).toString())
          .filter(p -> !p.startsWith(".meta"))
          .toList();
    }
  }

  @Test
  void anEndlessStreamIsCutOffAfterItsDeclaredLengthPlusOne() throws IOException {
    AtomicLong read = new AtomicLong();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            read.incrementAndGet();
            return 1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            read.addAndGet(len);
            return len;
          }
        };
    LocalObjectStorage store = store();
    assertThatThrownBy(() -> store.put("big.bin", endless, 1000, null))
        .isInstanceOf(IllegalArgumentException.class)
        .isNotInstanceOf(ObjectKeyException.class)
        .hasMessageContaining("more than the 1000 bytes");
    assertThat(read.get()).isEqualTo(1001);
    assertThat(files()).isEmpty();
  }

  @Test
  void aFailingStreamLeavesNoTemporaryFile() throws IOException {
    InputStream failing =
        new InputStream() {
          int left = 100_000;

          @Override
          public int read() throws IOException {
            return read(new byte[1], 0, 1);
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
              throw new IOException("connection reset");
            }
            int n = Math.min(len, left);
            left -= n;
            return n;
          }
        };
    LocalObjectStorage store = store();
    assertThatThrownBy(() -> store.put("a/b.bin", failing, 200_000, null))
        .isInstanceOf(StorageUnavailableException.class);
    assertThatThrownBy(() -> store.put("a/c.bin", InputStream.nullInputStream(), 5, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(files()).isEmpty();
    assertThat(store.stat("a/b.bin")).isEmpty();
  }

  @Test
  void aSymbolicLinkInsideTheRootCannotLeadAKeyOutside() throws IOException {
    LocalObjectStorage store = store();
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createSymbolicLink(dir.resolve("root/avatars"), outside);
    Files.writeString(outside.resolve("secret.txt"), "secret");
    assertThatThrownBy(() -> store.put("avatars/x.png", new byte[] {1}, "image/png"))
        .isInstanceOf(ObjectKeyException.class)
        .hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> store.put("avatars/deeper/x.png", new byte[] {1}, "image/png"))
        .isInstanceOf(ObjectKeyException.class);
    assertThatThrownBy(() -> store.stat("avatars/secret.txt"))
        .isInstanceOf(ObjectKeyException.class);
    assertThatThrownBy(() -> store.delete("avatars/secret.txt"))
        .isInstanceOf(ObjectKeyException.class);
    try (Stream<Path> list = Files.list(outside)) {
      assertThat(list.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
    }
    // a link that stays inside the root is followed
    Files.createDirectories(dir.resolve("root/real"));
    Files.createSymbolicLink(dir.resolve("root/alias"), dir.resolve("root/real"));
    store.put("alias/y.bin", new byte[] {2}, null);
    assertThat(Files.exists(dir.resolve("root/real/y.bin"))).isTrue();
  }

  @Test
  void keyProblemsTheClientCausedAreClientErrors() {
    LocalObjectStorage store = store();
    String longSegment = "a".repeat(256);
    assertThatThrownBy(() -> store.put(longSegment, new byte[] {1}, null))
        .isInstanceOf(ObjectKeyException.class)
        .hasMessageContaining("255 bytes");
    store.put("photos", new byte[] {1}, null);
    assertThatThrownBy(() -> store.put("photos/1.png", new byte[] {1}, null))
        .isInstanceOf(ObjectKeyException.class)
        .hasMessageContaining("shorter key");
    store.put("albums/1.png", new byte[] {1}, null);
    assertThatThrownBy(() -> store.put("albums", new byte[] {1}, null))
        .isInstanceOf(ObjectKeyException.class)
        .hasMessageContaining("holds other objects");
    assertThat(store.delete("albums")).isFalse();
    assertThat(store.stat("albums")).isEmpty();
  }

  @Test
  void aMissingStorageFolderIsAServerFaultNotAKeyProblem() throws IOException {
    LocalObjectStorage store = store();
    Path root = dir.resolve("root");
    Files.delete(root);
    Files.writeString(root, "not a folder");
    assertThatThrownBy(() -> store.put("a/b.png", new byte[] {1}, null))
        .isInstanceOf(StorageUnavailableException.class);
  }

  @Test
  void objectsAreReadableByOthersByDefaultAndTheModeIsConfigurable() throws IOException {
    LocalObjectStorage store = store();
    store.put("a.png", new byte[] {1}, "image/png");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.fileOf("a.png"))))
        .isEqualTo("rw-r--r--");
    LocalObjectStorage group =
        LocalObjectStorage.builder(dir.resolve("root"), "http://x").fileMode("rw-r-----").build();
    group.put("b.png", new byte[] {1}, "image/png");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(group.fileOf("b.png"))))
        .isEqualTo("rw-r-----");
  }

  @Test
  void statAlwaysDescribesTheContentWhileTwoWritersReplaceOneKey() throws Exception {
    LocalObjectStorage store = store();
    byte[][] versions = new byte[2][];
    String[] types = {"image/png", "image/jpeg"};
    for (int v = 0; v < 2; v++) {
      versions[v] = new byte[1000 + v * 777];
      java.util.Arrays.fill(versions[v], (byte) v);
    }
    store.put("k.bin", versions[0], types[0]);
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int v = w;
      writers.add(
          pool.submit(
              () -> {
                while (!stop.get()) {
                  store.put("k.bin", versions[v], types[v]);
                }
                return null;
              }));
    }
    int checks = 0;
    int mismatches = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < deadline) {
      Optional<ObjectStat> stat = store.stat("k.bin");
      byte[] content;
      try {
        content = Files.readAllBytes(store.fileOf("k.bin"));
      } catch (java.nio.file.NoSuchFileException e) {
        continue;
      }
      // the stat must describe one complete version, with that version's type
      ObjectStat s = stat.orElseThrow();
      int v = s.size() == versions[0].length ? 0 : 1;
      assertThat(s.hash()).isEqualTo(Digests.sha256Hex(versions[v], versions[v].length));
      assertThat(s.mimeType()).isEqualTo(types[v]);
      if (content.length != s.size()) {
        mismatches++; // replaced between stat and read: allowed, counted
      }
      checks++;
    }
    stop.set(true);
    for (Future<?> writer : writers) {
      writer.get();
    }
    pool.shutdown();
    assertThat(checks).isGreaterThan(100);
    ObjectStat last = store.stat("k.bin").orElseThrow();
    byte[] content = Files.readAllBytes(store.fileOf("k.bin"));
    assertThat(last.hash()).isEqualTo(Digests.sha256Hex(content, content.length));
    assertThat(files()).containsExactly("k.bin");
    try (Stream<Path> metas = Files.list(dir.resolve("root/.meta/k.bin"))) {
      assertThat(metas.filter(p -> !p.getFileName().toString().startsWith("@")).count())
          .as("no temporary metadata left")
          .isZero();
    }
    assertThat(mismatches).isLessThan(checks);
  }
}
