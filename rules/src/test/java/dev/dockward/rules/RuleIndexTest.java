package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.runtime.CelEvaluationException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The event-type index: what it derives from a condition, and that it never changes an alert. */
class RuleIndexTest {
  private static final RuleSet BUNDLED = RuleLoader.load(RuleFiles.bundled()).ruleSet();

  /** Types no bundled rule names, so only unconstrained rules may see them. */
  private static final List<String> UNNAMED_TYPES =
      List.of(
          "fork",
          "exit",
          "namespace_change",
          "capability_change",
          "container_stop",
          "no_such_type",
          "");

  private static Optional<Set<String>> types(String condition) {
    return types(condition, true);
  }

  private static Optional<Set<String>> types(String condition, boolean throughOr) {
    try {
      CelAbstractSyntaxTree ast = CelSetup.COMPILER.compile(condition).getAst();
      return AstFacts.requiredEventTypes(ast, throughOr);
    } catch (CelValidationException e) {
      throw new AssertionError(condition, e);
    }
  }

  @Test
  void conjunctionWithTheTypeConstrainsIt() {
    assertEquals(
        Optional.of(Set.of("exec")), types("event.type == \"exec\" && container.id != \"\""));
    assertEquals(
        Optional.of(Set.of("exec")), types("container.id != \"\" && \"exec\" == event.type"));
    assertEquals(Optional.of(Set.of("exec")), types("event[\"type\"] == \"exec\" && proc.pid > 1"));
    assertEquals(Optional.of(Set.of("exec")), types("event.type == \"exec\""));
  }

  @Test
  void inLiteralListConstrainsToItsElements() {
    assertEquals(
        Optional.of(Set.of("exec", "fork")),
        types("event.type in [\"exec\", \"fork\"] && proc.pid > 1"));
    // intersected with another constraint of the same chain
    assertEquals(
        Optional.of(Set.of("fork")),
        types(
            "event.type in [\"exec\", \"fork\"] && proc.pid > 1 && event.type in [\"fork\", \"exit\"]"));
  }

  @Test
  void contradictingConstraintsGiveNoType() {
    assertEquals(Optional.of(Set.of()), types("event.type == \"exec\" && event.type == \"fork\""));
  }

  @Test
  void nestedParenthesesAreOneChain() {
    assertEquals(
        Optional.of(Set.of("ptrace")),
        types("(container.id != \"\" && (proc.pid > 1 && (event.type == \"ptrace\")))"));
  }

  @Test
  void whatProvesNothingRunsForEveryType() {
    assertEquals(Optional.empty(), types("event.type != \"exec\" && proc.pid > 1"));
    assertEquals(Optional.empty(), types("!(event.type == \"exec\") && proc.pid > 1"));
    assertEquals(Optional.empty(), types("event.type == \"exec\" || proc.pid > 1"));
    assertEquals(Optional.empty(), types("proc.pid > 1"));
    assertEquals(Optional.empty(), types("event.type in lists.watched && proc.pid > 1"));
    assertEquals(Optional.empty(), types("event.type in [\"exec\", proc.name]"));
    assertEquals(Optional.empty(), types("event.type.startsWith(\"exe\")"));
    assertEquals(Optional.empty(), types("(event.type == \"exec\") == (proc.pid > 1)"));
    assertEquals(Optional.empty(), types("event.type == \"exec\" ? proc.pid > 1 : true"));
    assertEquals(Optional.empty(), types("flow.type == \"exec\" && proc.pid > 1"));
  }

  @Test
  void disjunctionOfConstrainedBranchesIsTheirUnion() {
    assertEquals(
        Optional.of(Set.of("uid_change", "exec")),
        types(
            "container.id != \"\" && ((event.type == \"uid_change\" && proc.euid == 0)"
                + " || (event.type == \"exec\" && proc.uid > 0))"));
    assertEquals(
        Optional.of(Set.of("a", "b", "c")),
        types(
            "event.type == \"a\" || event.type in [\"b\", \"c\"] || (event.type == \"a\" && proc.pid > 1)"));
    // one branch without a constraint: every type
    assertEquals(
        Optional.empty(),
        types("container.id != \"\" && (event.type == \"exec\" || proc.pid > 1)"));
  }

  @Test
  void withoutDisjunctionsOnlyTheTopLevelChainCounts() {
    assertEquals(Optional.empty(), types("event.type == \"a\" || event.type == \"b\"", false));
    assertEquals(
        Optional.of(Set.of("a")),
        types("event.type == \"a\" && (event.type == \"a\" || event.type == \"b\")", false));
  }

