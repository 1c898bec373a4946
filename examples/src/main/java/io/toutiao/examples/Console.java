package io.toutiao.examples;

import java.util.concurrent.Future;

/** How the examples print: a heading per step and indented lines. */
final class Console {

  private Console() {}

  static void step(String text) {
    System.out.println();
    System.out.println("== " + text);
  }

  static void say(String text) {
    System.out.println("   " + text);
  }

  static <T> T join(Future<T> future) {
    try {
      return future.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
