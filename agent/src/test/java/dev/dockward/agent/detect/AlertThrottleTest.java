package dev.dockward.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dockward.agent.pipeline.Detector;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.HostInfo;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessObserved;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleFiles;
import dev.dockward.rules.RuleLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AlertThrottleTest {
  private static final Instant T0 = Instant.parse("2026-11-23T02:00:00Z");
  private final AtomicLong ids = new AtomicLong();

  /**
   * A detector that raises one alert of {@code rule} for every event, for the event's container.
   */
  private static Detector always(String rule) {
    return (event, alertIds) -> {
      Map<String, Object> alert = new LinkedHashMap<>();
      alert.put("kind", "alert");
      alert.put("id", alertIds.get());
      alert.put("rule", rule);
      alert.put("summary", "s");
      alert.put("container", event.get("container"));
      return List.of(alert);
    };
  }

  private static Map<String, Object> event(Instant time, String container) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("time", time.toString());
    e.put("container", Map.of("id", container));
    return e;
  }

  private List<Map<String, Object>> feed(AlertThrottle t, Instant time, String container) {
    return t.alertsFor(event(time, container), () -> "id-" + ids.incrementAndGet());
  }

  @Test
  void aThousandFiringsInTenSecondsGiveOneAlertAndTheNextCarriesTheCount() {
    AlertThrottle t = new AlertThrottle(always("shell_in_container"), Duration.ofSeconds(60), 0);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      out.addAll(feed(t, T0.plusMillis(i * 10L), "c1"));
    }
    assertEquals(1, out.size());
    assertFalse(out.get(0).containsKey("suppressed"));
    assertEquals(Map.of("shell_in_container", 999L), t.suppressedAlerts());

    List<Map<String, Object>> after = feed(t, T0.plusSeconds(61), "c1");
    assertEquals(1, after.size());
    assertEquals(999L, after.get(0).get("suppressed"));
    assertEquals(
        List.of("kind", "id", "rule", "summary", "suppressed", "container"),
        List.copyOf(after.get(0).keySet()),
        "the count sits beside the summary");
    assertFalse(
        feed(t, T0.plusSeconds(200), "c1").get(0).containsKey("suppressed"),
        "the count is reported once");
  }

  @Test
  void anAlertTheJournalRefusedDoesNotHoldBackItsNextRepeat() {
    AlertThrottle t = new AlertThrottle(always("agent_dropping_events"), Duration.ofSeconds(60), 5);
    Map<String, Object> first = event(T0, "c1");
    List<Map<String, Object>> raised = t.alertsFor(first, () -> "id-" + ids.incrementAndGet());
    assertEquals(1, raised.size());
    assertTrue(
        feed(t, T0.plusSeconds(1), "c1").isEmpty(), "a repeat within the window is held back");
    t.refused(first, raised.get(0)); // a full disk: the first alert never reached the journal
    List<Map<String, Object>> again = feed(t, T0.plusSeconds(2), "c1");
    assertEquals(1, again.size(), "the repeat goes out once the refused alert's window is closed");
    assertEquals(1L, again.get(0).get("suppressed"), "and carries what was held back meanwhile");
    assertTrue(
        feed(t, T0.plusSeconds(3), "c1").isEmpty(),
        "the journalled repeat opens a window as usual");
  }

  @Test
  void
      theBundledShellRuleFiringAThousandTimesInTenSecondsForOneContainerGivesOneAlertThenTheCount() {
    RuleDetector rules =
        new RuleDetector(new RuleEngine(RuleLoader.load(RuleFiles.bundled()).ruleSet()));
    AlertThrottle t = new AlertThrottle(rules, Duration.ofSeconds(60), 0);
    String container = "c0ffee00".repeat(8);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      out.addAll(
          t.alertsFor(
              shellEvent(T0.plusMillis(i * 10L), container, 5000 + i),
              () -> "h-" + ids.incrementAndGet()));
    }
    assertEquals(1, out.size(), "one alert for 1,000 shells in 10 s");
    assertEquals("shell_in_container", out.get(0).get("rule"));
    assertEquals(Map.of("shell_in_container", 999L), t.suppressedAlerts());

    List<Map<String, Object>> next =
        t.alertsFor(
            shellEvent(T0.plusSeconds(70), container, 9000), () -> "h-" + ids.incrementAndGet());
    assertEquals(1, next.size());
    assertEquals(999L, next.get(0).get("suppressed"));
  }

  /** The record of a shell the /proc scan found in a resolved container. */
  private static Map<String, Object> shellEvent(Instant time, String containerId, int pid) {
    ContainerInfo u = ContainerInfo.unresolved(containerId);
    ContainerInfo web =
        new ContainerInfo(
            containerId,
            "web",
            "nginx:1.25",
            "sha256:1",
            Map.of(),
            false,
            List.of(),
            List.of(),
            List.of(),
            u.namespaces(),
            List.of(),
            u.limits(),
            OptionalLong.of(4200),
            Map.of(),
            Optional.empty(),
            List.of());
    ProcessInfo sh =
        new ProcessInfo(
            pid,
            4200,
            100_000L + pid,
            "sh",
            "/bin/sh",
            "sh -c id",
            false,
            OptionalInt.of(0),
            OptionalInt.of(0),
            OptionalLong.empty(),
            Map.of(),
            "/docker/" + containerId);
    return EventDocuments.of(
        new ProcessObserved(time, "netlink", sh, Optional.of(web)),
        new HostInfo("h", "0123456789abcdef"),
        "h-" + pid);
  }

  @Test
  void differentPostureFindingsOfTheHostAreNotRepeatsOfEachOther() {
    AlertThrottle t =
        new AlertThrottle(always("host_posture_critical_weakness"), Duration.ofSeconds(60), 0);
    List<Map<String, Object>> out = new ArrayList<>();
    for (String instance : List.of("127.0.0.1:2375", "/var/run/docker.sock", "127.0.0.1:2375")) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("time", T0.toString());
      e.put("type", "posture_finding");
      e.put(
          "finding",
          Map.of(
              "id",
              instance.startsWith("/") ? "docker_socket_permissions" : "docker_api_tcp_without_tls",
              "instance",
              instance));
      out.addAll(t.alertsFor(e, () -> "id-" + ids.incrementAndGet()));
    }
    assertEquals(2, out.size(), "two findings, the third event repeats the first");
  }

  @Test
  void otherContainersAreNotDeduplicatedAgainstEachOther() {
    AlertThrottle t = new AlertThrottle(always("r"), Duration.ofSeconds(60), 0);
    assertEquals(1, feed(t, T0, "c1").size());
    assertEquals(1, feed(t, T0, "c2").size());
    assertEquals(0, feed(t, T0.plusSeconds(1), "c1").size());
  }

  @Test
  void perRuleCapHoldsBackAcrossContainersWithinAMinute() {
    AlertThrottle t = new AlertThrottle(always("r"), Duration.ZERO, 3);
    int emitted = 0;
    for (int i = 0; i < 10; i++) {
      emitted += feed(t, T0.plusSeconds(i), "c" + i).size();
    }
    assertEquals(3, emitted);
    assertEquals(1, feed(t, T0.plusSeconds(61), "c0").size(), "a new minute, a new allowance");
  }

  @Test
  void theGlobalCapHoldsBackAFloodOfManyRules() {
    // Ten rules, each under its own cap, together over the global one.
    Detector manyRules =
        (event, alertIds) -> {
          List<Map<String, Object>> out = new ArrayList<>();
          for (int r = 0; r < 10; r++) {
            out.addAll(always("rule_" + r).alertsFor(event, alertIds));
          }
          return out;
        };
    AlertThrottle t = new AlertThrottle(manyRules, Duration.ZERO, 5, 20);
    int emitted = 0;
    for (int i = 0; i < 10; i++) {
      emitted += feed(t, T0.plusSeconds(i), "c" + i).size();
    }
    assertEquals(20, emitted, "100 firings, 50 under the rule caps, 20 under the global one");
    assertEquals(80L, t.suppressedAlerts().values().stream().mapToLong(Long::longValue).sum());
    assertEquals(10, feed(t, T0.plusSeconds(61), "c0").size(), "a new minute, a new allowance");
  }

  @Test
  void replayingTheSameEventsSuppressesTheSame() {
    List<Integer> first = new ArrayList<>();
    List<Integer> second = new ArrayList<>();
    for (List<Integer> run : List.of(first, second)) {
      AlertThrottle t = new AlertThrottle(always("r"), Duration.ofSeconds(5), 0);
      for (int i = 0; i < 30; i++) {
        run.add(feed(t, T0.plusSeconds(i), "c1").size());
      }
    }
    assertEquals(first, second);
    assertEquals(
        6, first.stream().mapToInt(Integer::intValue).sum(), "one per 5 s window over 30 s");
  }

  /**
   * A detector that raises one alert of {@code rule} naming the event's edge, as the network rules
   * do.
   */
  private static Detector perEdge(String rule) {
    return (event, alertIds) -> {
      Map<String, Object> alert = new LinkedHashMap<>();
      alert.put("kind", "alert");
      alert.put("id", alertIds.get());
      alert.put("rule", rule);
      alert.put("summary", "s");
      alert.put("container", event.get("container"));
      alert.put("evidence", Map.of("edge", event.get("edge")));
      return List.of(alert);
    };
  }

  private List<Map<String, Object>> feedEdge(AlertThrottle t, Instant time, String edge) {
    Map<String, Object> e = event(time, "c0ffee00".repeat(8));
    e.put("edge", edge);
    return t.alertsFor(e, () -> "id-" + ids.incrementAndGet());
  }

  @Test
  void aMillionDistinctKeysStayWithinTheCapAndEveryNewOneGoesOut() {
    AlertThrottle t =
        new AlertThrottle(perEdge("unexpected_edge"), Duration.ofSeconds(60), 0, 0, 10_000);
    int emitted = 0;
    Map<String, Object> e = event(T0, "c0ffee00".repeat(8));
    for (int i = 0; i < 1_000_000; i++) {
      // a scan of every port of many neighbours within 50 s, all within one window
      if (i % 20_000 == 0) {
        e.put("time", T0.plusSeconds(i / 20_000).toString());
      }
      e.put("edge", "10.0." + (i / 65_536) + "." + (i % 250) + ":" + (i % 65_536));
      emitted += t.alertsFor(e, () -> "id").size();
      if (t.windows() > 10_000) {
        fail("windows over the cap at " + i + ": " + t.windows());
      }
    }
    assertEquals(1_000_000, emitted, "fail open: no key is held back for lack of room");
    assertEquals(990_000L, t.noiseControlEvictions().get("window"));
    assertEquals(0L, t.noiseControlEvictions().get("count"));
    // a key still in its window is still deduplicated
    String last = "10.0." + (999_999 / 65_536) + "." + (999_999 % 250) + ":" + (999_999 % 65_536);
    assertEquals(0, feedEdge(t, T0.plusSeconds(55), last).size());
  }

  @Test
  void aRepeatWhoseWindowWasEvictedGoesOutInsteadOfBeingHeldBack() {
    AlertThrottle t =
        new AlertThrottle(perEdge("unexpected_edge"), Duration.ofSeconds(60), 0, 0, 3);
    assertEquals(1, feedEdge(t, T0, "a:1").size());
    assertEquals(0, feedEdge(t, T0.plusSeconds(1), "a:1").size(), "a repeat within its window");
    for (String edge : List.of("b:1", "c:1", "d:1")) {
      assertEquals(1, feedEdge(t, T0.plusSeconds(2), edge).size());
    }
    List<Map<String, Object>> again = feedEdge(t, T0.plusSeconds(3), "a:1");
    assertEquals(1, again.size(), "its window was evicted: the repeat goes out");
    assertEquals(1L, again.get(0).get("suppressed"), "and still carries the count held back");
    assertEquals(Map.of("count", 0L, "window", 2L), t.noiseControlEvictions());
  }

  @Test
  void passedWindowsAreForgottenAndTheirCountsWaitForTheNextAlert() {
    AlertThrottle t = new AlertThrottle(perEdge("unexpected_edge"), Duration.ofSeconds(60), 0);
    for (int i = 0; i < 1000; i++) {
      feedEdge(t, T0.plusMillis(i), "10.0.0.1:" + i);
    }
    feedEdge(t, T0.plusSeconds(1), "10.0.0.1:7"); // held back
    assertEquals(1000, t.windows());
    assertEquals(1, feedEdge(t, T0.plusSeconds(61), "10.0.0.2:1").size());
    assertEquals(1, t.windows(), "the 1,000 passed windows are gone");
    assertEquals(1, t.waitingCounts(), "one of them held a repeat back");
    List<Map<String, Object>> later = feedEdge(t, T0.plusSeconds(3600), "10.0.0.1:7");
    assertEquals(
        1L,
        later.get(0).get("suppressed"),
        "the next alert of that edge, an hour later, carries it");
    assertEquals(0, t.waitingCounts());
    assertEquals(
        Map.of("count", 0L, "window", 0L),
        t.noiseControlEvictions(),
        "nothing was forgotten early");
  }

  @Test
  void waitingCountsAreBoundedToo() {
    AlertThrottle t =
        new AlertThrottle(perEdge("unexpected_edge"), Duration.ofSeconds(60), 0, 0, 100);
    for (int round = 0; round < 5; round++) {
      Instant start = T0.plusSeconds(120L * round);
      for (int i = 0; i < 100; i++) {
        String edge = "10." + round + ".0.1:" + i;
        feedEdge(t, start, edge);
        feedEdge(t, start.plusSeconds(1), edge); // a repeat held back: a count to carry
      }
    }
    feedEdge(t, T0.plusSeconds(10_000), "x:1");
    assertTrue(t.waitingCounts() <= 100, "waiting counts: " + t.waitingCounts());
    assertEquals(400L, t.noiseControlEvictions().get("count"));
    assertEquals(
        500L, t.suppressedAlerts().get("unexpected_edge"), "the per-rule total keeps every one");
  }
}