  @Test
  void aHoldRuleKeepsItsTopLevelTypesSoItsEpisodesDoNotChange() {
    LoadResult loaded =
        Fixtures.load(
            "t.yaml",
            """
                rules:
                  - id: held
                    description: d
                    condition: event.type == "a" || event.type == "b"
                    for: 0s
                    severity: low
                    tags: [t]
                    output: o
                  - id: plain
                    description: d
                    condition: event.type == "a" || event.type == "b"
                    severity: low
                    tags: [t]
                    output: o
                """);
    assertEquals(List.of(), loaded.problems());
    Map<String, Optional<Set<String>>> byId = new LinkedHashMap<>();
    loaded.ruleSet().compiled().forEach(r -> byId.put(r.rule().id(), r.eventTypes()));
    assertEquals(Optional.empty(), byId.get("held"));
    assertEquals(Optional.of(Set.of("a", "b")), byId.get("plain"));
  }

  @Test
  void theBundledRulesAreIndexedExceptWhereTheyMustSeeEveryType() {
    List<String> unindexed =
        BUNDLED.compiled().stream()
            .filter(r -> r.eventTypes().isEmpty())
            .map(r -> r.rule().id())
            .toList();
    assertEquals(List.of(), unindexed);
    Map<String, Set<String>> some = new LinkedHashMap<>();
    BUNDLED
        .compiled()
        .forEach(r -> some.put(r.rule().id(), new TreeSet<>(r.eventTypes().orElseThrow())));
    assertEquals(Set.of("exec", "uid_change"), some.get("container_privilege_escalation"));
    assertEquals(
        Set.of("daemon_socket_client", "exec"), some.get("docker_socket_access_from_container"));
    assertEquals(Set.of("exec"), some.get("shell_in_container"));
  }

  /**
   * Soundness, rule by rule: on every corpus record whose type a rule does not admit, its condition
   * is never true (so skipping it cannot lose an alert).
   */
  @Test
  void aConditionIsNeverTrueOnATypeItsRuleDoesNotAdmit() throws Exception {
    int skipped = 0;
    for (Map<String, Object> record : corpus()) {
      Map<String, Object> event = ValueNormaliser.normalise(record);
      Map<String, Object> vars = EventVariables.forConditions(event, BUNDLED.lists());
      for (CompiledRule rule : BUNDLED.compiled()) {
        if (rule.admits(event.get("type"))) {
          continue;
        }
        skipped++;
        Object result;
        try {
          result = rule.condition().eval(name -> Optional.ofNullable(vars.get(name)));
        } catch (CelEvaluationException e) {
          continue; // an error is no match
        }
        assertNotEquals(
            Boolean.TRUE,
            result,
            rule.rule().id() + " on " + event.get("id") + " " + event.get("type"));
      }
    }
    assertTrue(skipped > 1000, "the corpus exercises the index: " + skipped);
  }

  /**
   * The same corpus, in order, through an indexed engine and one that runs every rule: the same
   * alerts.
   */
  @Test
  void theIndexNeverChangesAnAlert() throws Exception {
    RuleEngine indexed = new RuleEngine(BUNDLED);
    RuleEngine everyRule = new RuleEngine(BUNDLED, false);
    Set<String> fired = new TreeSet<>();
    long alerts = sameAlerts(indexed, everyRule, corpus(), fired);
    // The corpus is no trivial one: most bundled rules fire in it, stateful ones included.
    assertTrue(fired.size() >= 25, fired.toString());
    assertTrue(
        fired.containsAll(
            Set.of(
                "fork_bomb",
                "memory_exhaustion",
                "container_privilege_escalation",
                "docker_socket_access_from_container",
                "network_scan_from_container")),
        fired.toString());
    assertTrue(alerts > 50, "alerts: " + alerts);
    // Every rule ran less often with the index, and no rule more often.
    long less = 0;
    for (Rule rule : BUNDLED.rules()) {
      RuleStats a = indexed.stats(rule.id()).orElseThrow();
      RuleStats b = everyRule.stats(rule.id()).orElseThrow();
      assertEquals(b.matches(), a.matches(), rule.id());
      assertTrue(a.evaluations() <= b.evaluations(), rule.id());
      less += b.evaluations() - a.evaluations();
    }
    assertTrue(less > 1000, "evaluations saved: " + less);
  }

  /** Stateful rules whose conditions are disjunctions of types, on the same corpus. */
  @Test
  void theIndexNeverChangesAnAlertOfDisjunctiveStatefulRules() throws Exception {
    LoadResult loaded =
        Fixtures.load(
            "t.yaml",
            """
                rules:
                  - id: windowed
                    description: execs or uid changes in a container, counted
                    condition: container.id != "" && (event.type == "exec" || event.type == "uid_change")
                    window: {within: 5s, at_least: 3}
                    severity: low
                    tags: [t]
                    output: o
                  - id: windowed_distinct
                    description: distinct types among a few
                    condition: event.type in ["exec", "fork", "resource_sample"] || event.type == "ptrace"
                    window: {within: 20s, distinct: event.type, at_least: 3}
                    severity: low
                    tags: [t]
                    output: o
                  - id: held_over_types
                    description: holds on samples or execs of a container
                    condition: >-
                      container.id != "" && (event.type == "resource_sample" || event.type == "exec")
                    for: 1s
                    severity: low
                    tags: [t]
                    output: o
                  - id: held_typed
                    description: holds on samples of a container
                    condition: event.type == "resource_sample" && container.id != "" && has(res.mem_fraction)
                    for: 3s
                    severity: low
                    tags: [t]
                    output: o
                """);
    assertEquals(List.of(), loaded.problems());
    Set<String> fired = new TreeSet<>();
    long alerts =
        sameAlerts(
            new RuleEngine(loaded.ruleSet()),
            new RuleEngine(loaded.ruleSet(), false),
            corpus(),
            fired);
    assertEquals(Set.of("windowed", "windowed_distinct", "held_over_types", "held_typed"), fired);
    assertTrue(alerts > 10, "alerts: " + alerts);
  }

