package io.toutiao.examples.backend;

import io.toutiao.cache.redis.CounterStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The backend's SQL database: an in-memory H2 with the reference's tables (users, profiles,
 * articles, article contents, follows, likes), seeded with sample users and Chinese articles. Plain
 * JDBC, the way a MyBatis mapper would issue it.
 */
public final class Database implements AutoCloseable {

  /** Article status: approved (the only one searchable). */
  public static final int APPROVED = 2;

  /** A user row. */
  record User(
      long id,
      String mobile,
      String name,
      String photo,
      String intro,
      int status,
      boolean admin,
      String gender,
      String realName,
      String idCardFront,
      String idCardBack,
      String idCardHandheld) {}

  /** An article row with its content. */
  record Article(
      long id, long userId, String title, String content, int status, String createTime) {}

  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private final JdbcConnectionPool pool;

  /** Creates a fresh in-memory database with the schema and the seed data. */
  Database() {
    pool =
        JdbcConnectionPool.create(
            "jdbc:h2:mem:toutiao" + INSTANCES.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "");
    pool.setMaxConnections(16);
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE user_basic (user_id BIGINT PRIMARY KEY, mobile VARCHAR(11) NOT NULL UNIQUE,"
              + " user_name VARCHAR(32) NOT NULL, profile_photo VARCHAR(256),"
              + " introduction VARCHAR(200), status TINYINT DEFAULT 1 NOT NULL,"
              + " is_admin BOOLEAN DEFAULT FALSE NOT NULL,"
              + " create_time TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)");
      s.execute(
          "CREATE TABLE user_profile (user_id BIGINT PRIMARY KEY REFERENCES user_basic,"
              + " gender VARCHAR(8) DEFAULT 'unknown' NOT NULL, real_name VARCHAR(32),"
              + " id_card_front VARCHAR(256), id_card_back VARCHAR(256),"
              + " id_card_handheld VARCHAR(256))");
      s.execute(
          "CREATE TABLE news_article_basic (article_id BIGINT PRIMARY KEY,"
              + " user_id BIGINT NOT NULL REFERENCES user_basic, title VARCHAR(128) NOT NULL,"
              + " status TINYINT NOT NULL, create_time TIMESTAMP NOT NULL,"
              + " update_time TIMESTAMP NOT NULL)");
      s.execute(
          "CREATE TABLE news_article_content (article_id BIGINT PRIMARY KEY"
              + " REFERENCES news_article_basic, content CLOB NOT NULL)");
      s.execute(
          "CREATE TABLE user_relation (user_id BIGINT NOT NULL REFERENCES user_basic,"
              + " target_user_id BIGINT NOT NULL REFERENCES user_basic,"
              + " create_time TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL,"
              + " PRIMARY KEY (user_id, target_user_id))");
      s.execute(
          "CREATE TABLE news_attitude (user_id BIGINT NOT NULL REFERENCES user_basic,"
              + " article_id BIGINT NOT NULL REFERENCES news_article_basic,"
              + " create_time TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL,"
              + " PRIMARY KEY (user_id, article_id))");
      s.execute(
          "CREATE TABLE article_outbox (outbox_id BIGINT AUTO_INCREMENT PRIMARY KEY,"
              + " article_id BIGINT NOT NULL REFERENCES news_article_basic,"
              + " version BIGINT NOT NULL, indexed BOOLEAN DEFAULT FALSE NOT NULL,"
              + " suggested BOOLEAN DEFAULT FALSE NOT NULL, counted BOOLEAN DEFAULT FALSE NOT NULL,"
              + " attempts INT DEFAULT 0 NOT NULL, next_attempt BIGINT DEFAULT 0 NOT NULL,"
              + " last_error VARCHAR(300))");
      s.execute(
          "CREATE TABLE publish_request (user_id BIGINT NOT NULL, idempotency_key VARCHAR(64) NOT"
              + " NULL, article_id BIGINT NOT NULL, PRIMARY KEY (user_id, idempotency_key))");
      seed(c);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the database: " + e.getMessage(), e);
    }
  }

  private static void seed(Connection c) throws SQLException {
    Object[][] users = {
      {1L, "13800000001", "头条小编", "每天为你推荐好新闻", true},
      {2L, "13800000002", "科技观察", "关注人工智能与互联网", false},
      {3L, "13800000003", "体育快讯", "赛场内外第一时间", false},
    };
    try (PreparedStatement u =
            c.prepareStatement(
                "INSERT INTO user_basic (user_id, mobile, user_name, introduction, is_admin)"
                    + " VALUES (?, ?, ?, ?, ?)");
        PreparedStatement p = c.prepareStatement("INSERT INTO user_profile (user_id) VALUES (?)")) {
      for (Object[] row : users) {
        u.setLong(1, (Long) row[0]);
        u.setString(2, (String) row[1]);
        u.setString(3, (String) row[2]);
        u.setString(4, (String) row[3]);
        u.setBoolean(5, (Boolean) row[4]);
        u.executeUpdate();
        p.setLong(1, (Long) row[0]);
        p.executeUpdate();
      }
    }
    Object[][] articles = {
      {101L, 2L, "人工智能改变新闻推荐", "推荐算法让每个人看到不同的头条，人工智能正在改变新闻的分发方式。", APPROVED},
      {102L, 2L, "大模型进入手机", "新一代手机内置大模型，离线也能写摘要、做翻译。", APPROVED},
      {103L, 3L, "中国女排夺得冠军", "决赛中女排三比一战胜对手，时隔多年再次登顶。", APPROVED},
      {104L, 3L, "马拉松报名人数创新高", "今年城市马拉松报名人数超过三十万，中签率不足百分之十。", APPROVED},
      {105L, 1L, "今日头条发布新版客户端", "新版支持离线阅读、夜间模式和更快的图片加载。", APPROVED},
      {106L, 2L, "人工智能医生通过考试", "一款医疗人工智能通过了执业医师考试的笔试部分。", APPROVED},
      {107L, 1L, "编辑部招聘启事", "审核中的文章不会出现在搜索结果里。", 1},
    };
    try (PreparedStatement a =
            c.prepareStatement(
                "INSERT INTO news_article_basic (article_id, user_id, title, status, create_time,"
                    + " update_time) VALUES (?, ?, ?, ?, ?, ?)");
        PreparedStatement t =
            c.prepareStatement(
                "INSERT INTO news_article_content (article_id, content) VALUES (?, ?)")) {
      Instant base = Instant.parse("2026-11-27T00:00:00Z");
      for (Object[] row : articles) {
        Timestamp time = Timestamp.from(base.plusSeconds(600 * ((Long) row[0] - 100)));
        a.setLong(1, (Long) row[0]);
        a.setLong(2, (Long) row[1]);
        a.setString(3, (String) row[2]);
        a.setInt(4, (Integer) row[4]);
        a.setTimestamp(5, time);
        a.setTimestamp(6, time);
        a.executeUpdate();
        t.setLong(1, (Long) row[0]);
        t.setString(2, (String) row[3]);
        t.executeUpdate();
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO user_relation (user_id, target_user_id) VALUES (1, 2), (3, 2), (2, 3)");
      s.execute(
          "INSERT INTO news_attitude (user_id, article_id) VALUES (1, 101), (3, 101), (1, 103)");
    }
  }

  Optional<User> user(long id) {
    return queryOne(
        "SELECT b.user_id, mobile, user_name, profile_photo, introduction, status, is_admin,"
            + " gender, real_name, id_card_front, id_card_back, id_card_handheld"
            + " FROM user_basic b JOIN user_profile p ON p.user_id = b.user_id WHERE b.user_id = ?",
        Database::toUser,
        id);
  }

  Optional<Long> userIdByMobile(String mobile) {
    return queryOne("SELECT user_id FROM user_basic WHERE mobile = ?", rs -> rs.getLong(1), mobile);
  }

  /** Registers a user; returns false when the mobile was registered meanwhile. */
  boolean register(long id, String mobile) {
    return inTransaction(
        c -> {
          try (PreparedStatement u =
                  c.prepareStatement(
                      "INSERT INTO user_basic (user_id, mobile, user_name) VALUES (?, ?, ?)");
              PreparedStatement p =
                  c.prepareStatement("INSERT INTO user_profile (user_id) VALUES (?)")) {
            u.setLong(1, id);
            u.setString(2, mobile);
            u.setString(3, "用户" + mobile.substring(7));
            u.executeUpdate();
            p.setLong(1, id);
            p.executeUpdate();
            return true;
          } catch (SQLException e) {
            if (e.getErrorCode() == org.h2.api.ErrorCode.DUPLICATE_KEY_1) {
              c.rollback();
              return false;
            }
            throw e;
          }
        });
  }

  void setStatus(long userId, int status) {
    update("UPDATE user_basic SET status = ? WHERE user_id = ?", status, userId);
  }

  /**
   * Stores the keys of uploaded images; fields are photo, id_card_front, id_card_back,
   * id_card_handheld.
   */
  void setImages(long userId, Map<String, String> keys) {
    inTransaction(
        c -> {
          for (Map.Entry<String, String> e : keys.entrySet()) {
            String sql =
                switch (e.getKey()) {
                  case "photo" -> "UPDATE user_basic SET profile_photo = ? WHERE user_id = ?";
                  case "id_card_front" ->
                      "UPDATE user_profile SET id_card_front = ? WHERE user_id = ?";
                  case "id_card_back" ->
                      "UPDATE user_profile SET id_card_back = ? WHERE user_id = ?";
                  case "id_card_handheld" ->
                      "UPDATE user_profile SET id_card_handheld = ? WHERE user_id = ?";
                  default ->
                      throw new IllegalArgumentException("unknown image field " + e.getKey());
                };
            try (PreparedStatement s = c.prepareStatement(sql)) {
              s.setString(1, e.getValue());
              s.setLong(2, userId);
              s.executeUpdate();
            }
          }
          return null;
        });
  }

  void insertArticle(Article a) {
    inTransaction(
        c -> {
          insertArticle(c, a);
          return null;
        });
  }

  private static void insertArticle(Connection c, Article a) throws SQLException {
    try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO news_article_basic (article_id, user_id, title, status,"
                    + " create_time, update_time) VALUES (?, ?, ?, ?, ?, ?)");
        PreparedStatement t =
            c.prepareStatement(
                "INSERT INTO news_article_content (article_id, content) VALUES (?, ?)")) {
      s.setLong(1, a.id());
      s.setLong(2, a.userId());
      s.setString(3, a.title());
      s.setInt(4, a.status());
      s.setTimestamp(5, Timestamp.from(Instant.parse(a.createTime())));
      s.setTimestamp(6, Timestamp.from(Instant.parse(a.createTime())));
      s.executeUpdate();
      t.setLong(1, a.id());
      t.setString(2, a.content());
      t.executeUpdate();
    }
  }

  /** A publication not yet fully applied to search, suggestions and counters. */
  record OutboxEntry(
      long outboxId,
      Article article,
      long version,
      boolean indexed,
      boolean suggested,
      boolean counted,
      int attempts) {}

  /**
   * Publishes an article: the article, its content and an outbox row in one transaction. With an
   * idempotency key, a repeated request of the same user returns the article of the first.
   *
   * @return the id of the article (the first one's for a repeated key) and whether it is new
   */
  Map.Entry<Long, Boolean> publish(Article a, String idempotencyKey) {
    try {
      return inTransaction(
          c -> {
            if (idempotencyKey != null) {
              Long earlier = publishedFor(c, a.userId(), idempotencyKey);
              if (earlier != null) {
                return Map.entry(earlier, false);
              }
            }
            insertArticle(c, a);
            long version = Instant.parse(a.createTime()).toEpochMilli();
            try (PreparedStatement o =
                prepare(
                    c,
                    "INSERT INTO article_outbox (article_id, version) VALUES (?, ?)",
                    a.id(),
                    version)) {
              o.executeUpdate();
            }
            if (idempotencyKey != null) {
              try (PreparedStatement r =
                  prepare(
                      c,
                      "INSERT INTO publish_request (user_id, idempotency_key, article_id)"
                          + " VALUES (?, ?, ?)",
                      a.userId(),
                      idempotencyKey,
                      a.id())) {
                r.executeUpdate();
              }
            }
            return Map.entry(a.id(), true);
          });
    } catch (IllegalStateException e) {
      if (idempotencyKey != null
          && e.getCause() instanceof SQLException sql
          && sql.getErrorCode() == org.h2.api.ErrorCode.DUPLICATE_KEY_1) {
        // the same key committed concurrently: answer with that article
        try (Connection c = pool.getConnection()) {
          Long earlier = publishedFor(c, a.userId(), idempotencyKey);
          if (earlier != null) {
            return Map.entry(earlier, false);
          }
        } catch (SQLException again) {
          e.addSuppressed(again);
        }
      }
      throw e;
    }
  }

  private static Long publishedFor(Connection c, long userId, String key) throws SQLException {
    try (PreparedStatement s =
            prepare(
                c,
                "SELECT article_id FROM publish_request WHERE user_id = ? AND idempotency_key = ?",
                userId,
                key);
        ResultSet r = s.executeQuery()) {
      return r.next() ? r.getLong(1) : null;
    }
  }

  /** Outbox rows due now, oldest first. */
  List<OutboxEntry> dueOutbox(int limit, long nowMillis) {
    List<OutboxEntry> due = new ArrayList<>();
    try (Connection c = pool.getConnection();
        PreparedStatement s =
            prepare(
                c,
                "SELECT o.outbox_id, o.version, o.indexed, o.suggested, o.counted, o.attempts,"
                    + " b.article_id, b.user_id, b.title, t.content, b.status, b.create_time"
                    + " FROM article_outbox o JOIN news_article_basic b ON b.article_id ="
                    + " o.article_id JOIN news_article_content t ON t.article_id = b.article_id"
                    + " WHERE o.next_attempt <= ? ORDER BY o.outbox_id LIMIT ?",
                nowMillis,
                limit);
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        Article article =
            new Article(
                r.getLong(7),
                r.getLong(8),
                r.getString(9),
                r.getString(10),
                r.getInt(11),
                r.getTimestamp(12).toInstant().toString());
        due.add(
            new OutboxEntry(
                r.getLong(1),
                article,
                r.getLong(2),
                r.getBoolean(3),
                r.getBoolean(4),
                r.getBoolean(5),
                r.getInt(6)));
      }
      return due;
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the outbox: " + e.getMessage(), e);
    }
  }

  /** Records the steps done for outbox rows in one transaction; removes the rows that are done. */
  void outboxProgress(List<OutboxEntry> entries, List<String> errors, List<Long> nextAttempts) {
    inTransaction(
        c -> {
          try (PreparedStatement delete =
                  c.prepareStatement("DELETE FROM article_outbox WHERE outbox_id = ?");
              PreparedStatement update =
                  c.prepareStatement(
                      "UPDATE article_outbox SET indexed = ?, suggested = ?, counted = ?,"
                          + " attempts = ?, next_attempt = ?, last_error = ? WHERE outbox_id = ?")) {
            for (int i = 0; i < entries.size(); i++) {
              OutboxEntry e = entries.get(i);
              if (e.indexed() && e.suggested() && e.counted()) {
                delete.setLong(1, e.outboxId());
                delete.addBatch();
              } else {
                String error = errors.get(i);
                update.setBoolean(1, e.indexed());
                update.setBoolean(2, e.suggested());
                update.setBoolean(3, e.counted());
                update.setInt(4, e.attempts());
                update.setLong(5, nextAttempts.get(i));
                update.setString(
                    6, error == null ? null : error.substring(0, Math.min(300, error.length())));
                update.setLong(7, e.outboxId());
                update.addBatch();
              }
            }
            delete.executeBatch();
            update.executeBatch();
          }
          return null;
        });
  }

  /** How many publications are not yet fully applied. */
  int outboxSize() {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM article_outbox");
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException("could not count the outbox: " + e.getMessage(), e);
    }
  }

  Optional<Article> article(long id) {
    return queryOne(
        "SELECT b.article_id, user_id, title, content, status, create_time FROM news_article_basic b"
            + " JOIN news_article_content c ON c.article_id = b.article_id WHERE b.article_id = ?",
        Database::toArticle,
        id);
  }

  /**
   * The newest approved articles published before a time: the feed's fallback when the
   * recommendation service does not answer.
   */
  List<Article> approvedOlderThan(long olderThanMillis, int limit) {
    return query(
        "SELECT b.article_id, user_id, title, content, status, create_time FROM news_article_basic b"
            + " JOIN news_article_content c ON c.article_id = b.article_id"
            + " WHERE status = ? AND create_time < ? ORDER BY create_time DESC, b.article_id DESC"
            + " LIMIT ?",
        Database::toArticle,
        APPROVED,
        new Timestamp(Math.min(olderThanMillis, 253402300799000L)),
        limit);
  }

  /** Every article with its version (update time in ms), for the search index sync. */
  List<Map.Entry<Article, Long>> articlesWithVersions() {
    return query(
        "SELECT b.article_id, user_id, title, content, status, create_time, update_time"
            + " FROM news_article_basic b JOIN news_article_content c"
            + " ON c.article_id = b.article_id ORDER BY b.article_id",
        rs -> Map.entry(toArticle(rs), rs.getTimestamp(7).getTime()));
  }

  /** Adds a like; false when it was there already. */
  boolean like(long userId, long articleId) {
    return insertIgnoringDuplicate(
        "INSERT INTO news_attitude (user_id, article_id) VALUES (?, ?)", userId, articleId);
  }

  boolean unlike(long userId, long articleId) {
    return update(
            "DELETE FROM news_attitude WHERE user_id = ? AND article_id = ?", userId, articleId)
        > 0;
  }

  boolean follow(long userId, long target) {
    return insertIgnoringDuplicate(
        "INSERT INTO user_relation (user_id, target_user_id) VALUES (?, ?)", userId, target);
  }

  boolean unfollow(long userId, long target) {
    return update(
            "DELETE FROM user_relation WHERE user_id = ? AND target_user_id = ?", userId, target)
        > 0;
  }

  /**
   * The true count behind each counter, for the nightly correction: the reference's GROUP BY
   * queries.
   *
   * @return counter key to (id, count) rows
   */
  Map<String, List<CounterStore.Counter>> trueCounts() {
    Map<String, String> queries = new LinkedHashMap<>();
    queries.put(
        CounterStore.USER_ARTICLES,
        "SELECT user_id, COUNT(*) FROM news_article_basic WHERE status = 2 GROUP BY user_id");
    queries.put(
        CounterStore.USER_FOLLOWINGS,
        "SELECT user_id, COUNT(*) FROM user_relation GROUP BY user_id");
    queries.put(
        CounterStore.USER_FOLLOWERS,
        "SELECT target_user_id, COUNT(*) FROM user_relation GROUP BY target_user_id");
    queries.put(
        CounterStore.ARTICLE_LIKING,
        "SELECT article_id, COUNT(*) FROM news_attitude GROUP BY article_id");
    queries.put(
        CounterStore.USER_LIKED,
        "SELECT b.user_id, COUNT(*) FROM news_attitude a JOIN news_article_basic b"
            + " ON b.article_id = a.article_id GROUP BY b.user_id");
    Map<String, List<CounterStore.Counter>> result = new LinkedHashMap<>();
    queries.forEach(
        (key, sql) ->
            result.put(
                key, query(sql, rs -> new CounterStore.Counter(rs.getLong(1), rs.getLong(2)))));
    return result;
  }

  @Override
  public void close() {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    } catch (SQLException ignored) {
      // already closed
    }
    pool.dispose();
  }

  private static User toUser(ResultSet rs) throws SQLException {
    return new User(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getInt(6),
        rs.getBoolean(7),
        rs.getString(8),
        rs.getString(9),
        rs.getString(10),
        rs.getString(11),
        rs.getString(12));
  }

  private static Article toArticle(ResultSet rs) throws SQLException {
    return new Article(
        rs.getLong(1),
        rs.getLong(2),
        rs.getString(3),
        rs.getString(4),
        rs.getInt(5),
        rs.getTimestamp(6).toInstant().toString());
  }

  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> List<T> query(String sql, Row<T> row, Object... args) {
    try (Connection c = pool.getConnection();
        PreparedStatement s = prepare(c, sql, args);
        ResultSet rs = s.executeQuery()) {
      List<T> result = new ArrayList<>();
      while (rs.next()) {
        result.add(row.map(rs));
      }
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException("query failed: " + e.getMessage(), e);
    }
  }

  private <T> Optional<T> queryOne(String sql, Row<T> row, Object... args) {
    return query(sql, row, args).stream().findFirst();
  }

  private int update(String sql, Object... args) {
    try (Connection c = pool.getConnection();
        PreparedStatement s = prepare(c, sql, args)) {
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("update failed: " + e.getMessage(), e);
    }
  }

  private boolean insertIgnoringDuplicate(String sql, Object... args) {
    try (Connection c = pool.getConnection();
        PreparedStatement s = prepare(c, sql, args)) {
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      if (e.getErrorCode() == org.h2.api.ErrorCode.DUPLICATE_KEY_1) {
        return false;
      }
      if (e.getErrorCode()
          == org.h2.api.ErrorCode.REFERENTIAL_INTEGRITY_VIOLATED_PARENT_MISSING_1) {
        throw new IllegalArgumentException("no such target", e);
      }
      throw new IllegalStateException("insert failed: " + e.getMessage(), e);
    }
  }

  private <T> T inTransaction(Work<T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("transaction failed: " + e.getMessage(), e);
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args)
      throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      s.setObject(i + 1, args[i]);
    }
    return s;
  }
}
