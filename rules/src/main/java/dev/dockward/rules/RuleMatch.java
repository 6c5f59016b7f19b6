package dev.dockward.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A rule that fired on an event.
 *
 * @param rule the rule
 * @param summary its output template rendered for the event
 * @param evidence its evidence expressions evaluated for the event (failed ones left out)
 */
public record RuleMatch(Rule rule, String summary, Map<String, Object> evidence) {

  /** Copies the evidence, keeping its order. */
  public RuleMatch {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(summary, "summary");
    evidence = Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
  }

  /**
   * The alert for this match.
   *
   * @param alertId a unique id for the alert (the agent's id sequence)
   * @param eventDocument the event the rule fired on: gives time, host, container, process, event
   *     id
   */
  public Alert toAlert(String alertId, Map<String, ?> eventDocument) {
    return Alert.of(alertId, this, eventDocument);
  }
}
