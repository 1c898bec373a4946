package io.toutiao.feed.internal;

import io.toutiao.feed.FeedArticle;
import io.toutiao.feed.FeedPage;
import io.toutiao.feed.FeedRequest;
import io.toutiao.feed.Track;
import io.toutiao.feed.proto.Article;
import io.toutiao.feed.proto.ArticleResponse;
import io.toutiao.feed.proto.UserRequest;
import java.util.ArrayList;
import java.util.List;

/** Converts between the generated messages and the module's records, one place for both sides. */
public final class ProtoMapping {
  private ProtoMapping() {}

  /**
   * The wire form of a request.
   *
   * @param r the request
   * @return the message
   */
  public static UserRequest toProto(FeedRequest r) {
    return UserRequest.newBuilder()
        .setUserId(r.userId())
        .setChannelId(r.channelId())
        .setArticleNum(r.articleNum())
        .setTimeStamp(r.timestamp())
        .build();
  }

  /**
   * The request of a message.
   *
   * @param m the message
   * @return the validated request
   * @throws IllegalArgumentException naming the field out of range
   */
  public static FeedRequest fromProto(UserRequest m) {
    return new FeedRequest(m.getUserId(), m.getChannelId(), m.getArticleNum(), m.getTimeStamp());
  }

  /**
   * The wire form of a page.
   *
   * @param page the page
   * @return the message
   */
  public static ArticleResponse toProto(FeedPage page) {
    ArticleResponse.Builder b =
        ArticleResponse.newBuilder()
            .setExposure(page.exposure())
            .setTimeStamp(page.nextTimestamp());
    for (FeedArticle a : page.articles()) {
      Track t = a.track();
      b.addRecommends(
          Article.newBuilder()
              .setArticleId(a.articleId())
              .setTrack(
                  io.toutiao.feed.proto.Track.newBuilder()
                      .setClick(t.click())
                      .setCollect(t.collect())
                      .setShare(t.share())
                      .setRead(t.read())));
    }
    return b.build();
  }

  /**
   * The page of a message.
   *
   * @param m the message
   * @return the page (not a fallback)
   * @throws IllegalArgumentException if the message's cursor is negative
   */
  public static FeedPage fromProto(ArticleResponse m) {
    List<FeedArticle> articles = new ArrayList<>(m.getRecommendsCount());
    for (Article a : m.getRecommendsList()) {
      io.toutiao.feed.proto.Track t = a.getTrack();
      articles.add(
          new FeedArticle(
              a.getArticleId(),
              new Track(t.getClick(), t.getCollect(), t.getShare(), t.getRead())));
    }
    return FeedPage.of(articles, m.getTimeStamp(), m.getExposure());
  }
}
