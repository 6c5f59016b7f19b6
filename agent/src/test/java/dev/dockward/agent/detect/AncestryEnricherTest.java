package dev.dockward.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.dockward.agent.pipeline.Detector;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.ProcessInfo;
import dev.dockward.host.HostFs;
import dev.dockward.proc.Ancestor;
import dev.dockward.proc.ProcReader;
import dev.dockward.proc.ProcessLineage;
import dev.dockward.proc.RecentProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AncestryEnricherTest {
  private final AtomicInteger ids = new AtomicInteger();

  /**
   * Raises one alert, carrying the event's process, on events whose process is named {@code nc}.
   */
  private static final Detector ON_NC =
      (event, alertIds) -> {
        if (!(event.get("process") instanceof Map<?, ?> p) || !"nc".equals(p.get("name"))) {
          return List.of();
        }
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("kind", "alert");
        alert.put("rule", "r");
        alert.put(
            "process", Map.of("pid", p.get("pid"), "ppid", p.get("ppid"), "name", p.get("name")));
        return List.of(alert);
      };

  private static Map<String, Object> exec(
      long pid, long ppid, long start, String name, String cmdline) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("kind", "event");
    e.put("type", "exec");
    e.put(
        "process",
        Map.of(
            "pid",
            pid,
            "ppid",
            ppid,
            "start_time",
            start,
            "name",
            name,
            "exe",
            "/bin/" + name,
            "cmdline",
            cmdline));
    return e;
  }

  private List<Map<String, Object>> feed(Detector d, Map<String, Object> event) {
    return d.alertsFor(event, () -> "a" + ids.incrementAndGet());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> ancestors(Map<String, Object> alert) {
    return (List<Map<String, Object>>)
        ((Map<String, Object>) alert.get("process")).get("ancestors");
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
    assertEquals(
        List.of(
            Map.of(
                "pid",
                3120L,
                "name",
                "sh",
                "exe",
                "/bin/sh",
                "program",
                "sh",
                "cmdline",
                "sh -c nc -l -p 4444"),
            Map.of(
                "pid",
                3100L,
                "name",
                "containerd-shim",
                "exe",
                "/bin/containerd-shim",
                "program",
                "containerd-shim",
                "cmdline",
                "containerd-shim -namespace moby")),
        ancestors(alerts.get(0)),
        "3050 was never seen: the chain ends there");
  }

  @Test
  void whatWasNeverSeenIsAskedOfTheFallbackAndRememberedFromThen() {
    AtomicInteger asked = new AtomicInteger();
    ProcessLineage proc =
        (pid, startedBy) -> {
          asked.incrementAndGet();
          return pid == 77
              ? Optional.of(new Ancestor(77, 0, 5, "bash", "/bin/bash", "bash", false))
              : Optional.empty();
        };
    RecentProcesses recent = new RecentProcesses(100);
    Detector d = new AncestryEnricher(ON_NC, recent, proc);
    assertEquals(
        "bash", ancestors(feed(d, exec(80, 77, 50, "nc", "nc")).get(0)).get(0).get("name"));
    assertEquals(1, asked.get());
    assertEquals(
        "bash", recent.process(77, 50).orElseThrow().name(), "kept for when it has exited");
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
    assertFalse(
        ((Map<?, ?>) alerts.get(0).get("process")).containsKey("ancestors"),
        "no known ancestor: no field");
  }

  /**
   * A chain recorded from a container on this machine (resources/ancestry/busybox-chain, see its
   * README): {@code nc} under {@code /bin/busybox sh -c …} (comm {@code busybox}) under the
   * container's {@code sh} under {@code containerd-shim-runc-v2}. Whether an ancestor is read from
   * /proc or remembered from its exec event, the alert gives it the {@code program} its own exec
   * event gives it.
   */
  @Test
  void anAlertsAncestorsCarryTheProgramTheirExecEventsCarry(@TempDir Path root) throws IOException {
    ProcReader reader = new ProcReader(recordedChain(root));
    ProcessInfo nc = reader.read(25656).orElseThrow();
    Map<String, Object> ncExec = execOf(nc);

    Detector fromProc =
        new AncestryEnricher(ON_NC, new RecentProcesses(100), ProcessLineage.live(reader));
    List<Map<String, Object>> read = ancestors(feed(fromProc, ncExec).get(0));
    assertEquals(
        List.of(25655L, 25600L, 25577L),
        read.stream().map(a -> a.get("pid")).toList(),
        "pid 1 of the host was not recorded: the chain ends at the shim");
    assertEquals(
        List.of("busybox", "sh", "containerd-shim"),
        read.stream().map(a -> a.get("name")).toList());
    assertEquals(
        List.of("sh", "sh", "containerd-shim-runc-v2"),
        read.stream().map(a -> a.get("program")).toList(),
        "the applet busybox runs, and the shim's own name rather than its cut comm");

    Detector fromEvents =
        new AncestryEnricher(ON_NC, new RecentProcesses(100), ProcessLineage.NONE);
    List<Object> eventPrograms = new ArrayList<>();
    for (int pid : new int[] {25577, 25600, 25655}) {
      Map<String, Object> exec = execOf(reader.read(pid).orElseThrow());
      eventPrograms.add(0, ((Map<?, ?>) exec.get("process")).get("program"));
      feed(fromEvents, exec);
    }
    List<Map<String, Object>> remembered = ancestors(feed(fromEvents, ncExec).get(0));
    assertEquals(
        eventPrograms,
        remembered.stream().map(a -> a.get("program")).toList(),
        "the program each ancestor's own exec event carried");
    assertEquals(read, remembered);
  }

  /**
   * The recorded /proc files under {@code root/proc}, each pid's exe link made again from its
   * links.txt.
   */
  private static HostFs recordedChain(Path root) throws IOException {
    for (String pid : List.of("25577", "25600", "25655", "25656")) {
      Path dir = Files.createDirectories(root.resolve("proc").resolve(pid));
      for (String file : List.of("stat", "status", "cgroup", "cmdline", "links.txt")) {
        try (InputStream in =
            AncestryEnricherTest.class.getResourceAsStream(
                "/ancestry/busybox-chain/" + pid + "/" + file)) {
          Files.write(dir.resolve(file), in.readAllBytes());
        }
      }
      for (String line : Files.readAllLines(dir.resolve("links.txt"))) {
        String[] link = line.split(" ", 2);
        Files.createSymbolicLink(dir.resolve(link[0]), Path.of(link[1]));
      }
    }
    return HostFs.rootedAt(root);
  }

  /**
   * The exec event of a process as the agent journals it (its process object as the event side
   * makes it).
   */
  private static Map<String, Object> execOf(ProcessInfo p) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("kind", "event");
    e.put("type", "exec");
    e.put("process", EventDocuments.process(p));
    return e;
  }

  @Test
  void alertsWithoutAProcessPassUntouched() {
    Map<String, Object> alert = Map.of("kind", "alert", "rule", "r");
    Detector containerRule = (event, alertIds) -> List.of(alert);
    Detector d = new AncestryEnricher(containerRule, new RecentProcesses(10), ProcessLineage.NONE);
    assertSame(alert, feed(d, Map.of("type", "container_start")).get(0));
  }
}
