package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.Agent;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.ship.OutputFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real-time process events from netlink, end to end on the real kernel and dockerd: an escape
 * performed for real, processes that live a few milliseconds, and a busy benign container.
 */
@Tag("integration")
class NetlinkEscapeIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final Set<String> ESCAPE_RULES =
      Set.of(
          "container_escape_namespace",
          "ptrace_in_container",
          "container_privilege_escalation",
          "kernel_module_loaded_from_container",
          "docker_socket_access_from_container",
          "cgroup_mount_in_container",
          "cgroup_release_agent_write",
          "core_pattern_modified",
          "core_pattern_pipe_set",
          "sensitive_file_read_in_container",
          "binary_not_in_image",
          "exec_from_temp_dir_in_container",
          "shell_with_network_socket",
          "netcat_program_exec_in_container");

  /** These tests need no network; without one they also do not depend on docker0 being there. */
  private static final List<String> NO_NETWORK = List.of("--network=none");

  @RegisterExtension final AgentUnderTest harness = new AgentUnderTest();
  private final DockerCli docker = harness.docker();
  private final LineCapture stdout = harness.stdout();
  private Agent agent;

  /** A host process the agent saw through netlink: its namespaces are the host's. */
  private long markerPid;

  private final List<Map<String, Object>> parsed = new ArrayList<>();

  @TempDir Path journalDir;

  /** The agent with netlink on, the /proc rescan at its default pace, events printed too. */
  private void startAgent() throws Exception {
    AgentConfig config =
        AgentUnderTest.config(journalDir)
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(true, Duration.ofSeconds(1)),
                    null,
                    new AgentConfig.Cgroup(false, null),
                    new AgentConfig.Netlink(true)))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null));
    agent = harness.start(config, Records.bundledRules());
    // Wait until netlink delivers: an exec on the host made after the start must come back.
    Process marker = new ProcessBuilder("/bin/sh", "-c", "exec /bin/sleep 0.2").start();
    markerPid = marker.pid();
    marker.waitFor();
    stdout.await(
        l -> isEvent(parse(l), "exec", "netlink", r -> markerPid == longOf(process(r).get("pid"))),
        DEADLINE,
        "netlink exec event of the marker process " + markerPid);
  }

  /** A nested object, or empty when the record has none (exit events of unread processes). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map ? (Map<String, Object>) o : Map.of();
  }

  private static Map<String, Object> process(Map<String, Object> record) {
    return map(record.get("process"));
  }

  private static String containerId(Map<String, Object> record) {
    return String.valueOf(map(record.get("container")).getOrDefault("id", ""));
  }

  private static long longOf(Object o) {
    return o instanceof Number n ? n.longValue() : -1;
  }

  private static boolean isEvent(
      Map<String, Object> r, String type, String source, Predicate<Map<String, Object>> and) {
    return "event".equals(r.get("kind"))
        && type.equals(r.get("type"))
        && source.equals(r.get("source"))
        && and.test(r);
  }

  /**
   * Every record printed so far, each line parsed once (the busy test prints tens of thousands).
   */
  private synchronized List<Map<String, Object>> records() {
    List<String> lines = stdout.lines();
    for (int i = parsed.size(); i < lines.size(); i++) {
      parsed.add(parse(lines.get(i)));
    }
    return List.copyOf(parsed);
  }

  /** Polls the records until {@code done} holds, or fails at the deadline. */
  private void awaitRecords(Predicate<List<Map<String, Object>>> done, String what) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!done.test(records())) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "not within " + DEADLINE + ": " + what + " (" + parsed.size() + " records)");
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  private static long count(
      List<Map<String, Object>> records, Predicate<Map<String, Object>> which) {
    return records.stream().filter(which).count();
  }

  /** Enrichment names a container once the Docker source has it: wait for its start event. */
  private void awaitContainerKnown(String id) {
    awaitRecords(
        all ->
            all.stream()
                .anyMatch(
                    r -> isEvent(r, "container_start", "docker", x -> id.equals(containerId(x)))),
        "container_start of " + id);
  }

  /** Whether an alert's process is the nsenter of the test's escape or one it started. */
  private static boolean ofTheChain(Map<String, Object> proc) {
    if (String.valueOf(proc.get("cmdline")).contains("sleep 5")) {
      return true;
    }
    Map<String, Object> parent =
        proc.get("ancestors") instanceof List<?> list && !list.isEmpty()
            ? map(list.get(0))
            : Map.of();
    return "nsenter".equals(parent.get("name"))
        && String.valueOf(parent.get("cmdline")).contains("sh -c sleep 5");
  }

  /** What a failure message needs: the records naming the container, each cut short. */
  private List<String> ofContainer(String id) {
    return records().stream()
        .filter(r -> id.equals(containerId(r)))
        .map(
            r ->
                r.get("kind")
                    + " "
                    + r.getOrDefault("type", r.get("rule"))
                    + " "
                    + r.get("source")
                    + " "
                    + process(r).get("pid")
                    + "<"
                    + process(r).get("ppid")
                    + " "
                    + process(r).get("name")
                    + " ["
                    + process(r).get("cmdline")
                    + "] host_ns="
                    + process(r).get("host_ns"))
        .toList();
  }

  @Test
  void nsenterIntoTheHostFromAContainerRaisesContainerEscapeNamespace() throws Exception {
    startAgent();
    String name = DockerCli.uniqueName("escaper");
    String id = docker.runDetached(name, DockerCli.ALMOST_PRIVILEGED, "sleep", "300");
    awaitContainerKnown(id);
    int dockerd = DockerCli.dockerdPid();

    docker.docker(
        "exec",
        id,
        "nsenter",
        "-t",
        Integer.toString(dockerd),
        "-m",
        "-u",
        "-i",
        "-n",
        "-p",
        "sh",
        "-c",
        "sleep 5");

    // The first process of the chain seen in the host's namespaces raises the alert (nsenter once
    // it has entered them, the sh it runs, or the sleep); noise control holds back the repeats.
    // The first alert of the rule for this container must be for that chain (one for another
    // process would be a false positive): nsenter itself, or a process it started. A process of
    // the chain read while it executes again (sh replacing itself by sleep) has an empty command
    // line for that instant, so the chain is told by the process's own command line or by its
    // nsenter ancestor's.
    String line;
    try {
      line =
          stdout.await(
              l -> {
                Map<String, Object> r = parse(l);
                return "alert".equals(r.get("kind"))
                    && "container_escape_namespace".equals(r.get("rule"))
                    && id.equals(containerId(r));
              },
              DEADLINE,
              "container_escape_namespace in " + name);
    } catch (AssertionError e) {
      throw new AssertionError(
          "no container_escape_namespace alert in "
              + name
              + " within "
              + DEADLINE
              + "; the container's records: "
              + ofContainer(id),
          e);
    }
    assertTrue(
        ofTheChain(process(parse(line))),
        "the alert is for the nsenter'd chain: "
            + line
            + "; the container's records: "
            + ofContainer(id));
    Map<String, Object> alert = parse(line);
    System.err.println("escape alert: " + line);
    assertEquals("critical", alert.get("severity"));
    assertTrue(((List<?>) alert.get("tags")).contains("mitre.T1611"));
    Map<String, Object> container = map(alert.get("container"));
    assertEquals(name, container.get("name"));
    assertEquals(DockerCli.IMAGE, container.get("image"));
    Map<String, Object> proc = process(alert);
    assertTrue(longOf(proc.get("pid")) > 0 && longOf(proc.get("ppid")) > 0, "pids filled: " + line);
    assertTrue(ofTheChain(proc), line);
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertTrue(
        String.valueOf(evidence.get("cgroup")).contains(id),
        "it keeps the container's cgroup: " + line);
    // pid is the host's too, but granted by --pid=host; mount and network are not. nsenter enters
    // the network namespace before the mount one: read in between, it has escaped by net only.
    List<?> escaped = (List<?>) evidence.get("escaped");
    assertTrue(escaped.equals(List.of("mnt", "net")) || escaped.equals(List.of("net")), line);
    Map<String, Object> ownNs = map(evidence.get("namespaces"));
    Map<String, Object> self =
        map(
            process(
                    records().stream()
                        .filter(
                            r ->
                                isEvent(
                                    r,
                                    "exec",
                                    "netlink",
                                    x -> markerPid == longOf(process(x).get("pid"))))
                        .findFirst()
                        .orElseThrow())
                .get("namespaces"));
    assertEquals(self.get("net"), ownNs.get("net"), "the evidence's net inode is the host's");
    if (escaped.contains("mnt")) {
      assertEquals(self.get("mnt"), ownNs.get("mnt"), "the evidence's mnt inode is the host's");
    }
    assertTrue(alert.get("summary").toString().contains(name), line);
  }

  @Test
  void processesLivingAFewMillisecondsAreAttributedToTheirContainer() throws Exception {
    startAgent();
    String name = DockerCli.uniqueName("shortlived");
    // A program name no other process on the host has: busybox run under an unknown applet name
    // prints "applet not found" and exits at once, a process of about a millisecond.
    String program = "dw" + name.substring(name.length() - 8);
    String path = "/tmp/" + program;
    String id =
        docker.runDetached(
            name,
            NO_NETWORK,
            "sh",
            "-c",
            "/bin/busybox ln -s /bin/busybox " + path + "; sleep 300");
    awaitContainerKnown(id);
    docker.docker("exec", id, "sh", "-c", "while [ ! -e " + path + " ]; do sleep 0.1; done");
    int runs = 200;
    // sh forks one per round, so each has a parent in the container
    docker.docker(
        "exec",
        id,
        "sh",
        "-c",
        "i=0; while [ $i -lt "
            + runs
            + " ]; do "
            + path
            + " 2>/dev/null; i=$((i+1)); done; exit 0");
    // and one started by runc directly: its parent is on the host, the process is the container's
    Process direct =
        new ProcessBuilder(DockerCli.DOCKER, "exec", id, path).redirectErrorStream(true).start();
    direct.getInputStream().readAllBytes();
    assertEquals(127, direct.waitFor(), "busybox ran and found no applet " + program);

    Predicate<Map<String, Object>> ours =
        r ->
            isEvent(
                r,
                "exec",
                "netlink",
                x ->
                    id.equals(containerId(x))
                        && (program.equals(process(x).get("name"))
                            || "".equals(process(x).get("name"))));
    // The loop's ones: read, or gone before read and given their parent sh's container. The
    // direct one is the container's if it was read, else counted as unattributed (its parent is
    // runc on the host): never the host's.
    awaitRecords(all -> count(all, ours) >= runs, runs + " execs of " + program + " in " + name);

    List<Map<String, Object>> all = records();
    List<Map<String, Object>> named =
        all.stream()
            .filter(r -> isEvent(r, "exec", "netlink", x -> program.equals(process(x).get("name"))))
            .toList();
    assertEquals(
        List.of(),
        named.stream().filter(r -> !id.equals(containerId(r))).toList(),
        "no exec of " + program + " is given another container or the host");
    long vanished = all.stream().filter(ours).count() - named.size();
    List<Long> lifetimes =
        all.stream()
            .filter(r -> isEvent(r, "exit", "netlink", x -> program.equals(process(x).get("name"))))
            .map(r -> longOf(map(r.get("exit")).get("lifetime_ms")))
            .sorted()
            .toList();
    assertFalse(lifetimes.isEmpty(), "their exits are reported too");
    System.err.printf(
        "short-lived: %d execs of %s read in the container, %d gone before read (attributed to"
            + " the parent's container), lifetime ms p50 %d max %d over %d exits%n",
        named.size(),
        program,
        vanished,
        lifetimes.get(lifetimes.size() / 2),
        lifetimes.get(lifetimes.size() - 1),
        lifetimes.size());
  }

  @Test
  void aBusyBenignContainerRaisesNoEscapeRule() throws Exception {
    startAgent();
    String name = DockerCli.uniqueName("busy");
    int rounds = 1000;
    long t0 = System.nanoTime();
    String id =
        docker.runDetached(
            name,
            NO_NETWORK,
            "sh",
            "-c",
            // by path: busybox sh would run applets by name in-process or as /proc/self/exe ("exe")
            "i=0; while [ $i -lt "
                + rounds
                + " ]; do /bin/ls / >/dev/null; /bin/cat /etc/hostname >/dev/null;"
                + " /bin/sleep 0;"
                + " i=$((i+1)); done");
    long initPid = docker.initPid(id);
    String exit = docker.docker("wait", id);
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals("0", exit, "the loop ran to its end");

    Set<String> names = Set.of("ls", "cat", "sleep", "");
    try {
      awaitRecords(
          all ->
              count(
                      all,
                      r ->
                          isEvent(
                              r,
                              "exec",
                              "netlink",
                              x ->
                                  id.equals(containerId(x))
                                      && names.contains(String.valueOf(process(x).get("name")))))
                  >= 3L * rounds,
          (3 * rounds) + " exec events of ls, cat and sleep in " + name);
    } catch (AssertionError e) {
      Map<String, Long> breakdown =
          records().stream()
              .filter(r -> "exec".equals(r.get("type")))
              .collect(
                  Collectors.groupingBy(
                      r ->
                          r.get("source")
                              + "/"
                              + process(r).get("name")
                              + "/"
                              + (id.equals(containerId(r))
                                  ? "ours"
                                  : containerId(r).isEmpty() ? "host" : "other"),
                      Collectors.counting()));
      throw new AssertionError(
          e.getMessage() + "; exec events by source/name/container: " + breakdown, e);
    }
    // The loop's own exit comes after every exec it made; an alert follows its event in the
    // journal, so once this exit is printed every alert of the loop's processes is too.
    awaitRecords(
        all ->
            all.stream()
                .anyMatch(
                    r ->
                        isEvent(
                            r,
                            "exit",
                            "netlink",
                            x -> initPid == longOf(map(x.get("exit")).get("pid")))),
        "exit of the loop (pid " + initPid + ")");

    List<Map<String, Object>> all = records();
    List<String> escapeAlerts =
        all.stream()
            .filter(
                r ->
                    "alert".equals(r.get("kind"))
                        && ESCAPE_RULES.contains(String.valueOf(r.get("rule"))))
            .map(Object::toString)
            .collect(Collectors.toList());
    assertEquals(
        List.of(),
        escapeAlerts,
        "no escape or attacker rule fires anywhere while the busy container runs");
    long execs =
        all.stream()
            .filter(r -> isEvent(r, "exec", "netlink", x -> id.equals(containerId(x))))
            .count();
    long vanished =
        all.stream()
            .filter(
                r ->
                    isEvent(
                        r,
                        "exec",
                        "netlink",
                        x -> id.equals(containerId(x)) && "".equals(process(x).get("name"))))
            .count();
    long scanDuplicates =
        all.stream()
            .filter(
                r ->
                    isEvent(
                        r,
                        "exec",
                        "proc_scan",
                        x ->
                            id.equals(containerId(x))
                                && Set.of("ls", "cat")
                                    .contains(String.valueOf(process(x).get("name")))))
            .count();
    System.err.printf(
        "busy container: %d execs in %.1f s (%.0f/s), %d netlink exec events for it,"
            + " %d gone before read, %d also reported by the /proc scan%n",
        3 * rounds, seconds, 3 * rounds / seconds, execs, vanished, scanDuplicates);
  }
}
