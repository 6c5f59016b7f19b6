package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A rule's {@code title:} and {@code fixtures:}, and the title and description its alerts carry.
 */
class RuleFixturesTest {
  private static final String FILE =
      """
            rules:
              - id: shell_in_web_4711
                title: Shell in a web container
                description: A shell runs in a container labelled as a web server.
                condition: event.type == "exec" && proc.name == "sh" && container.labels["role"] == "web"
                severity: medium
                tags: [mitre.T1059]
                fixtures:
                  - name: sh in the web container
                    expect: fire
                    event: {type: exec, container: {id: c1, name: web1, labels: {role: web}}, process: {pid: 4711, name: sh}}
                  - name: sh elsewhere
                    expect: quiet
                    event: {type: exec, container: {id: c2, name: db1, labels: {role: db}}, process: {pid: 4712, name: sh}}
              - id: untitled_rule_4711
                condition: event.type == "exec"
                severity: low
            """;

  @Test
  void titleAndFixturesAreReadAsWritten() {
    LoadResult loaded = Fixtures.load("local.yaml", FILE);
    assertEquals(List.of(), loaded.problems());
    Rule rule = loaded.ruleSet().rules().get(0);
    assertEquals("Shell in a web container", rule.title());
    assertEquals(2, rule.fixtures().size());
    RuleFixture fire = rule.fixtures().get(0);
    assertEquals("sh in the web container", fire.name());
    assertTrue(fire.fires());
    assertEquals("fire", fire.expectation());
    assertEquals(
        4711L, ((Map<?, ?>) fire.event().get("process")).get("pid"), "integers typed as in events");
    assertFalse(rule.fixtures().get(1).fires());
    assertEquals(
        "Untitled rule 4711", loaded.ruleSet().rules().get(1).title(), "derived from the id");
    assertEquals(List.of(), loaded.ruleSet().rules().get(1).fixtures());
  }

  @Test
  void theFixturesAgreeWithTheRule() {
    LoadResult loaded = Fixtures.load("local.yaml", FILE);
    for (RuleFixture f : loaded.ruleSet().rules().get(0).fixtures()) {
      RuleEngine engine = new RuleEngine(loaded.ruleSet().only("shell_in_web_4711").orElseThrow());
      assertEquals(f.fires(), !engine.evaluate(f.event()).isEmpty(), f.name());
    }
  }

  @Test
  void alertsCarryTheRulesTitleAndDescription() {
    LoadResult loaded = Fixtures.load("local.yaml", FILE);
    RuleEngine engine = new RuleEngine(loaded.ruleSet());
    Map<String, Object> event = loaded.ruleSet().rules().get(0).fixtures().get(0).event();
    List<RuleMatch> matches = engine.evaluate(event);
    Map<String, Object> described =
        AlertDocuments.of(
            matches.stream()
                .filter(m -> m.rule().id().equals("shell_in_web_4711"))
                .findFirst()
                .orElseThrow()
                .toAlert("a1", event));
    assertEquals("Shell in a web container", described.get("rule_title"));
    assertEquals(
        "A shell runs in a container labelled as a web server.", described.get("rule_description"));
    assertEquals(
        List.of("schema", "kind", "id", "time", "host", "rule", "rule_title", "rule_description"),
        List.copyOf(described.keySet()).subList(0, 8),
        "title and description follow the rule id");

    Map<String, Object> bare =
        AlertDocuments.of(
            matches.stream()
                .filter(m -> m.rule().id().equals("untitled_rule_4711"))
                .findFirst()
                .orElseThrow()
                .toAlert("a2", event));
    assertEquals("Untitled rule 4711", bare.get("rule_title"));
    assertFalse(bare.containsKey("rule_description"), "no description, no key");
  }

  @Test
  void aMalformedFixtureIsAProblemAtItsLine() {
    LoadResult loaded =
        Fixtures.load(
            "bad.yaml",
            """
                rules:
                  - id: r
                    condition: event.type == "exec"
                    severity: low
                    fixtures:
                      - name: wrong expectation
                        expect: maybe
                        event: {type: exec}
                      - name: no event
                        expect: fire
                """);
    assertTrue(loaded.hasErrors());
    assertTrue(
        loaded.problems().stream()
            .anyMatch(p -> p.line() == 7 && p.message().contains("fire or quiet")),
        loaded.problems().toString());
    assertTrue(
        loaded.problems().stream()
            .anyMatch(p -> p.line() == 9 && p.message().contains("name, expect and event")),
        loaded.problems().toString());
  }
}
