package dev.dockward.agent.detect;

import dev.dockward.agent.AgentVersion;
import dev.dockward.agent.pipeline.Detector;
import dev.dockward.rules.AlertDocuments;
import dev.dockward.rules.Rule;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleMatch;
import dev.dockward.rules.RuleSetDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The pipeline's detector backed by the rule engine. Every alert names the rule set that raised it
 * ({@code ruleset}: the short digest of the loaded files, and the agent version when the bundled
 * rules are among them), which changes when a reload changes the rules.
 */
public final class RuleDetector implements Detector {
  /** The engine and the {@code ruleset} object of its alerts, swapped together. */
  private record Loaded(RuleEngine engine, Map<String, Object> ruleset) {}

  private volatile Loaded loaded;

  public RuleDetector(RuleEngine engine) {
    this.loaded = load(engine);
  }

  /** Swaps in a newly loaded rule set; the next event is evaluated by it. */
  public void replace(RuleEngine next) {
    loaded = load(next);
  }

  /** The {@code ruleset} object the alerts carry now. */
  public Map<String, Object> ruleset() {
    return loaded.ruleset();
  }

  private static Loaded load(RuleEngine engine) {
    RuleSetDigest digest = engine.ruleSet().digest();
    Map<String, Object> ruleset = new LinkedHashMap<>();
    ruleset.put("digest", digest.shortForm());
    if (digest.bundled()) {
      ruleset.put("bundled_version", AgentVersion.get());
    }
    return new Loaded(engine, Collections.unmodifiableMap(ruleset));
  }

  @Override
  public Optional<String> ruleDescription(String ruleId) {
    return loaded.engine().ruleSet().rules().stream()
        .filter(r -> r.id().equals(ruleId))
        .findFirst()
        .map(Rule::description)
        .filter(d -> !d.isBlank());
  }

  @Override
  public Map<String, Long> evaluationErrors() {
    Map<String, Long> out = new TreeMap<>();
    RuleEngine current = loaded.engine();
    current.stats().forEach((rule, stats) -> out.put(rule, stats.errors()));
    return out;
  }

  @Override
  public List<Map<String, Object>> alertsFor(Map<String, Object> event, Supplier<String> alertIds) {
    Loaded current = loaded;
    List<RuleMatch> matches = current.engine().evaluate(event);
    if (matches.isEmpty()) {
      return List.of();
    }
    List<Map<String, Object>> alerts = new ArrayList<>(matches.size());
    for (RuleMatch match : matches) {
      Map<String, Object> alert = AlertDocuments.of(match.toAlert(alertIds.get(), event));
      alert.put("ruleset", current.ruleset());
      alerts.add(alert);
    }
    return alerts;
  }
}
