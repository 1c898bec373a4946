package io.toutiao.storage;

/** Lets tests in other packages use the generated corpus. */
public final class ImageCorpusAccess {

  private ImageCorpusAccess() {}

  /**
   * Makes a PNG.
   *
   * @param width pixels
   * @param height pixels
   * @return the file
   */
  public static byte[] png(int width, int height) {
    return ImageCorpus.image("png", width, height);
  }
}
