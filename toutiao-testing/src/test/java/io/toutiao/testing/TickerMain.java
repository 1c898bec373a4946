package io.toutiao.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** A child process for JavaProcessIT: ticks every 20 ms, echoes its input, exits on request. */
public final class TickerMain {

  private TickerMain() {}

  public static void main(String[] args) throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
    Thread ticker =
        new Thread(
            () -> {
              for (long tick = 0; ; tick++) {
                System.out.println("tick " + tick);
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    ticker.setDaemon(true);
    System.out.println("ready " + String.join(",", args));
    ticker.start();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("exit ")) {
        System.exit(Integer.parseInt(line.substring(5)));
      }
      System.out.println("got " + line);
    }
  }
}
