package dev.dockward.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code for:} over sequences of event documents, timed by the events' own {@code time}. */
class ForDurationTest {
  private static final Instant T0 = Instant.parse("2026-11-22T18:00:00Z");
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  private final RuleEngine engine = engine();

  private static RuleEngine engine() {
    LoadResult result =
        Fixtures.load(
            "t.yaml",
            """
                rules:
                  - id: memory_high
                    condition: event.type == "resource_sample" && res.mem_fraction >= 0.95
                    for: 10s
                    severity: high
                    output: "{container.id} at {res.mem_fraction} since {evidence.held_since} ({evidence.held_seconds}s)"
                    exceptions:
                      - condition: container.labels["allow"] == "yes"
                """);
    assertTrue(!result.hasErrors(), () -> result.problems().toString());
    return new RuleEngine(result.ruleSet());
  }

  static Map<String, Object> sample(String containerId, long second, double memFraction) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", 1L);
    doc.put("kind", "event");
    doc.put("id", "h-" + second);
    doc.put("time", T0.plusSeconds(second).toString());
    doc.put("type", "resource_sample");
    doc.put("container", new LinkedHashMap<>(Map.of("id", containerId, "labels", Map.of())));
    doc.put("res", new LinkedHashMap<>(Map.of("mem_fraction", memFraction)));
    return doc;
  }

  /** Seconds at which the rule fired, feeding one sample per second for {@code fractions}. */
  private List<Long> fired(String container, long from, double... fractions) {
    List<Long> at = new ArrayList<>();
    for (int i = 0; i < fractions.length; i++) {
      if (!engine.evaluate(sample(container, from + i, fractions[i])).isEmpty()) {
        at.add(from + i);
      }
    }
    return at;
  }

  @Test
  void holdingForLessThanForGivesNothing() {
    // 9 s high (seconds 0..9 is 9 s of holding at the tenth sample), then low.
    assertEquals(List.of(), fired(A, 0, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.5));
  }

  @Test
  void holdingLongerFiresExactlyOnceAtTheForMark() {
    double[] high = new double[30];
    java.util.Arrays.fill(high, 0.97);
    assertEquals(List.of(10L), fired(A, 0, high));
  }

  @Test
  void clearingEndsTheEpisodeAndASecondEpisodeFiresAgain() {
    double[] episode = new double[12];
    java.util.Arrays.fill(episode, 0.99);
    List<Long> at = new ArrayList<>(fired(A, 0, episode));
    at.addAll(fired(A, 12, 0.2));
    at.addAll(fired(A, 13, episode));
    assertEquals(List.of(10L, 23L), at);
  }

  @Test
  void aBreakRestartsTheClock() {
    assertEquals(
        List.of(),
        fired(A, 0, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.5, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99));
  }

  @Test
  void containersAreTimedApart() {
    List<Long> a = new ArrayList<>();
    List<Long> b = new ArrayList<>();
    for (long s = 0; s <= 15; s++) {
      if (!engine.evaluate(sample(A, s, 0.99)).isEmpty()) {
        a.add(s);
      }
      // B is high only from second 8 on: not yet 10 s by second 15.
      if (!engine.evaluate(sample(B, s, s >= 8 ? 0.99 : 0.1)).isEmpty()) {
        b.add(s);
      }
    }
    assertEquals(List.of(10L), a);
    assertEquals(List.of(), b);
  }

  @Test
  void theAlertSaysSinceWhenAndHowLong() {
    List<RuleMatch> matches = List.of();
    for (long s = 0; s <= 10; s++) {
      matches = engine.evaluate(sample(A, s, 0.96));
    }
    assertEquals(1, matches.size());
    assertEquals("2026-11-22T18:00:00.000Z", matches.get(0).evidence().get("held_since"));
    assertEquals(10.0, matches.get(0).evidence().get("held_seconds"));
    assertEquals(A + " at 0.96 since 2026-11-22T18:00:00.000Z (10s)", matches.get(0).summary());
  }

  @Test
  void replayingTheSameEventsLaterGivesTheSameAnswer() {
    // Event time, not wall-clock time: a fresh engine over the same documents fires at the same
    // event.
    double[] high = new double[15];
    java.util.Arrays.fill(high, 0.99);
    assertEquals(List.of(10L), fired(A, 0, high));
    ForDurationTest replay = new ForDurationTest();
    assertEquals(List.of(10L), replay.fired(A, 0, high));
  }

  @Test
  void anExceptionBreaksTheEpisode() {
    for (long s = 0; s < 5; s++) {
      engine.evaluate(sample(A, s, 0.99));
    }
    Map<String, Object> allowed = sample(A, 5, 0.99);
    ((Map<String, Object>) allowed.get("container")).put("labels", Map.of("allow", "yes"));
    assertEquals(List.of(), engine.evaluate(allowed));
    assertEquals(
        List.of(), fired(A, 6, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99));
  }

  @Test
  void aStoppedContainerIsForgotten() {
    fired(A, 0, 0.99, 0.99, 0.99);
    fired(B, 0, 0.99);
    assertEquals(2, engine.heldEpisodes());
    Map<String, Object> stop = new LinkedHashMap<>();
    stop.put("time", T0.plusSeconds(4).toString());
    stop.put("type", "container_stop");
    stop.put("container", Map.of("id", A));
    engine.evaluate(stop);
    assertEquals(1, engine.heldEpisodes());
  }

  @Test
  void anEventWithoutTimeIsAnErrorNotAMatch() {
    Map<String, Object> noTime = sample(A, 0, 0.99);
    noTime.remove("time");
    assertEquals(List.of(), engine.evaluate(noTime));
    assertEquals(1, engine.stats("memory_high").orElseThrow().errors());
  }
}
