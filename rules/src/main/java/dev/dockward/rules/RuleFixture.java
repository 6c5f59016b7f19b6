package dev.dockward.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A rule's own example, from its {@code fixtures:} list: an event and whether the rule fires on it
 * when it is the only event the rule has seen (so a {@code for:} or {@code window:} rule's fixture
 * shows one event's share of it).
 *
 * @param name what the example shows
 * @param fires {@code expect: fire} (true) or {@code expect: quiet} (false)
 * @param event the event document, as written (absent keys take the condition variables' defaults)
 */
public record RuleFixture(String name, boolean fires, Map<String, Object> event) {

  /** Copies the event so the record is immutable. */
  public RuleFixture {
    Objects.requireNonNull(name, "name");
    event = Collections.unmodifiableMap(new LinkedHashMap<>(event));
  }

  /** {@code fire} or {@code quiet}, as in the rule file. */
  public String expectation() {
    return fires ? "fire" : "quiet";
  }
}
