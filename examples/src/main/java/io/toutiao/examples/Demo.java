package io.toutiao.examples;

import io.toutiao.examples.backend.BackendConfig;
import io.toutiao.examples.backend.MiniToutiao;
import io.toutiao.examples.backend.Tour;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The README's main job: starts the mini Toutiao backend (embedded Redis, Elasticsearch, H2 and
 * local files unless real services are configured), runs the scripted tour against its HTTP API,
 * then keeps serving for curl until Ctrl+C. With {@code --exit} it stops after the tour.
 *
 * <p>Run it with {@code mvn -q -Pdemo -DskipTests -pl examples -am verify}, or from an IDE.
 */
public final class Demo {

  private Demo() {}

  private static boolean isFree(int port) {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.isBound();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /**
   * Starts the backend and runs the tour.
   *
   * @param args {@code --exit} to stop after the tour
   * @throws InterruptedException when interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    boolean exit = List.of(args).contains("--exit");
    BackendConfig config = BackendConfig.fromEnvironment();
    if (System.getenv("TOUTIAO_HTTP_PORT") == null && !isFree(config.port())) {
      System.out.println("== Port " + config.port() + " is taken; using a free port instead");
      config = config.withPorts(0, config.pushPort());
    }
    if (System.getenv("TOUTIAO_PUSH_PORT") == null && !isFree(config.pushPort())) {
      System.out.println(
          "== Port " + config.pushPort() + " (push) is taken; using a free port instead");
      config = config.withPorts(config.port(), 0);
    }
    System.out.println(
        "== Starting the mini Toutiao backend (first run unpacks Elasticsearch: ~30 s)");
    MiniToutiao app = MiniToutiao.start(config);
    app.choices().forEach(choice -> System.out.println("   " + choice));
    try {
      Tour.run(app, System.out);
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
    System.out.println();
    if (exit) {
      System.out.println("== Tour complete; stopping (--exit)");
      app.close();
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  stopped.countDown();
                }));
    java.nio.file.Path avatar = sampleImage();
    System.out.println("== Tour complete. Serving on " + app.baseUrl() + " until Ctrl+C. Try:");
    System.out.println("   curl -X POST " + app.baseUrl() + "/v1_0/sms/codes/13800000002");
    System.out.println("   (the code appears in this console)");
    System.out.println(
        "   curl -X POST -H 'Content-Type: application/json' -d '{\"mobile\":\"13800000002\",\"code\":\"<code>\"}' "
            + app.baseUrl()
            + "/v1_0/authorizations");
    System.out.println(
        "   curl '" + app.baseUrl() + "/v1_0/search?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD'");
    if (avatar != null) {
      System.out.println(
          "   curl -X PATCH -H \"Authorization: Bearer $TOKEN\" -F photo=@"
              + avatar
              + " "
              + app.baseUrl()
              + "/v1_0/user/photo");
    }
    stopped.await();
  }

  /**
   * Writes a sample PNG for the curl upload: {@code target/avatar.png} under the working directory
   * when there is a {@code target} folder (the README's command runs in {@code examples/}), else a
   * temporary file.
   */
  private static java.nio.file.Path sampleImage() {
    try {
      java.nio.file.Path target = java.nio.file.Path.of("target");
      java.nio.file.Path file =
          java.nio.file.Files.isDirectory(target)
              ? target.resolve("avatar.png")
              : java.nio.file.Files.createTempFile("toutiao-avatar-", ".png");
      java.nio.file.Files.write(file, io.toutiao.examples.backend.Tour.png(320, 240));
      return file.toAbsolutePath();
    } catch (java.io.IOException | RuntimeException e) {
      System.out.println("   (no sample image could be written: " + e.getMessage() + ")");
      return null;
    }
  }
}
