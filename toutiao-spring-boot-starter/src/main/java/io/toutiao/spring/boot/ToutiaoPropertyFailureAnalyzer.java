package io.toutiao.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link ToutiaoPropertyException} into Spring Boot's start-up failure report. */
class ToutiaoPropertyFailureAnalyzer extends AbstractFailureAnalyzer<ToutiaoPropertyException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ToutiaoPropertyException cause) {
    return new FailureAnalysis(
        "The property '"
            + cause.property()
            + "' cannot be used: "
            + cause.getMessage().substring(cause.property().length() + 2),
        "Correct '" + cause.property() + "' in the application's configuration.",
        cause);
  }
}
