package dev.dockward.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.dockward.agent.pipeline.Detector;
import dev.dockward.proc.Ancestor;
import dev.dockward.proc.ProcessLineage;
import dev.dockward.proc.RecentProcesses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AncestryEnricherTest {
  private final AtomicInteger ids = new AtomicInteger();

  /** Raises one alert, carrying the event's process, on events whose process is named {@code nc}. */
  private static final Detector ON_NC = (event, alertIds) -> {
    if (!(event.get("process") instanceof Map<?, ?> p) || !"nc".equals(p.get("name"))) {
      return List.of();
    }
    Map<String, Object> alert = new LinkedHashMap<>();
    alert.put("kind", "alert");
    alert.put("rule", "r");
    alert.put("process", Map.of("pid", p.get("pid"), "ppid", p.get("ppid"), "name", p.get("name")));
    return List.of(alert);
  };

  private static Map<String, Object> exec(long pid, long ppid, long start, String name, String cmdline) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("kind", "event");
    e.put("type", "exec");
    e.put("process", Map.of("pid", pid, "ppid", ppid, "start_time", start, "name", name, "exe", "/bin/" + name,
        "cmdline", cmdline));
    return e;
  }

  private List<Map<String, Object>> feed(Detector d, Map<String, Object> event) {
    return d.alertsFor(event, () -> "a" + ids.incrementAndGet());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> ancestors(Map<String, Object> alert) {
    return (List<Map<String, Object>>) ((Map<String, Object>) alert.get("process")).get("ancestors");
  }

  @Test
  void anAlertCarriesTheChainOfProcessesSeenBeforeItsOwnEvenWhenTheyExited() {
    Detector d = new AncestryEnricher(ON_NC, new RecentProcesses(100), ProcessLineage.NONE);
    feed(d, exec(3100, 3050, 9000, "containerd-shim", "containerd-shim -namespace moby"));
    feed(d, exec(3120, 3100, 9010, "sh", "sh -c nc -l -p 4444"));
    Map<String, Object> exit = new LinkedHashMap<>();
    exit.put("type", "exit");
    exit.put("exit", Map.of("pid", 3120L));
    feed(d, exit);
    List<Map<String, Object>> alerts = feed(d, exec(3130, 3120, 9020, "nc", "nc -l -p 4444"));
    assertEquals(List.of(
        Map.of("pid", 3120L, "name", "sh", "exe", "/bin/sh", "cmdline", "sh -c nc -l -p 4444"),
        Map.of("pid", 3100L, "name", "containerd-shim", "exe", "/bin/containerd-shim",
            "cmdline", "containerd-shim -namespace moby")),
        ancestors(alerts.get(0)), "3050 was never seen: the chain ends there");
  }

  @Test
  void whatWasNeverSeenIsAskedOfTheFallbackAndRememberedFromThen() {
    AtomicInteger asked = new AtomicInteger();
    ProcessLineage proc = (pid, startedBy) -> {
      asked.incrementAndGet();
      return pid == 77 ? Optional.of(new Ancestor(77, 0, 5, "bash", "/bin/bash", "bash", false)) : Optional.empty();
    };
    RecentProcesses recent = new RecentProcesses(100);
    Detector d = new AncestryEnricher(ON_NC, recent, proc);
    assertEquals("bash", ancestors(feed(d, exec(80, 77, 50, "nc", "nc")).get(0)).get(0).get("name"));
    assertEquals(1, asked.get());
    assertEquals("bash", recent.process(77, 50).orElseThrow().name(), "kept for when it has exited");
  }

  @Test
  void aForkGivesThePidToANewProcessSoTheOldOneIsNotItsAncestor() {
    Detector d = new AncestryEnricher(ON_NC, new RecentProcesses(100), ProcessLineage.NONE);
    feed(d, exec(500, 1, 10, "old", "old"));
    Map<String, Object> fork = new LinkedHashMap<>();
    fork.put("type", "fork");
    fork.put("fork", Map.of("parent_pid", 1L, "child_pid", 500L));
    feed(d, fork);
    List<Map<String, Object>> alerts = feed(d, exec(501, 500, 40, "nc", "nc"));
    assertFalse(((Map<?, ?>) alerts.get(0).get("process")).containsKey("ancestors"), "no known ancestor: no field");
  }

  @Test
  void alertsWithoutAProcessPassUntouched() {
    Map<String, Object> alert = Map.of("kind", "alert", "rule", "r");
    Detector containerRule = (event, alertIds) -> List.of(alert);
    Detector d = new AncestryEnricher(containerRule, new RecentProcesses(10), ProcessLineage.NONE);
    assertSame(alert, feed(d, Map.of("type", "container_start")).get(0));
  }
}
