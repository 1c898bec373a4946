package io.toutiao.feed;

import java.util.ArrayList;
import java.util.List;

/**
 * A recommendation service in its own JVM for the fault tests: prints its port, serves a fixed
 * channel.
 */
public final class FeedServerMain {
  private FeedServerMain() {}

  public static void main(String[] args) throws InterruptedException {
    FeedServer server =
        FeedServer.builder(FeedServiceBase.of(FeedServerMain::page))
            .host("127.0.0.1")
            .port(0)
            .build()
            .start();
    System.out.println("feed server listening on " + server.port());
    server.awaitTermination();
  }

  static FeedPage page(FeedRequest request) {
    long older = Math.min(request.olderThan(), 1_000);
    List<FeedArticle> articles = new ArrayList<>();
    for (long t = older - 1; t > 0 && articles.size() < request.articleNum(); t--) {
      articles.add(new FeedArticle(t, Track.NONE));
    }
    long next =
        articles.isEmpty() || articles.get(articles.size() - 1).articleId() == 1
            ? 0
            : articles.get(articles.size() - 1).articleId();
    return FeedPage.of(articles, next, "");
  }
}
