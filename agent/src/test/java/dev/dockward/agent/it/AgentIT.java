package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.map;
import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.Agent;
import dev.dockward.agent.cli.DockwardCli;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalCursor;
import dev.dockward.agent.journal.JournalRecord;
import dev.dockward.agent.ship.OutputFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent end to end on the real dockerd: real containers, the real Chronicle journal, the stdout
 * sink captured. Each test starts its own agent on its own journal.
 */
@Tag("integration")
class AgentIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Set<String> CONFIG_RULES =
      Set.of(
          "privileged_container_started",
          "dangerous_capability_added",
          "docker_socket_mounted",
          "sensitive_host_mount",
          "host_namespace_shared");
  private static final List<String> ESCAPEE =
      List.of(
          "--cap-add",
          "SYS_ADMIN",
          "-v",
          "/var/run/docker.sock:/var/run/docker.sock",
          "--pid=host");

  @RegisterExtension final AgentUnderTest harness = new AgentUnderTest();
  private final DockerCli docker = harness.docker();
  private final LineCapture stdout = harness.stdout();
  private Agent agent;

  @TempDir Path journalDir;

  private void startAgent(boolean printEvents) throws Exception {
    AgentConfig config =
        AgentUnderTest.config(journalDir)
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(true, Duration.ofMillis(200)), null, null))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(
                        AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, printEvents),
                    null));
    agent = harness.start(config, Records.bundledRules());
  }

  private boolean isAlert(String line, String rule, String containerId) {
    Map<String, Object> r = parse(line);
    return "alert".equals(r.get("kind"))
        && rule.equals(r.get("rule"))
        && r.get("container") instanceof Map<?, ?> c
        && containerId.equals(c.get("id"));
  }

  /** Every record of the journal, in order, after the agent closed it. */
  private List<String> journalRecords() {
    agent.close();
    List<String> out = new ArrayList<>();
    try (ChronicleJournal j = ChronicleJournal.openForReading(journalDir);
        JournalCursor c = j.fromStart()) {
      Optional<JournalRecord> r;
      while ((r = c.next()).isPresent()) {
        out.add(r.get().json());
      }
    }
    return out;
  }

  @Test
  void escapeeContainerRaisesItsThreeAlertsOnStdoutAndInTheJournal() throws Exception {
    startAgent(false);
    String name = DockerCli.uniqueName("escapee");
    String id = docker.runDetached(name, ESCAPEE, "sleep", "300");

    List<String> alerts = new ArrayList<>();
    for (String rule :
        List.of("dangerous_capability_added", "docker_socket_mounted", "host_namespace_shared")) {
      String line =
          stdout.await(l -> isAlert(l, rule, id), DEADLINE, "alert " + rule + " for " + name);
      Map<String, Object> alert = parse(line);
      Map<String, Object> container = map(alert.get("container"));
      assertEquals(name, container.get("name"));
      assertEquals(DockerCli.IMAGE, container.get("image"));
      assertTrue(
          String.valueOf(alert.get("summary")).contains(name),
          "summary names the container: " + line);
      assertEquals(1, ((Number) alert.get("schema")).intValue());
      alerts.add(line);
    }

    List<String> journal = journalRecords();
    assertTrue(journal.containsAll(alerts), "every alert printed is journalled verbatim");
    Map<String, Object> first = parse(alerts.get(0));
    String eventId = String.valueOf(first.get("event_id"));
    List<Map<String, Object>> records = journal.stream().map(Records::parse).toList();
    int eventAt = -1;
    for (int i = 0; i < records.size(); i++) {
      if (eventId.equals(records.get(i).get("id"))) {
        eventAt = i;
      }
    }
    assertTrue(eventAt >= 0, "the alert's event " + eventId + " is in the journal");
    assertEquals("container_start", records.get(eventAt).get("type"));
    assertTrue(
        eventAt < journal.indexOf(alerts.get(0)), "the event is journalled before its alert");
  }

  @Test
  void plainContainerRaisesNoConfigurationRuleButDockerExecRaisesExecSession() throws Exception {
    startAgent(false);
    String name = DockerCli.uniqueName("plain");
    String id = docker.runDetached(name, List.of(), "sleep", "300");
    docker.docker("exec", id, "sh", "-c", "id");

    String exec =
        stdout.await(
            l -> isAlert(l, "container_exec_session", id), DEADLINE, "container_exec_session");
    assertTrue(
        parse(exec).toString().contains("sh -c id"),
        "the alert carries the exec'd command: " + exec);

    List<Map<String, Object>> records = journalRecords().stream().map(Records::parse).toList();
    assertTrue(
        records.stream()
            .anyMatch(
                r ->
                    "container_start".equals(r.get("type"))
                        && id.equals(map(r.get("container")).get("id"))),
        "the plain container's start was journalled and evaluated");
    List<Object> raised =
        records.stream()
            .filter(
                r -> "alert".equals(r.get("kind")) && id.equals(map(r.get("container")).get("id")))
            .map(r -> r.get("rule"))
            .toList();
    assertFalse(
        raised.stream().anyMatch(CONFIG_RULES::contains), "a plain container raised " + raised);
  }

  @Test
  void aShellAlertCarriesItsAncestryUpToTheContainersShim() throws Exception {
    startAgent(false);
    String name = DockerCli.uniqueName("ancestry");
    String id = docker.runDetached(name, List.of(), "sh", "-c", "while true; do sleep 1; done");

    String line =
        stdout.await(
            l -> isAlert(l, "shell_in_container", id), DEADLINE, "shell_in_container for " + name);
    Map<String, Object> process = map(parse(line).get("process"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> ancestors = (List<Map<String, Object>>) process.get("ancestors");
    assertTrue(
        ancestors != null && !ancestors.isEmpty(),
        "the alert names who started the shell: " + line);
    Map<String, Object> parent = ancestors.get(0);
    assertEquals(
        ((Number) process.get("ppid")).longValue(), ((Number) parent.get("pid")).longValue(), line);
    // Docker's runtime shim starts a container's first process and names the container it serves.
    assertEquals("containerd-shim", parent.get("name"), line);
    assertTrue(
        String.valueOf(parent.get("cmdline")).contains(id),
        "the shim's command line names the container: " + line);
    assertTrue(ancestors.size() <= 5, line);
    assertEquals(
        Records.bundledRules().ruleset(),
        parse(line).get("ruleset"),
        "the alert names the rule set");
  }

  @Test
  void aContainerThatIsGoneRightAfterItsShellStillNamesItselfInTheAlert() throws Exception {
    startAgent(false);
    String name = DockerCli.uniqueName("fleeting");
    // Its shell is exec'd before the daemon reports the start, and --rm removes it a moment later.
    String id = docker.runDetached(name, List.of("--rm"), "sh", "-c", "sleep 1; exit 0");

    String line =
        stdout.await(
            l -> isAlert(l, "shell_in_container", id), DEADLINE, "shell_in_container for " + name);
    Map<String, Object> container = map(parse(line).get("container"));
    assertEquals(name, container.get("name"), line);
    assertEquals(DockerCli.IMAGE, container.get("image"), line);
    assertTrue(
        String.valueOf(container.get("image_id")).startsWith("sha256:"),
        "the image's digest: " + line);
    assertTrue(
        container.get("labels") instanceof Map<?, ?> labels && !labels.isEmpty(),
        "the labels: " + line);
  }

  @Test
  void agentStartedCarriesTheHostFactsReadThroughOshi() throws Exception {
    startAgent(true);
    String line =
        stdout.await(l -> "agent_started".equals(parse(l).get("type")), DEADLINE, "agent_started");
    Map<String, Object> facts = map(parse(line).get("host_facts"));
    String release = java.nio.file.Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
    assertEquals(
        release, facts.get("kernel_release"), "OSHI's kernel release is the kernel's own: " + line);
    assertTrue(
        facts.get("arch") instanceof String arch && !arch.isBlank(), "an architecture: " + line);
    assertTrue(((Number) facts.get("cpu_logical")).longValue() >= 1, line);
    assertTrue(((Number) facts.get("memory_bytes")).longValue() > 0, line);
    assertFalse(facts.containsKey("unreadable"), "OSHI read every fact on this host: " + line);
    System.out.println("host facts read in " + facts.get("read_ms") + " ms: " + facts);

    // Agent.start returned after agent_started, so the facts are read: alerts carry host.os.
    String name = DockerCli.uniqueName("hostos");
    String id = docker.runDetached(name, ESCAPEE, "sleep", "300");
    String alert =
        stdout.await(l -> isAlert(l, "docker_socket_mounted", id), DEADLINE, "alert for " + name);
    Map<String, Object> os = map(map(parse(alert).get("host")).get("os"));
    assertEquals(release, os.get("kernel"), alert);
    assertEquals(facts.get("os_family"), os.get("name"), alert);
  }

  @Test
  void containerStartedBeforeTheAgentIsSeen() throws Exception {
    String name = DockerCli.uniqueName("early");
    String id = docker.runDetached(name, ESCAPEE, "sleep", "300");
    startAgent(false);

    String line =
        stdout.await(
            l -> isAlert(l, "docker_socket_mounted", id),
            DEADLINE,
            "alert for the early container");
    String eventId = String.valueOf(parse(line).get("event_id"));
    Map<String, Object> start =
        journalRecords().stream()
            .map(Records::parse)
            .filter(r -> eventId.equals(r.get("id")))
            .findFirst()
            .orElseThrow();
    assertEquals(Boolean.TRUE, start.get("already_running"));
  }

  @Test
  void hostileProcessNameAndArgumentsComeOutAsValidJsonWithTheirBytesKept() throws Exception {
    String name = DockerCli.uniqueName("hostile");
    // The shell renames itself (comm) to bytes with a newline, a quote and 0xff, and carries the
    // same kind of bytes in its arguments.
    String id =
        docker.runDetached(
            name,
            List.of(),
            "sh",
            "-c",
            "printf 'sh\\nb\"c\\377' > /proc/$$/comm; while true; do sleep 1; done",
            "arg\"one\ntwo");
    long pid = docker.initPid(id);
    // The scan reads a process once, when it first sees it: start the agent after the rename.
    awaitComm(pid, "sh\nb\"c");
    startAgent(true);

    String line =
        stdout.await(
            l -> {
              Map<String, Object> r = parse(l);
              return "exec".equals(r.get("type"))
                  && r.get("process") instanceof Map<?, ?> p
                  && ((Number) p.get("pid")).longValue() == pid
                  && String.valueOf(p.get("name")).startsWith("sh\n");
            },
            DEADLINE,
            "exec event of the renamed shell (pid " + pid + ")");
    Map<String, Object> process = map(parse(line).get("process"));
    assertEquals(
        "sh\nb\"c\\xff",
        process.get("name"),
        "newline and quote intact, the 0xff byte kept as \\xff");
    assertTrue(String.valueOf(process.get("cmdline")).contains("arg\"one\ntwo"), line);
    assertFalse(line.contains("\n"), "one record stays one line");
    assertEquals(id, map(parse(line).get("container")).get("id"));
    assertTrue(journalRecords().contains(line), "the journal holds the same bytes");
  }

  private static void awaitComm(long pid, String prefix) throws IOException {
    Path comm = Path.of("/proc", Long.toString(pid), "comm");
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      if (new String(
              java.nio.file.Files.readAllBytes(comm), java.nio.charset.StandardCharsets.ISO_8859_1)
          .startsWith(prefix)) {
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    throw new AssertionError("process " + pid + " did not rename itself");
  }

  @Test
  void metricsCountWhatTheAgentDidAndHealthAnswers() throws Exception {
    startAgent(false);
    String name = DockerCli.uniqueName("counted");
    String id = docker.runDetached(name, ESCAPEE, "sleep", "300");
    stdout.await(l -> isAlert(l, "docker_socket_mounted", id), DEADLINE, "the alert to count");

    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + agent.metricsPort();
    java.net.http.HttpResponse<String> metrics =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, metrics.statusCode());
    String body = metrics.body();
    assertTrue(
        body.lines()
            .anyMatch(l -> l.startsWith("dockward_alerts_total{rule=\"docker_socket_mounted\"}")),
        body);
    assertTrue(
        body.lines()
            .anyMatch(
                l ->
                    l.startsWith(
                        "dockward_events_total{source=\"docker\",type=\"container_start\"}")),
        body);
    assertTrue(
        body.lines()
            .anyMatch(
                l -> l.startsWith("dockward_events_total{source=\"proc_scan\",type=\"exec\"}")),
        body);
    assertTrue(
        body.contains("dockward_degradations_total{reason=\"vanished\",source=\"proc_scan\"}")
            || body.contains(
                "dockward_degradations_total{source=\"proc_scan\",reason=\"vanished\"}"),
        body);
    assertTrue(
        body.lines().anyMatch(l -> l.startsWith("dockward_journal_bytes ") && !l.endsWith(" 0.0")),
        body);
    assertTrue(
        body.lines()
            .anyMatch(l -> l.startsWith("dockward_source_pass_seconds{source=\"proc_scan\"}")),
        body);
    assertTrue(
        body.lines()
            .anyMatch(
                l -> l.startsWith("dockward_detection_seconds_total ") && !l.endsWith(" 0.0")),
        body);
    assertTrue(
        body.lines().anyMatch(l -> l.startsWith("dockward_ship_in_flight{sink=\"stdout\"}")), body);
    assertTrue(
        body.lines()
            .anyMatch(
                l ->
                    l.startsWith(
                        "dockward_container_enrichment_fallbacks_total{result=\"unresolved\"}")),
        body);
    assertTrue(body.lines().anyMatch(l -> l.startsWith("dockward_journal_syncs_total ")), body);
    assertTrue(
        body.lines().anyMatch(l -> l.equals("dockward_journal_overflow_records_total 0.0")), body);
    assertTrue(
        body.lines()
            .anyMatch(l -> l.startsWith("dockward_build_info{version=\"") && l.endsWith(" 1.0")),
        body);
    assertTrue(
        body.lines().anyMatch(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\"}")), body);
    assertTrue(body.lines().anyMatch(l -> l.startsWith("process_cpu_seconds_total ")), body);
    assertTrue(
        body.lines().anyMatch(l -> l.startsWith("dockward_ship_lag_records{sink=\"stdout\"}")),
        body);
    assertTrue(
        body.lines().anyMatch(l -> l.equals("dockward_source_up{source=\"proc_scan\"} 1.0")), body);
    for (String path : List.of("/health/live", "/health/ready")) {
      assertEquals(
          200,
          http.send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path)).build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .statusCode(),
          path);
    }
  }

  @Test
  void replayPrintsTheSameRecordsAsTheJournalHolds() throws Exception {
    startAgent(false);
    String name = DockerCli.uniqueName("replayed");
    String id = docker.runDetached(name, ESCAPEE, "sleep", "300");
    String alert =
        stdout.await(l -> isAlert(l, "docker_socket_mounted", id), DEADLINE, "alert to replay");
    List<String> journal = journalRecords();

    StringWriter all = new StringWriter();
    int code =
        DockwardCli.commandLine()
            .setOut(new PrintWriter(all))
            .execute("replay", "--journal", journalDir.toString());
    assertEquals(0, code);
    assertEquals(journal, all.toString().lines().toList());

    StringWriter alerts = new StringWriter();
    DockwardCli.commandLine()
        .setOut(new PrintWriter(alerts))
        .execute(
            "replay", "--journal", journalDir.toString(), "--kind", "alerts", "--container", name);
    List<String> replayed = alerts.toString().lines().toList();
    assertTrue(replayed.contains(alert), "the printed alert is replayed verbatim");
    assertTrue(
        replayed.stream().allMatch(l -> isAlert(l, String.valueOf(parse(l).get("rule")), id)),
        "--kind alerts --container keeps only this container's alerts");
  }
}
