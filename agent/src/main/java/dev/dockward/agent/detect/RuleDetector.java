package dev.dockward.agent.detect;

import dev.dockward.agent.pipeline.Detector;
import dev.dockward.rules.AlertDocuments;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The pipeline's detector backed by the rule engine. */
public final class RuleDetector implements Detector {
  private volatile RuleEngine engine;

  public RuleDetector(RuleEngine engine) {
    this.engine = engine;
  }

  /** Swaps in a newly loaded rule set; the next event is evaluated by it. */
  public void replace(RuleEngine next) {
    engine = next;
  }

  @Override
  public Map<String, Long> evaluationErrors() {
    Map<String, Long> out = new java.util.TreeMap<>();
    RuleEngine current = engine;
    current.stats().forEach((rule, stats) -> out.put(rule, stats.errors()));
    return out;
  }

  @Override
  public List<Map<String, Object>> alertsFor(Map<String, Object> event, Supplier<String> alertIds) {
    RuleEngine current = engine;
    List<RuleMatch> matches = current.evaluate(event);
    if (matches.isEmpty()) {
      return List.of();
    }
    List<Map<String, Object>> alerts = new ArrayList<>(matches.size());
    for (RuleMatch match : matches) {
      alerts.add(AlertDocuments.of(match.toAlert(alertIds.get(), event)));
    }
    return alerts;
  }
}
