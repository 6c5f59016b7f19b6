package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuleLoaderTest {

  private static LoadProblem onlyProblem(LoadResult result) {
    assertEquals(1, result.problems().size(), () -> result.problems().toString());
    return result.problems().get(0);
  }

  @Test
  void yamlSyntaxErrorNamesLineAndDropsTheWholeFile() {
    LoadResult result =
        Fixtures.load(
            "rules/broken.yaml",
            """
                rules:
                  - id: a
                    condition: "true
                    severity: low
                """);
    LoadProblem problem = onlyProblem(result);
    assertTrue(problem.isError());
    assertTrue(problem.line() >= 3, problem.toString());
    assertTrue(
        problem.toString().startsWith("rules/broken.yaml:" + problem.line() + ":"),
        problem.toString());
    assertTrue(problem.message().startsWith("YAML syntax error"), problem.message());
    assertEquals(0, result.ruleSet().size());
  }

  @Test
  void unknownRuleKeyIsNamedWithItsPosition() {
    LoadResult result =
        Fixtures.load(
            "rules/x.yaml",
            """
                rules:
                  - id: typo_rule
                    condition: event.type == "exec"
                    severity: low
                    sevrity: high
                """);
    assertEquals(
        "rules/x.yaml:5:5: rule typo_rule: unknown rule key 'sevrity'",
        onlyProblem(result).toString());
    assertEquals(0, result.ruleSet().size());
  }

  @Test
  void unknownTopLevelKeyIsNamed() {
    LoadResult result = Fixtures.load("rules/x.yaml", "macros: {}\nrules: []\n");
    assertEquals(
        "rules/x.yaml:1:1: unknown top-level key 'macros' (expected lists, rules or overrides)",
        onlyProblem(result).toString());
  }

  @Test
  void celErrorPointsIntoAPlainCondition() {
    LoadResult result =
        Fixtures.load(
            "rules/x.yaml",
            """
                rules:
                  - id: bad_cel
                    condition: event.type == "exec" && nope.name == "sh"
                    severity: low
                """);
    // 'nope' starts at column 40 of line 3.
    assertEquals(
        "rules/x.yaml:3:40: rule bad_cel: undeclared reference to 'nope'",
        onlyProblem(result).toString());
  }

  @Test
  void celErrorPointsIntoAQuotedCondition() {
    LoadResult result =
        Fixtures.load(
            "rules/x.yaml",
            """
                rules:
                  - id: bad_cel
                    condition: "event.type == \\"exec\\" && nope.name == \\"sh\\""
                    severity: low
                """);
    LoadProblem problem = onlyProblem(result);
    assertEquals(3, problem.line());
    assertEquals(43, problem.column(), problem.toString());
  }

  @Test
  void celErrorPointsIntoABlockCondition() {
    LoadResult result =
        Fixtures.load(
            "rules/x.yaml",
            """
                rules:
                  - id: bad_cel
                    condition: >-
                      event.type == "exec"
                      && nope.name == "sh"
                    severity: low
                """);
    assertEquals(
        "rules/x.yaml:5:10: rule bad_cel: undeclared reference to 'nope'",
        onlyProblem(result).toString());
  }

  @Test
  void celSyntaxErrorIsReportedNotThrown() {
    LoadResult result =
        Fixtures.load(
            "rules/x.yaml",
            """
                rules:
                  - id: half
                    condition: event.type ==
                    severity: low
                """);
    LoadProblem problem = onlyProblem(result);
    assertEquals(3, problem.line());
    assertEquals(Optional.of("half"), problem.ruleId());
  }

  @Test
  void undefinedListIsALoadErrorAtItsPosition() {
    LoadResult result =
        Fixtures.load(
            "rules/escape.yaml",
            """
                lists:
                  shells: [sh, bash]
                rules:
                  - id: shell_in_container
                    condition: event.type == "exec" && proc.name in lists.shellz
                    severity: medium
                """);
    assertEquals(
        "rules/escape.yaml:5:53: rule shell_in_container: undeclared reference to 'lists.shellz'",
        onlyProblem(result).toString());
    assertEquals(0, result.ruleSet().size());
  }

  @Test
  void listFromAnotherFileCanBeUsed() {
    LoadResult result =
        RuleLoader.load(
            List.of(
                new RuleFile("a.yaml", "lists:\n  shells: [sh]\n"),
                new RuleFile(
                    "b.yaml",
                    "rules:\n  - id: r\n    condition: proc.name in lists.shells\n    severity: low\n")));
    assertEquals(List.of(), result.problems());
    assertEquals(1, result.ruleSet().size());
  }

  @Test
  void duplicateRuleIdAcrossFilesIsAnErrorOnTheLaterOne() {
    String rule =
        "rules:\n  - id: same\n    condition: event.type == \"exec\"\n    severity: low\n";
    LoadResult result =
        RuleLoader.load(List.of(new RuleFile("a.yaml", rule), new RuleFile("b.yaml", rule)));
    LoadProblem problem = onlyProblem(result);
    assertEquals("b.yaml", problem.origin());
    assertEquals(
        "b.yaml:2:9: rule same: duplicate rule id (already defined in a.yaml:2)",
        problem.toString());
    assertEquals("a.yaml", result.ruleSet().rules().get(0).origin());
  }

  @Test
  void duplicateListAcrossFilesIsAnErrorOnTheLaterOne() {
    LoadResult result =
        RuleLoader.load(
            List.of(
                new RuleFile("a.yaml", "lists:\n  l: [1]\n"),
                new RuleFile("b.yaml", "lists:\n  l: [2]\n")));
    assertEquals(
        "b.yaml:2:3: duplicate list 'l' (already defined in a.yaml:2)",
        onlyProblem(result).toString());
    assertEquals(List.of(1L), result.ruleSet().lists().get("l"));
  }

  @Test
  void nonBoolConditionIsAnError() {
    LoadResult result =
        Fixtures.load(
            "x.yaml",
            """
                rules:
                  - id: stringy
                    condition: event.type + "x"
                    severity: low
                """);
    assertEquals(
        "x.yaml:3:16: rule stringy: condition must be bool, but has type string",
        onlyProblem(result).toString());
  }

  @Test
  void dynConditionLoadsWithAWarning() {
    LoadResult result =
        Fixtures.load(
            "x.yaml",
            """
                rules:
                  - id: dyn_rule
                    condition: container.privileged
                    severity: low
                """);
    assertEquals(LoadProblem.Level.WARNING, onlyProblem(result).severity());
    assertFalse(result.hasErrors());
    assertEquals(1, result.ruleSet().size());
  }

  @Test
  void forAndWindowLoad() {
    LoadResult result =
        Fixtures.load(
            "x.yaml",
            """
                rules:
                  - id: memory_exhaustion
                    condition: event.type == "resource_sample" && res.mem_usage > 0
                    for: 10s
                    severity: high
                  - id: network_scan
                    condition: event.type == "flow"
                    window: {within: 10s, by: container.id, at_least: 30}
                    severity: high
                """);
    assertEquals(List.of(), result.problems());
    assertEquals(2, result.ruleSet().size());
    assertEquals(Optional.of(Duration.ofSeconds(10)), result.ruleSet().rules().get(0).holdFor());
    assertEquals(30, result.ruleSet().rules().get(1).window().orElseThrow().atLeast());
  }

  @Test
  void badForDurationsNameTheirPosition() {
    LoadResult result =
        Fixtures.load(
            "x.yaml",
            """
                rules:
                  - id: a
                    condition: event.type == "resource_sample"
                    for: 10
                    severity: high
                  - id: b
                    condition: event.type == "resource_sample"
                    for: 0s
                    severity: high
                  - id: c
                    condition: event.type == "resource_sample"
                    for: 1.5s
                    severity: high
                  - id: d
                    condition: event.type == "resource_sample"
                    for: 1500ms
                    output: "held since {evidence.held_since} for {evidence.held_seconds}s"
                    severity: high
                """);
    assertEquals(
        List.of(
            "x.yaml:4:10: rule a: 'for' must be a duration such as 0s, 500ms, 10s, 5m or 1h, not '10'",
            "x.yaml:12:10: rule c: 'for' must be a duration such as 0s, 500ms, 10s, 5m or 1h, not '1.5s'"),
        result.problems().stream().map(LoadProblem::toString).toList());
    assertEquals(
        Optional.of(Duration.ZERO),
        result.ruleSet().rules().get(0).holdFor(),
        "0s: once per episode");
    assertEquals(Optional.of(Duration.ofMillis(1500)), result.ruleSet().rules().get(1).holdFor());
  }

  @Test
  void oneBrokenRuleDoesNotStopTheOtherInTheSameFile() {
    LoadResult result =
        Fixtures.load(
            "x.yaml",
            """
                rules:
                  - id: broken
                    condition: event.type == "exec" &&
                    severity: low
                  - id: fine
                    condition: event.type == "exec"
                    severity: low
                """);
    assertTrue(result.hasErrors());
    assertEquals(Optional.of("broken"), onlyProblem(result).ruleId());
    assertEquals(List.of("fine"), result.ruleSet().rules().stream().map(Rule::id).toList());
  }

  @Test
  void missingRequiredFieldsAreNamed() {
    LoadResult result =
        Fixtures.load(
            "x.yaml",
            """
                rules:
                  - id: bare
                    description: nothing else
                """);
    assertEquals(
        List.of(
            "x.yaml:2:5: rule bare: rule has no 'condition'",
            "x.yaml:2:5: rule bare: rule has no 'severity'"),
        result.problems().stream().map(LoadProblem::toString).toList());
  }

  @Test
  void badIdAndBadSeverityAreErrors() {
    LoadResult result =
        Fixtures.load(
            "x.yaml",
            """
                rules:
                  - id: Bad-Id
                    condition: "true"
                    severity: urgent
                """);
    List<String> problems = result.problems().stream().map(LoadProblem::toString).toList();
    assertEquals(
        List.of(
            "x.yaml:2:9: rule id 'Bad-Id' must match [a-z][a-z0-9_]*",
            "x.yaml:4:15: unknown severity 'urgent' (expected info, low, medium, high or critical)"),
        problems);
  }

  @Test
  void outputPlaceholderOfUnknownVariableOrEvidenceIsAnError() {
    LoadResult result =
        Fixtures.load(
            "x.yaml",
            """
                rules:
                  - id: r
                    condition: "true"
                    severity: low
                    output: "{procc.name} and {evidence.nothing}"
                """);
    assertEquals(2, result.problems().size(), result.problems().toString());
    assertEquals(
        "x.yaml:5:15: rule r: output: unknown variable 'procc' in '{procc.name}'"
            + " (known: event, proc, container, host, flow, res, evidence)",
        result.problems().get(0).toString());
    assertTrue(result.problems().get(1).message().contains("names no evidence"));
  }

  @Test
  void exceptionAndEvidenceErrorsAreLabelled() {
    LoadResult result =
        Fixtures.load(
            "x.yaml",
            """
                rules:
                  - id: r
                    condition: "true"
                    severity: low
                    exceptions:
                      - name: quiet
                        condition: proc.name in lists.nothing
                    evidence:
                      who: proc.nme +
                """);
    List<String> messages = result.problems().stream().map(LoadProblem::message).toList();
    assertEquals(2, messages.size(), messages.toString());
    assertEquals("exception quiet: undeclared reference to 'lists.nothing'", messages.get(0));
    assertTrue(messages.get(1).startsWith("evidence who: "), messages.get(1));
  }

  @Test
  void disabledRuleLoadsButIsListedAsDisabled() {
    LoadResult result =
        Fixtures.load(
            "x.yaml",
            """
                rules:
                  - id: off
                    condition: "true"
                    severity: info
                    enabled: false
                """);
    assertEquals(List.of(), result.problems());
    assertFalse(result.ruleSet().rules().get(0).enabled());
    assertEquals(
        List.of(), new RuleEngine(result.ruleSet()).evaluate(Fixtures.event("container_stop")));
  }

  @Test
  void listValuesKeepYamlTypes() {
    LoadResult result =
        Fixtures.load("x.yaml", "lists:\n  ports: [22, 2375]\n  names: [yes, \"22\"]\n");
    assertEquals(List.of(22L, 2375L), result.ruleSet().lists().get("ports"));
    assertEquals(List.of("yes", "22"), result.ruleSet().lists().get("names"));
  }

  @Test
  void emptyFileOnlyWarns() {
    LoadResult result = Fixtures.load("x.yaml", "# nothing yet\n");
    assertFalse(result.hasErrors());
    assertEquals(0, result.ruleSet().size());
  }
}
