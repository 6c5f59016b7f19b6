package dev.dockward.agent.it;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.detect.RuleSetLoading;
import dev.dockward.rules.RuleEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** What the end-to-end tests share: reading the agent's record lines, and the bundled rules. */
final class Records {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final ObjectMapper JSON = new ObjectMapper();

  private Records() {}

  /**
   * One record line of the agent's stdout or journal, parsed; fails the test when it is not JSON.
   */
  static Map<String, Object> parse(String line) {
    try {
      return JSON.readValue(line, MAP);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + line, e);
    }
  }

  /** A nested object of a parsed record. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  /** A detector over the bundled rules, their problems (none expected) printed to stderr. */
  static RuleDetector bundledRules() {
    return new RuleDetector(
        new RuleEngine(
            RuleSetLoading.load(true, List.of(), new PrintWriter(System.err, true)).ruleSet()));
  }
}
