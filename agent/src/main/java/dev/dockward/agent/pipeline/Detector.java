package dev.dockward.agent.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Turns one event record into the alert records it raises (none, usually). */
public interface Detector {
  List<Map<String, Object>> alertsFor(Map<String, Object> event, Supplier<String> alertIds);

  /** Evaluation errors by rule id (a condition that failed on an event counts as no match). */
  default Map<String, Long> evaluationErrors() {
    return Map.of();
  }

  /**
   * The description of a rule by id, from the rules loaded now; empty when unknown or not given.
   */
  default Optional<String> ruleDescription(String ruleId) {
    return Optional.empty();
  }

  /**
   * The journal refused an alert this detector raised for {@code event} (a full disk): noise
   * control must not hold back its next repeat, or the alert would be lost for good.
   */
  default void refused(Map<String, Object> event, Map<String, Object> alert) {}

  /** Alerts held back by noise control, by rule id. */
  default Map<String, Long> suppressedAlerts() {
    return Map.of();
  }

  /**
   * Noise-control state forgotten because a cap was reached, by kind of state (it fails open:
   * repeats go out).
   */
  default Map<String, Long> noiseControlEvictions() {
    return Map.of();
  }
}
