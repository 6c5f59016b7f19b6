package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code window:} over sequences of event documents, timed by the events' own {@code time}. */
class WindowTest {
  private static final Instant T0 = Instant.parse("2026-11-22T18:00:00Z");
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  private static RuleEngine engine(String yaml) {
    LoadResult result = Fixtures.load("w.yaml", yaml);
    assertTrue(!result.hasErrors(), () -> result.problems().toString());
    return new RuleEngine(result.ruleSet());
  }

  private final RuleEngine execs =
      engine(
          """
            rules:
              - id: exec_burst
                condition: event.type == "exec" && container.id != ""
                window: {within: 10s, at_least: 3}
                severity: medium
                output: "{container.id}: {window.count} execs since {window.since}"
                exceptions:
                  - condition: proc.name == "healthcheck"
            """);

  private final RuleEngine ports =
      engine(
          """
            rules:
              - id: port_scan
                condition: event.type == "flow"
                window: {within: 10s, by: flow.src, distinct: flow.dst_port, at_least: 3}
                severity: high
                output: "{flow.src} reached {window.count} ports"
            """);

  private static Map<String, Object> exec(String container, long millis, String name) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", "event");
    doc.put("time", T0.plusMillis(millis).toString());
    doc.put("type", "exec");
    doc.put("container", Map.of("id", container));
    doc.put("process", Map.of("name", name));
    return doc;
  }

  private static Map<String, Object> flow(String src, long second, long port) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kind", "event");
    doc.put("time", T0.plusSeconds(second).toString());
    doc.put("type", "flow");
    doc.put("flow", Map.of("src", src, "dst_port", port));
    return doc;
  }

  /** Seconds (as millis / 1000.0) at which exec_burst fired for the execs at {@code millis}. */
  private List<Long> execsFiring(String container, long... millis) {
    List<Long> at = new ArrayList<>();
    for (long m : millis) {
      if (!execs.evaluate(exec(container, m, "sh")).isEmpty()) {
        at.add(m);
      }
    }
    return at;
  }

  @Test
  void firesWhenTheCountReachesTheThresholdWithinTheWindow() {
    assertEquals(List.of(4_000L), execsFiring(A, 0, 2_000, 4_000, 5_000, 6_000));
  }

  @Test
  void eventsFurtherApartThanTheWindowNeverAddUp() {
    assertEquals(List.of(), execsFiring(A, 0, 6_000, 12_000, 18_000, 24_000, 30_000));
  }

  @Test
  void theWindowIsHalfOpenEventsExactlyWithinAgoHaveLeft() {
    assertEquals(List.of(), execsFiring(A, 0, 5_000, 10_000));
    assertEquals(
        List.of(10_001L), execsFiring(B, 0, 5_000, 10_001 - 10_000 + 5_000 + 4_999, 10_001));
  }

  @Test
  void oncePerBurstAndAgainAfterTheCountFellBelow() {
    List<Long> at = new ArrayList<>(execsFiring(A, 0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000));
    at.addAll(execsFiring(A, 60_000, 61_000, 62_000)); // a new burst after a quiet minute
    assertEquals(List.of(2_000L, 62_000L), at);
  }

  @Test
  void keysAreCountedApart() {
    assertEquals(List.of(), execsFiring(A, 0, 1_000));
    assertEquals(List.of(), execsFiring(B, 1_500, 2_000));
    assertEquals(List.of(2_500L), execsFiring(A, 2_500));
  }

  @Test
  void exceptionsAreNotCounted() {
    execs.evaluate(exec(A, 0, "healthcheck"));
    execs.evaluate(exec(A, 1_000, "healthcheck"));
    assertEquals(List.of(), execsFiring(A, 2_000, 3_000));
    assertEquals(List.of(4_000L), execsFiring(A, 4_000));
  }

  @Test
  void alertCarriesTheCountAndTheOldestEventsTime() {
    execsFiring(A, 0, 2_000);
    List<RuleMatch> m = execs.evaluate(exec(A, 4_000, "sh"));
    assertEquals(1, m.size());
    assertEquals(3L, m.get(0).evidence().get("window_count"));
    assertEquals("2026-11-22T18:00:00.000Z", m.get(0).evidence().get("window_since"));
    assertEquals(A + ": 3 execs since 2026-11-22T18:00:00.000Z", m.get(0).summary());
  }

  @Test
  void distinctValuesNotEventsAreCounted() {
    List<Long> at = new ArrayList<>();
    long[][] flows = {{0, 80}, {1, 80}, {2, 80}, {3, 443}, {4, 443}, {5, 22}};
    for (long[] f : flows) {
      List<RuleMatch> m = ports.evaluate(flow("10.0.0.5", f[0], f[1]));
      if (!m.isEmpty()) {
        at.add(f[0]);
        assertEquals("10.0.0.5 reached 3 ports", m.get(0).summary());
      }
    }
    assertEquals(List.of(5L), at, "repeats of a port count once");
    assertTrue(
        ports.evaluate(flow("10.0.0.6", 6, 1)).isEmpty(), "another source has its own window");
  }

  @Test
  void aRepeatedValueStaysInTheWindowFromItsLastSighting() {
    long[][] flows = {{0, 1}, {1, 2}, {9, 1}, {12, 3}};
    List<Long> at = new ArrayList<>();
    for (long[] f : flows) {
      if (!ports.evaluate(flow("s", f[0], f[1])).isEmpty()) {
        at.add(f[0]);
      }
    }
    assertEquals(List.of(), at, "port 2 (second 1) left the window at 11");
    assertTrue(
        !ports.evaluate(flow("s", 13, 2)).isEmpty(), "1 (at 9), 3 and 2 are within 10 s of 13");
  }

  @Test
  void replayingTheSameEventsGivesTheSameAlerts() {
    long[] millis = {0, 300, 900, 5_000, 9_000, 9_500, 20_000, 20_100, 20_200, 29_000};
    RuleEngine second =
        engine(
            """
                rules:
                  - id: exec_burst
                    condition: event.type == "exec" && container.id != ""
                    window: {within: 10s, at_least: 3}
                    severity: medium
                """);
    List<Long> live = execsFiring(A, millis);
    List<Long> replay = new ArrayList<>();
    for (long m : millis) {
      if (!second.evaluate(exec(A, m, "sh")).isEmpty()) {
        replay.add(m);
      }
    }
    assertEquals(List.of(900L, 20_200L), live, "the third event of each burst");
    assertEquals(live, replay);
  }

  @Test
  void theRuleShowsItsWindow() {
    Rule rule = ports.ruleSet().rules().get(0);
    assertEquals(
        Optional.of(
            new Window(Duration.ofSeconds(10), "flow.src", Optional.of("flow.dst_port"), 3)),
        rule.window());
    assertEquals(
        Optional.of(new Window(Duration.ofSeconds(10), "container.id", Optional.empty(), 3)),
        execs.ruleSet().rules().get(0).window());
  }

  @Test
  void badWindowsNameTheirPosition() {
    LoadResult result =
        Fixtures.load(
            "bad.yaml",
            """
                rules:
                  - id: no_within
                    condition: event.type == "exec"
                    window: {at_least: 3}
                    severity: low
                  - id: zero
                    condition: event.type == "exec"
                    window: {within: 0s, at_least: 0}
                    severity: low
                  - id: unknown_key
                    condition: event.type == "exec"
                    window: {within: 5s, at_least: 2, over: 3}
                    severity: low
                  - id: both
                    condition: event.type == "exec"
                    for: 5s
                    window: {within: 5s, at_least: 2}
                    severity: low
                  - id: bad_by
                    condition: event.type == "exec"
                    window: {within: 5s, at_least: 2, by: "container.nope("}
                    severity: low
                  - id: scalar
                    condition: event.type == "exec"
                    window: 10s
                    severity: low
                  - id: unknown_output
                    condition: event.type == "exec"
                    window: {within: 5s, at_least: 2}
                    severity: low
                    output: "{window.count} and {evidence.held_since}"
                """);
    List<String> messages =
        result.problems().stream().map(p -> p.line() + ": " + p.message()).toList();
    assertEquals(0, result.ruleSet().size(), messages::toString);
    assertTrue(
        messages.stream().anyMatch(m -> m.startsWith("4: 'window' has no 'within'")),
        messages::toString);
    assertTrue(
        messages.stream().anyMatch(m -> m.startsWith("8: 'window.within' must be longer")),
        messages::toString);
    assertTrue(
        messages.stream()
            .anyMatch(m -> m.startsWith("8: 'window.at_least' must be a whole number")),
        messages::toString);
    assertTrue(
        messages.stream().anyMatch(m -> m.startsWith("12: unknown window key 'over'")),
        messages::toString);
    assertTrue(
        messages.stream().anyMatch(m -> m.startsWith("17: a rule has 'for:' or 'window:'")),
        messages::toString);
    assertTrue(
        messages.stream().anyMatch(m -> m.startsWith("21: window by: ")), messages::toString);
    assertTrue(
        messages.stream().anyMatch(m -> m.startsWith("25: 'window' must be a mapping")),
        messages::toString);
    assertTrue(
        messages.stream().anyMatch(m -> m.contains("evidence.held_since")), messages::toString);
  }
}
