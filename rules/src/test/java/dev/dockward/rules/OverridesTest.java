package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tuning files under rules.d: disable a bundled rule, change its severity, add exceptions and list
 * items.
 */
class OverridesTest {
  private static LoadResult withOverrides(String text) {
    List<RuleFile> files = new ArrayList<>(RuleFiles.bundled());
    files.add(new RuleFile("rules.d/tuning.yaml", text));
    return RuleLoader.load(files);
  }

  private static Rule rule(LoadResult r, String id) {
    return r.ruleSet().rules().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void anOverrideDisablesChangesSeverityAndAddsAnExceptionWithoutCopyingTheRule() {
    LoadResult r =
        withOverrides(
            """
            overrides:
              - rule: container_exec_session
                enabled: false
              - rule: shell_in_container
                severity: low
                exceptions:
                  - name: ci_runner
                    condition: container.name == "web"
            """);
    assertEquals(List.of(), r.problems());
    assertFalse(rule(r, "container_exec_session").enabled());
    assertEquals(Severity.LOW, rule(r, "shell_in_container").severity());

    RuleEngine engine = new RuleEngine(r.ruleSet());
    assertEquals(List.of(), Fixtures.firedIds(engine, Fixtures.event("docker_exec")), "disabled");
    assertEquals(
        List.of(),
        Fixtures.firedIds(engine, interactiveShell()),
        "the appended exception holds for the fixture's container web");
    Map<String, Object> other = interactiveShell();
    @SuppressWarnings("unchecked")
    Map<String, Object> container = (Map<String, Object>) other.get("container");
    container.put("name", "db");
    assertEquals(
        List.of("shell_in_container"),
        Fixtures.firedIds(engine, other),
        "other containers still fire");
  }

  /**
   * The shell fixture as a plain interactive shell (its own command line pipes a download into sh,
   * which another rule catches).
   */
  private static Map<String, Object> interactiveShell() {
    Map<String, Object> event = Fixtures.event("exec_shell_in_container");
    @SuppressWarnings("unchecked")
    Map<String, Object> proc = (Map<String, Object>) event.get("process");
    proc.put("cmdline", "sh -i");
    return event;
  }

  @Test
  void anOverrideAppendsToABundledList() {
    LoadResult r =
        withOverrides(
            """
            overrides:
              - list: shells
                append: [fish, nu]
            """);
    assertEquals(List.of(), r.problems());
    assertTrue(r.ruleSet().lists().get("shells").containsAll(List.of("sh", "fish", "nu")));
    Map<String, Object> fish = interactiveShell();
    @SuppressWarnings("unchecked")
    Map<String, Object> proc = (Map<String, Object>) fish.get("process");
    proc.put("name", "fish");
    assertEquals(
        List.of("shell_in_container"), Fixtures.firedIds(new RuleEngine(r.ruleSet()), fish));
  }

  @Test
  void overridesOfUnknownRulesOrListsAndBadExceptionsAreNamedWhereTheyAreWritten() {
    LoadResult r =
        withOverrides(
            """
            overrides:
              - rule: no_such_rule
                enabled: false
              - list: no_such_list
                append: [x]
              - rule: shell_in_container
                exceptions:
                  - condition: container.name ==
              - rule: fork_bomb
                append: [1]
            """);
    List<String> problems = r.problems().stream().map(LoadProblem::toString).toList();
    assertTrue(
        problems.stream()
            .anyMatch(p -> p.startsWith("rules.d/tuning.yaml:2:") && p.contains("no_such_rule")),
        problems.toString());
    assertTrue(
        problems.stream()
            .anyMatch(p -> p.startsWith("rules.d/tuning.yaml:4:") && p.contains("no_such_list")),
        problems.toString());
    assertTrue(
        problems.stream()
            .anyMatch(
                p -> p.startsWith("rules.d/tuning.yaml:8:") && p.contains("shell_in_container")),
        "a broken appended exception is reported in the tuning file: " + problems);
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("'append' is for lists")), problems.toString());
    assertTrue(
        r.ruleSet().rules().stream().anyMatch(x -> x.id().equals("shell_in_container")),
        "a broken appended exception is left out; the bundled rule keeps detecting");
  }
}
