package io.toutiao.spring.boot;

/**
 * A {@code toutiao.*} (or {@code spring.*}) property with a value the blocks cannot start with. The
 * start-up failure report names the property, what was wrong and what to do.
 */
public class ToutiaoPropertyException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String property;

  /**
   * Creates the exception.
   *
   * @param property the property, e.g. {@code toutiao.ids.worker-id}
   * @param problem what is wrong with its value (never the value of a secret)
   * @param cause the underlying failure, or null
   */
  public ToutiaoPropertyException(String property, String problem, Throwable cause) {
    super(property + ": " + problem, cause);
    this.property = property;
  }

  /**
   * Returns the property.
   *
   * @return its name
   */
  public String property() {
    return property;
  }
}
