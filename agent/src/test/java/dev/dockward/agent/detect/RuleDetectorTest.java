package dev.dockward.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.dockward.agent.AgentVersion;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleFile;
import dev.dockward.rules.RuleFiles;
import dev.dockward.rules.RuleLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuleDetectorTest {
  private static final String RULE =
      "rules:\n  - id: any_exec\n    condition: event.type == \"exec\"\n"
          + "    severity: low\n    output: \"exec\"\n";
  private static final Map<String, Object> EXEC =
      Map.of(
          "schema",
          1L,
          "kind",
          "event",
          "id",
          "h-1",
          "time",
          "2026-11-23T07:00:00Z",
          "type",
          "exec");

  private static RuleEngine engine(List<RuleFile> files) {
    return new RuleEngine(RuleLoader.load(files).ruleSet());
  }

  private static Object rulesetOfTheAlert(RuleDetector d) {
    List<Map<String, Object>> alerts = d.alertsFor(EXEC, () -> "h-2");
    assertEquals(1, alerts.size());
    return alerts.get(0).get("ruleset");
  }

  @Test
  void everyAlertNamesTheRuleSetAndAReloadThatChangesTheRulesChangesIt() {
    RuleDetector d =
        new RuleDetector(engine(List.of(new RuleFile("/etc/dockward/rules.d/a.yaml", RULE))));
    Object before = rulesetOfTheAlert(d);
    assertEquals(d.ruleset(), before);
    assertFalse(((Map<?, ?>) before).containsKey("bundled_version"), "no bundled rules loaded");

    d.replace(engine(List.of(new RuleFile("/etc/dockward/rules.d/a.yaml", RULE))));
    assertEquals(before, rulesetOfTheAlert(d), "the same texts reloaded: the same version");

    d.replace(
        engine(
            List.of(new RuleFile("/etc/dockward/rules.d/a.yaml", RULE.replace("low", "medium")))));
    assertNotEquals(before, rulesetOfTheAlert(d));
  }

  @Test
  void withTheBundledRulesTheAgentVersionIsNamedToo() {
    List<RuleFile> files = new ArrayList<>(RuleFiles.bundled());
    files.add(new RuleFile("extra.yaml", RULE));
    Map<?, ?> ruleset = (Map<?, ?>) rulesetOfTheAlert(new RuleDetector(engine(files)));
    assertEquals(AgentVersion.get(), ruleset.get("bundled_version"));
    assertEquals(RuleLoader.load(files).ruleSet().digest().shortForm(), ruleset.get("digest"));
  }

  @Test
  void describesTheRulesLoadedNow() {
    String described =
        RULE.replace("    severity: low\n", "    description: a process ran\n    severity: low\n");
    RuleDetector d = new RuleDetector(engine(List.of(new RuleFile("a.yaml", RULE))));
    assertEquals(Optional.empty(), d.ruleDescription("any_exec"), "no description given");
    d.replace(engine(List.of(new RuleFile("a.yaml", described))));
    assertEquals(
        Optional.of("a process ran"), d.ruleDescription("any_exec"), "the reloaded rule's");
    assertEquals(Optional.empty(), d.ruleDescription("no_such_rule"));
  }
}
