package io.toutiao.search;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an index looks like: its name (the alias readers and writers use), fields and settings. Text
 * fields marked Chinese get the analyzer chosen by {@link ChineseAnalysis} when the index is
 * created. Immutable.
 *
 * <pre>{@code
 * IndexSpec articles = IndexSpec.builder("articles")
 *     .field("article_id", FieldType.LONG).chineseText("title").chineseText("content")
 *     .field("status", FieldType.BYTE).field("create_time", FieldType.DATE)
 *     .shards(3).replicas(1).build();
 * }</pre>
 */
public final class IndexSpec {

  /** Field types. */
  public enum FieldType {
    /** Analyzed text. */
    TEXT,
    /** Exact keyword. */
    KEYWORD,
    /** 64-bit integer. */
    LONG,
    /** 32-bit integer. */
    INTEGER,
    /** 8-bit integer (the reference's status). */
    BYTE,
    /** Date. */
    DATE,
    /** Boolean. */
    BOOLEAN,
    /** Completion suggester input. */
    COMPLETION
  }

  private record Field(FieldType type, boolean chinese, String analyzer) {}

  /**
   * The subfield of every Chinese text field indexed by single characters ({@code standard}
   * analyzer), e.g. {@code title.chars}.
   */
  public static final String CHARS = "chars";

  private final String name;
  private final Map<String, Field> fields;
  private final int shards;
  private final int replicas;

  private IndexSpec(Builder b) {
    this.name = b.name;
    this.fields = Map.copyOf(b.fields);
    this.shards = b.shards;
    this.replicas = b.replicas;
  }

  /**
   * Starts a spec.
   *
   * @param name the alias name, lower case
   * @return a builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * The reference's {@code articles} index: article_id, user_id (long), title and content (Chinese
   * text), status (byte), create_time (date); 3 shards, 1 replica.
   *
   * @return the spec builder, to adjust shards and replicas
   */
  public static Builder articles() {
    return builder("articles")
        .field("article_id", FieldType.LONG)
        .field("user_id", FieldType.LONG)
        .chineseText("title")
        .chineseText("content")
        .field("status", FieldType.BYTE)
        .field("create_time", FieldType.DATE)
        .shards(3)
        .replicas(1);
  }

  /**
   * The reference's {@code completions} index: a completion field {@code suggest} analysed with
   * {@code standard}, which keeps digits (the completion default {@code simple} drops them).
   *
   * @return the spec builder
   */
  public static Builder completions() {
    return builder("completions").completion("suggest", "standard").shards(1).replicas(1);
  }

  /**
   * @return the alias name
   */
  public String name() {
    return name;
  }

  /**
   * @return primary shards
   */
  public int shards() {
    return shards;
  }

  /**
   * @return replicas
   */
  public int replicas() {
    return replicas;
  }

  /**
   * Renders the create-index body.
   *
   * @param chineseAnalyzer the analyzer for Chinese text fields
   * @return JSON with settings and mappings
   */
  public String toJson(String chineseAnalyzer) {
    StringBuilder json = new StringBuilder();
    json.append("{\"settings\":{\"number_of_shards\":")
        .append(shards)
        .append(",\"number_of_replicas\":")
        .append(replicas)
        .append("},");
    json.append("\"mappings\":{\"properties\":{");
    boolean first = true;
    for (Map.Entry<String, Field> entry : new java.util.TreeMap<>(fields).entrySet()) {
      Field field = entry.getValue();
      json.append(first ? "" : ",")
          .append('"')
          .append(entry.getKey())
          .append("\":{\"type\":\"")
          .append(field.type().name().toLowerCase(java.util.Locale.ROOT))
          .append('"');
      String analyzer = field.chinese() ? chineseAnalyzer : field.analyzer();
      if (analyzer != null) {
        json.append(",\"analyzer\":\"").append(analyzer).append('"');
      }
      if (field.chinese()) {
        // single characters beside the words, so a one-character query finds its documents
        // whatever the word analyzer made of the text
        json.append(",\"fields\":{\"")
            .append(CHARS)
            .append("\":{\"type\":\"text\",\"analyzer\":\"standard\"}}");
      }
      json.append('}');
      first = false;
    }
    return json.append("}}}").toString();
  }

  /** Builds an {@link IndexSpec}. */
  public static final class Builder {
    private final String name;
    private final Map<String, Field> fields = new LinkedHashMap<>();
    private int shards = 1;
    private int replicas = 1;

    private Builder(String name) {
      Objects.requireNonNull(name, "name must not be null");
      if (!name.matches("[a-z0-9][a-z0-9_.-]{0,200}")) {
        throw new IllegalArgumentException(
            "index name must be lower case a-z0-9_.- (not starting with _ . -), got '"
                + name
                + "'");
      }
      this.name = name;
    }

    /**
     * Adds a field.
     *
     * @param field the field name
     * @param type its type
     * @return this builder
     */
    public Builder field(String field, FieldType type) {
      fields.put(checkField(field), new Field(type, false, null));
      return this;
    }

    /**
     * Adds a text field analysed with the cluster's best Chinese analyzer.
     *
     * @param field the field name
     * @return this builder
     */
    public Builder chineseText(String field) {
      fields.put(checkField(field), new Field(FieldType.TEXT, true, null));
      return this;
    }

    /**
     * Adds a completion field.
     *
     * @param field the field name
     * @param analyzer its analyzer
     * @return this builder
     */
    public Builder completion(String field, String analyzer) {
      fields.put(checkField(field), new Field(FieldType.COMPLETION, false, analyzer));
      return this;
    }

    /**
     * Sets primary shards (default 1).
     *
     * @param shards 1 to 1024
     * @return this builder
     */
    public Builder shards(int shards) {
      if (shards < 1 || shards > 1024) {
        throw new IllegalArgumentException("shards must be between 1 and 1024, got " + shards);
      }
      this.shards = shards;
      return this;
    }

    /**
     * Sets replicas (default 1; a single node needs 0 to be green).
     *
     * @param replicas 0 to 16
     * @return this builder
     */
    public Builder replicas(int replicas) {
      if (replicas < 0 || replicas > 16) {
        throw new IllegalArgumentException("replicas must be between 0 and 16, got " + replicas);
      }
      this.replicas = replicas;
      return this;
    }

    private static String checkField(String field) {
      if (field == null || !field.matches("[A-Za-z_][A-Za-z0-9_]{0,100}")) {
        throw new IllegalArgumentException(
            "field name must be A-Za-z0-9_ (not starting with a digit), got '" + field + "'");
      }
      return field;
    }

    /**
     * Builds the spec.
     *
     * @return the spec
     */
    public IndexSpec build() {
      if (fields.isEmpty()) {
        throw new IllegalStateException("index '" + name + "' needs at least one field");
      }
      return new IndexSpec(this);
    }
  }
}