  private static long sameAlerts(
      RuleEngine indexed,
      RuleEngine everyRule,
      List<Map<String, Object>> corpus,
      Set<String> fired) {
    long alerts = 0;
    for (Map<String, Object> record : corpus) {
      List<RuleMatch> expected = everyRule.evaluate(record);
      List<RuleMatch> actual = indexed.evaluate(record);
      assertEquals(expected, actual, record.get("id") + " " + record.get("type"));
      expected.forEach(m -> fired.add(m.rule().id()));
      alerts += expected.size();
    }
    return alerts;
  }

  @Test
  void aResourceEpisodeIsNotEndedByAnExecOfTheSameContainer() {
    RuleEngine engine = new RuleEngine(BUNDLED);
    List<String> fired = new ArrayList<>();
    for (int s = 0; s < 12; s++) {
      fired.addAll(Fixtures.firedIds(engine, sample(s, memory(0.97))));
      Map<String, Object> exec =
          retyped(Fixtures.event("exec_cat_ordinary_file_in_container"), "exec", s);
      fired.addAll(Fixtures.firedIds(engine, exec));
    }
    assertEquals(List.of("memory_exhaustion"), fired);
  }

  /**
   * Every event fixture, each also under every type a bundled rule names and under types none
   * names; then resource samples and flows of one container, interleaved with execs of it, so the
   * {@code for:} and {@code window:} rules build up state; times increase through the corpus.
   */
  private static List<Map<String, Object>> corpus() throws IOException, URISyntaxException {
    Set<String> types = new LinkedHashSet<>();
    BUNDLED.compiled().forEach(r -> r.eventTypes().ifPresent(types::addAll));
    types.addAll(UNNAMED_TYPES);
    List<String> names;
    Path dir = Path.of(RuleIndexTest.class.getResource("/events").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      names =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .map(n -> n.substring(0, n.length() - ".json".length()))
              .sorted()
              .toList();
    }
    assertTrue(names.size() > 50, names.toString());
    List<Map<String, Object>> out = new ArrayList<>();
    int second = 0;
    for (String name : names) {
      Map<String, Object> fixture = Fixtures.event(name);
      out.add(retyped(fixture, String.valueOf(fixture.get("type")), second++));
      for (String type : types) {
        out.add(retyped(fixture, type, second++));
      }
    }
    Map<String, Object> exec = Fixtures.event("exec_shell_in_container");
    for (int i = 0; i < 40; i++) {
      Map<String, Object> res = new LinkedHashMap<>(memory(i < 30 ? 0.97 : 0.5));
      res.putAll(
          Map.of(
              "pids",
              64L,
              "pids_limit",
              64L,
              "fork_refusals",
              100L + i,
              "fork_refusals_new",
              i % 7 == 0 ? 3L : 0L));
      out.add(sample(second, res));
      out.add(retyped(exec, i % 2 == 0 ? "exec" : "uid_change", second++));
    }
    return out;
  }

  private static Map<String, Object> retyped(Map<String, Object> fixture, String type, int second) {
    Map<String, Object> doc = new LinkedHashMap<>(fixture);
    doc.put("type", type);
    doc.put("id", "corpus-" + second + "-" + type);
    doc.put("time", Instant.parse("2026-11-23T05:00:00Z").plusSeconds(second).toString());
    return doc;
  }

  private static Map<String, Object> sample(int second, Map<String, Object> res) {
    Map<String, Object> doc =
        retyped(Fixtures.event("exec_shell_in_container"), "resource_sample", second);
    doc.remove("process");
    doc.put("source", "cgroup");
    doc.put("res", res);
    return doc;
  }

  private static Map<String, Object> memory(double fraction) {
    return Map.of("mem_usage", 260_000_000L, "mem_limit", 268_435_456L, "mem_fraction", fraction);
  }

  @Test
  void admitsReadsTheTypeValue() {
    CompiledRule typed = BUNDLED.compiled().get(0);
    assertTrue(typed.admits("container_start"));
    assertFalse(typed.admits("exec"));
    assertFalse(typed.admits(null));
    assertFalse(typed.admits(42L));
  }
}
