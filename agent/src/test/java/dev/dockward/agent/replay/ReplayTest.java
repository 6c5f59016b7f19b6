package dev.dockward.agent.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.cli.DockwardCli;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.event.Timestamps;
import dev.dockward.rules.Severity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal with known records over three hours (each appended 100 ms after its event time, in the
 * hourly cycle of that time), and the replays a responder would ask for.
 */
class ReplayTest {
  private static final Instant T0 = Instant.parse("2026-11-20T01:00:00Z");
  private static final String WEB = "a1".repeat(32);
  private static final String DB = "b2".repeat(32);
  private static final String PREFIX = "0123456789ab";

  @TempDir Path dir;

  private final ObjectMapper json = new ObjectMapper();
  private final List<Map<String, Object>> written = new ArrayList<>();
  private long seq;

  private Map<String, Object> record(String kind, Instant time, String container, String name) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("schema", 1L);
    r.put("kind", kind);
    r.put("id", String.format("%s-%016x", PREFIX, ++seq));
    r.put("time", Timestamps.format(time));
    r.put("host", Map.of("name", "h", "id", PREFIX + "cdef0123456789abcdef"));
    if (container != null) {
      r.put("container", Map.of("id", container, "name", name, "image", "img", "labels", Map.of()));
    }
    return r;
  }

  private Map<String, Object> event(String type, Instant time, String container, String name) {
    Map<String, Object> r = record("event", time, container, name);
    r.put("type", type);
    r.put("source", "test");
    return r;
  }

  private Map<String, Object> sample(
      Instant time, String container, String name, double memFraction) {
    Map<String, Object> r = event("resource_sample", time, container, name);
    r.put("res", Map.of("cgroup_version", 1L, "mem_fraction", memFraction));
    return r;
  }

  private Map<String, Object> alert(
      String rule, String severity, Instant time, String container, String name) {
    Map<String, Object> r = record("alert", time, container, name);
    r.put("rule", rule);
    r.put("severity", severity);
    r.put("tags", List.of());
    r.put("summary", rule);
    r.put("evidence", Map.of());
    r.put("event_id", PREFIX + "-0000000000000001");
    return r;
  }

  /**
   * 01:00–04:00: an event every minute alternating web/db, a few alerts, and memory samples at
   * 03:30:01–16.
   */
  @BeforeEach
  void writeJournal() throws Exception {
    SetTimeProvider clock = new SetTimeProvider(T0);
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "hourly", clock)) {
      for (int minute = 0; minute < 180; minute++) {
        Instant t = T0.plus(Duration.ofMinutes(minute));
        boolean web = minute % 2 == 0;
        add(
            j,
            clock,
            event(
                minute % 10 == 0 ? "container_start" : "exec",
                t,
                web ? WEB : DB,
                web ? "web" : "db"));
        if (minute % 30 == 5) {
          add(j, clock, alert("shell_in_container", "medium", t, WEB, "web"));
        }
        if (minute == 125) {
          add(j, clock, alert("docker_socket_mounted", "critical", t, DB, "db"));
        }
        if (minute == 150) {
          for (int s = 1; s <= 16; s++) {
            add(j, clock, sample(t.plusSeconds(s), WEB, "web", 0.97));
            add(j, clock, sample(t.plusSeconds(s), DB, "db", s <= 5 ? 0.97 : 0.10));
          }
        }
      }
    }
  }

  private void add(ChronicleJournal j, SetTimeProvider clock, Map<String, Object> r)
      throws Exception {
    clock.currentTimeMillis(
        Instant.parse(String.valueOf(r.get("time"))).plusMillis(100).toEpochMilli());
    j.append(json.writeValueAsString(r));
    written.add(r);
  }

  private List<Object> ids(ReplayQuery q) {
    List<Object> out = new ArrayList<>();
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir)) {
      new Replayer(j).replay(q, r -> out.add(r.map().get("id")), false, () -> true);
    }
    return out;
  }

  private List<Object> expected(java.util.function.Predicate<Map<String, Object>> p) {
    return written.stream().filter(p).map(r -> r.get("id")).toList();
  }

  private static Instant time(Map<String, Object> r) {
    return Instant.parse(String.valueOf(r.get("time")));
  }

  @Test
  void eachFilterReturnsExactlyTheExpectedRecords() {
    Instant from = T0.plus(Duration.ofMinutes(70));
    Instant to = T0.plus(Duration.ofMinutes(85));
    ReplayQuery all = ReplayQuery.all();
    assertEquals(expected(r -> true), ids(all));
    assertEquals(
        expected(r -> !time(r).isBefore(from) && !time(r).isAfter(to)),
        ids(
            new ReplayQuery(
                Optional.of(from),
                Optional.of(to),
                all.kinds(),
                Optional.empty(),
                Set.of(),
                Optional.empty(),
                Optional.empty())));
    assertEquals(
        expected(r -> r.get("container") instanceof Map<?, ?> c && "db".equals(c.get("name"))),
        ids(
            new ReplayQuery(
                Optional.empty(),
                Optional.empty(),
                all.kinds(),
                Optional.of("db"),
                Set.of(),
                Optional.empty(),
                Optional.empty())));
    assertEquals(
        ids(
            new ReplayQuery(
                Optional.empty(),
                Optional.empty(),
                all.kinds(),
                Optional.of("db"),
                Set.of(),
                Optional.empty(),
                Optional.empty())),
        ids(
            new ReplayQuery(
                Optional.empty(),
                Optional.empty(),
                all.kinds(),
                Optional.of("b2b2b2"),
                Set.of(),
                Optional.empty(),
                Optional.empty())),
        "an id prefix selects the same container as its name");
    assertEquals(
        expected(r -> "alert".equals(r.get("kind"))),
        ids(
            new ReplayQuery(
                Optional.empty(),
                Optional.empty(),
                Set.of("alert"),
                Optional.empty(),
                Set.of(),
                Optional.empty(),
                Optional.empty())));
    assertEquals(
        expected(r -> "container_start".equals(r.get("type"))),
        ids(
            new ReplayQuery(
                Optional.empty(),
                Optional.empty(),
                Set.of("event"),
                Optional.empty(),
                Set.of("container_start"),
                Optional.empty(),
                Optional.empty())));
    assertEquals(
        expected(r -> "shell_in_container".equals(r.get("rule"))),
        ids(
            new ReplayQuery(
                Optional.empty(),
                Optional.empty(),
                Set.of("alert"),
                Optional.empty(),
                Set.of(),
                Optional.of("shell_in_container"),
                Optional.empty())));
    List<Object> critical =
        ids(
            new ReplayQuery(
                Optional.empty(),
                Optional.empty(),
                Set.of("alert"),
                Optional.empty(),
                Set.of(),
                Optional.empty(),
                Optional.of(Severity.HIGH)));
    assertEquals(expected(r -> "critical".equals(r.get("severity"))), critical);
    assertEquals(1, critical.size());
  }

  @Test
  void sinceSeeksToItsCycleWithoutReadingTheHoursBefore() {
    Instant from = T0.plus(Duration.ofMinutes(165));
    List<Object> selected = new ArrayList<>();
    Replayer.Counts counts;
    try (ChronicleJournal j = ChronicleJournal.openForReading(dir)) {
      counts =
          new Replayer(j)
              .replay(
                  new ReplayQuery(
                      Optional.of(from),
                      Optional.empty(),
                      Set.of("event", "alert"),
                      Optional.empty(),
                      Set.of(),
                      Optional.empty(),
                      Optional.empty()),
                  r -> selected.add(r.map().get("id")),
                  false,
                  () -> true);
    }
    assertEquals(expected(r -> !time(r).isBefore(from)), selected);
    long lastHour =
        written.stream().filter(r -> !time(r).isBefore(T0.plus(Duration.ofHours(2)))).count();
    assertEquals(
        lastHour,
        counts.read(),
        "only the last hourly cycle was read, not the " + written.size() + " records");
  }

  @Test
  void aNewRuleOverOldEventsRaisesExactlyTheExpectedAlertsIncludingAForRule() throws Exception {
    Path rules =
        Files.writeString(
            dir.resolveSibling(dir.getFileName() + "-rules.yaml"),
            """
        rules:
          - id: web_started
            condition: event.type == "container_start" && container.name == "web"
            severity: low
            output: "web started"
          - id: memory_held_high
            condition: event.type == "resource_sample" && res.mem_fraction >= 0.95
            for: 10s
            severity: high
            output: "memory of {container.name} high"
        """);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        DockwardCli.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute("replay", "--journal", dir.toString(), "--rules", rules.toString());
    assertEquals(0, code, err.toString());
    List<Map<String, Object>> alerts = new ArrayList<>();
    for (String line : out.toString().lines().toList()) {
      alerts.add(json.readValue(line, Map.class));
    }
    List<Object> webStarts =
        expected(
            r ->
                "container_start".equals(r.get("type"))
                    && ((Map<?, ?>) r.get("container")).get("name").equals("web"));
    assertEquals(18, webStarts.size());
    assertEquals(
        webStarts,
        alerts.stream()
            .filter(a -> "web_started".equals(a.get("rule")))
            .map(a -> a.get("event_id"))
            .toList(),
        "one alert per recorded web start, each naming its event");
    List<Map<String, Object>> memory =
        alerts.stream().filter(a -> "memory_held_high".equals(a.get("rule"))).toList();
    assertEquals(
        1,
        memory.size(),
        "web held high memory for 16 s and raises once; db only for 5 s: " + memory);
    assertEquals("web", ((Map<?, ?>) memory.get(0).get("container")).get("name"));
    assertEquals(19, alerts.size());
    assertTrue(
        alerts.stream()
            .allMatch(a -> String.valueOf(a.get("id")).matches("000000000000-[0-9a-f]{32}")),
        "replayed alerts carry no host prefix");
  }

  @Test
  void aRecordJournalledWithItsContainerIdAloneIsNamedFromTheJournalledSnapshot() throws Exception {
    String gone = "c3".repeat(32);
    Instant t = T0.plus(Duration.ofHours(3));
    // The shell was seen before the daemon reported its container; the container is long removed.
    Map<String, Object> exec = event("exec", t, null, null);
    exec.put(
        "container",
        Map.of("id", gone, "name", "", "image", "", "image_id", "", "labels", Map.of()));
    exec.put("process", Map.of("pid", 77L, "name", "sh", "cmdline", "sh -c id"));
    Map<String, Object> start = event("container_start", t.plusMillis(5), null, null);
    start.put(
        "container",
        Map.of(
            "id",
            gone,
            "name",
            "fleeting",
            "image",
            "busybox:1",
            "image_id",
            "sha256:9",
            "labels",
            Map.of("team", "x")));
    start.put("already_running", false);
    try (ChronicleJournal j =
        ChronicleJournal.openForWriting(dir, "hourly", new SetTimeProvider(t))) {
      j.append(json.writeValueAsString(exec));
      j.append(json.writeValueAsString(start));
    }
    StringWriter out = new StringWriter();
    int code =
        DockwardCli.commandLine()
            .setOut(new PrintWriter(out))
            .execute(
                "replay", "--journal", dir.toString(), "--container", "fleeting", "--type", "exec");
    assertEquals(0, code);
    List<String> lines = out.toString().lines().toList();
    assertEquals(1, lines.size(), out.toString());
    Map<?, ?> replayed = json.readValue(lines.get(0), Map.class);
    assertEquals(exec.get("id"), replayed.get("id"));
    Map<?, ?> container = (Map<?, ?>) replayed.get("container");
    assertEquals("fleeting", container.get("name"));
    assertEquals("busybox:1", container.get("image"));
    assertEquals("sha256:9", container.get("image_id"));
    assertEquals(Map.of("team", "x"), container.get("labels"));

    Path rules =
        Files.writeString(
            dir.resolveSibling(dir.getFileName() + "-names.yaml"),
            """
        rules:
          - id: shell_in_fleeting
            condition: event.type == "exec" && container.name == "fleeting"
            severity: low
            output: "shell in {container.name} ({container.image})"
        """);
    StringWriter rerun = new StringWriter();
    assertEquals(
        0,
        DockwardCli.commandLine()
            .setOut(new PrintWriter(rerun))
            .execute("replay", "--journal", dir.toString(), "--rules", rules.toString()));
    List<String> alerts = rerun.toString().lines().toList();
    assertEquals(1, alerts.size(), rerun.toString());
    assertEquals(
        "shell in fleeting (busybox:1)", json.readValue(alerts.get(0), Map.class).get("summary"));

    StringWriter plain = new StringWriter();
    DockwardCli.commandLine()
        .setOut(new PrintWriter(plain))
        .execute("replay", "--journal", dir.toString());
    assertTrue(
        plain.toString().contains(json.writeValueAsString(exec)),
        "a plain dump prints the journal verbatim");
  }

  @Test
  void followSeesARecordAppendedAfterItStarted() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Object> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Replayer.Counts> following =
        CompletableFuture.supplyAsync(
            () -> {
              try (ChronicleJournal j = ChronicleJournal.openForReading(dir)) {
                return new Replayer(j)
                    .replay(
                        new ReplayQuery(
                            Optional.empty(),
                            Optional.empty(),
                            Set.of("alert"),
                            Optional.empty(),
                            Set.of(),
                            Optional.of("late_rule"),
                            Optional.empty()),
                        r -> seen.add(r.map().get("id")),
                        true,
                        stop::get);
              }
            });
    Map<String, Object> late = alert("late_rule", "low", T0.plus(Duration.ofHours(3)), WEB, "web");
    try (ChronicleJournal j =
        ChronicleJournal.openForWriting(
            dir, "hourly", new SetTimeProvider(T0.plus(Duration.ofHours(3))))) {
      j.append(json.writeValueAsString(late));
    }
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (seen.isEmpty() && System.nanoTime() < end) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    stop.set(true);
    following.get(30, TimeUnit.SECONDS);
    assertEquals(List.of(late.get("id")), seen);
  }
}
