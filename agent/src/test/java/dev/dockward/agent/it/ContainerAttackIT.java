package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.Agent;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.ship.OutputFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an attacker does inside a container, performed for real, each raising its rule from netlink
 * exec, uid and ptrace events. The /proc scan is off, so every alert here came in real time from
 * the kernel's process connector.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerAttackIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final List<String> NO_NETWORK = List.of("--network=none");

  private final DockerCli docker = new DockerCli();
  private final LineCapture stdout = new LineCapture();
  private Agent agent;
  private Path journalDir;

  /**
   * A host directory the containers here write through bind mounts; the rules count it as a system
   * directory.
   */
  private Path hostDir;

  @BeforeAll
  void startAgent() throws Exception {
    journalDir = Files.createTempDirectory("dockward-attack-it");
    hostDir = Files.createTempDirectory("dockward-host-it");
    // An admin's tuning file: this host directory is as sensitive as /etc.
    Path tuning = journalDir.resolve("tuning.yaml");
    Files.writeString(
        tuning, "overrides:\n  - list: host_system_dirs\n    append: [\"" + hostDir + "/\"]\n");
    AgentConfig config =
        AgentConfig.DEFAULT
            .withJournal(
                new AgentConfig.Journal(journalDir.toString(), AgentConfig.RollCycle.HOURLY))
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(false, null),
                    null,
                    new AgentConfig.Cgroup(false, null),
                    new AgentConfig.Netlink(true)))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null))
            .withMetrics(new AgentConfig.Metrics(true, "127.0.0.1", 0));
    var rules =
        dev.dockward.agent.detect.RuleSetLoading.load(
            true, List.of(tuning), new java.io.PrintWriter(System.err, true));
    assertEquals(List.of(), rules.problems());
    agent =
        Agent.start(
            config,
            new dev.dockward.agent.detect.RuleDetector(
                new dev.dockward.rules.RuleEngine(rules.ruleSet())),
            stdout.stream());
    Process marker = new ProcessBuilder("/bin/sh", "-c", "exec /bin/sleep 0.2").start();
    long markerPid = marker.pid();
    marker.waitFor();
    stdout.await(
        l -> {
          Map<String, Object> r = parse(l);
          return "exec".equals(r.get("type"))
              && markerPid == longOf(map(r.get("process")).get("pid"));
        },
        DEADLINE,
        "netlink exec event of the marker process " + markerPid);
  }

  @AfterEach
  void removeContainers() throws Exception {
    docker.removeAll();
  }

  @AfterAll
  void stopAgent() throws Exception {
    if (agent != null) {
      agent.close();
    }
    new dev.dockward.agent.schema.RecordSchema().assertAllValid(stdout.lines());
    for (Path dir : List.of(journalDir, hostDir)) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Waits until the metrics show a completed pass of the host watch. */
  private void awaitHostWatchPass() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.URI metrics =
        java.net.URI.create("http://127.0.0.1:" + agent.metricsPort() + "/metrics");
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!http.send(
            java.net.http.HttpRequest.newBuilder(metrics).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body()
        .contains("dockward_source_pass_seconds{source=\"host_watch\"}")) {
      if (System.nanoTime() > end) {
        throw new AssertionError("no host_watch pass within " + DEADLINE);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  /** A nested object, or empty when the record has none. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map ? (Map<String, Object>) o : Map.of();
  }

  private static long longOf(Object o) {
    return o instanceof Number n ? n.longValue() : -1;
  }

  private static String containerId(Map<String, Object> r) {
    return String.valueOf(map(r.get("container")).getOrDefault("id", ""));
  }

  /**
   * A container from the test image, once the agent's inventory knows it (its alerts then carry its
   * name).
   */
  private String start(String base, List<String> options, String... command) throws Exception {
    return start(DockerCli.IMAGE, base, options, command);
  }

  private String start(String image, String base, List<String> options, String... command)
      throws Exception {
    String name = DockerCli.uniqueName(base);
    String id = docker.runImage(name, options, image, command);
    stdout.await(
        l -> {
          Map<String, Object> r = parse(l);
          return "container_start".equals(r.get("type")) && id.equals(containerId(r));
        },
        DEADLINE,
        "container_start of " + name);
    return id;
  }

  /**
   * The first alert of {@code rule} about container {@code id} that {@code also} accepts; checks
   * the common fields.
   */
  private Map<String, Object> awaitAlert(
      String rule, String id, Predicate<Map<String, Object>> also) {
    String line;
    try {
      line =
          stdout.await(
              l -> {
                Map<String, Object> r = parse(l);
                return "alert".equals(r.get("kind"))
                    && rule.equals(r.get("rule"))
                    && id.equals(containerId(r))
                    && also.test(r);
              },
              DEADLINE,
              rule + " in container " + id);
    } catch (AssertionError e) {
      // what the container did, for the failure message
      List<String> seen =
          stdout.lines().stream()
              .map(Records::parse)
              .filter(r -> id.equals(containerId(r)))
              .map(
                  r ->
                      r.get("kind")
                          + "/"
                          + r.getOrDefault("type", r.get("rule"))
                          + "/"
                          + map(r.get("process")).get("name")
                          + "/"
                          + map(r.get("process")).get("cmdline"))
              .toList();
      throw new AssertionError(rule + " not raised in " + id + "; its records: " + seen, e);
    }
    System.err.println(rule + ": " + line);
    Map<String, Object> alert = parse(line);
    Map<String, Object> container = map(alert.get("container"));
    assertTrue(!String.valueOf(container.get("name")).isEmpty(), "container named: " + line);
    // no process of their own; a host file's writer may end before it is read (the event keeps its
    // pid)
    if (!Set.of(
            "cgroup_mount_in_container",
            "cgroup_release_agent_write",
            "host_file_written_from_container")
        .contains(rule)) {
      Map<String, Object> proc = map(alert.get("process"));
      assertTrue(longOf(proc.get("pid")) > 0, "process filled: " + line);
    }
    assertTrue(
        ((List<?>) alert.get("tags")).stream().anyMatch(t -> t.toString().startsWith("mitre.T")),
        line);
    return alert;
  }

  private static String cmdline(Map<String, Object> alert) {
    return String.valueOf(map(alert.get("process")).get("cmdline"));
  }

  @Test
  void straceAttachingToAProcessInTheContainerRaisesPtraceInContainer() throws Exception {
    ToolImage strace = ToolImage.build("strace", List.of("/usr/bin/strace"));
    try {
      String id = start(strace.tag(), "tracer", NO_NETWORK, "sleep", "300");
      docker.docker(
          "exec", "-d", id, "strace", "-o", "/dev/null", "-p", "1"); // the container's sleep
      // strace first attaches to a child of its own to probe the kernel's ptrace features, then to
      // the sleep: the first attach raises the alert, noise control holds back the second.
      Map<String, Object> alert = awaitAlert("ptrace_in_container", id, r -> true);
      assertEquals("strace", map(alert.get("process")).get("name"));
      Map<String, Object> evidence = map(alert.get("evidence"));
      assertEquals(id, evidence.get("target_container_id"));
      assertEquals(false, evidence.get("target_outside_container"));
    } finally {
      docker.removeAll();
      strace.remove();
    }
  }

  @Test
  void aSetuidRootProgramRunByAnUnprivilegedUserRaisesContainerPrivilegeEscalation()
      throws Exception {
    String id = start("setuid", NO_NETWORK, "sleep", "300");
    // As root in the container: a set-user-id-root busybox, and an account for su to ask about.
    docker.docker(
        "exec",
        id,
        "sh",
        "-c",
        "chmod 755 / /bin /tmp /etc && mkdir /tmp/s && chmod 755 /tmp/s"
            + " && cp /bin/busybox /tmp/s/busybox && chmod 4755 /tmp/s/busybox"
            + " && echo 'root:x:0:0:root:/:/bin/sh' > /etc/passwd"
            + " && echo 'root:$6$dw$notarealhash:19000:0:99999:7:::' > /etc/shadow && chmod 600 /etc/shadow");
    // As uid 1000: su (which busybox keeps set-user-id) waits for a password with euid 0.
    Process su =
        new ProcessBuilder(
                DockerCli.DOCKER,
                "exec",
                "-i",
                "-u",
                "1000",
                id,
                "/tmp/s/busybox",
                "su",
                "-c",
                "id",
                "root")
            .redirectErrorStream(true)
            .start();
    try (OutputStream stdin = su.getOutputStream()) {
      Map<String, Object> alert =
          awaitAlert(
              "container_privilege_escalation", id, r -> cmdline(r).contains("su -c id root"));
      Map<String, Object> evidence = map(alert.get("evidence"));
      assertEquals(1000L, longOf(evidence.get("uid")));
      assertEquals(0L, longOf(evidence.get("euid")));
    } finally {
      su.destroy();
      su.waitFor();
    }
  }

  @Test
  void insmodInAContainerRaisesKernelModuleLoaded() throws Exception {
    String id = start("modloader", NO_NETWORK, "sleep", "300");
    // The kernel here has no module support: insmod fails, but its exec is what the rule sees. It
    // would fail within a millisecond, before the agent reads it (a process gone before it is read
    // keeps its container but has no name): the "module" is a fifo, so insmod waits reading it.
    docker.docker(
        "exec",
        id,
        "sh",
        "-c",
        "/bin/busybox mkfifo /tmp/rootkit.ko; /bin/busybox ln -s /bin/busybox"
            + " /tmp/insmod; (/bin/sleep 2 > /tmp/rootkit.ko &); /tmp/insmod /tmp/rootkit.ko; exit 0");
    Map<String, Object> alert =
        awaitAlert(
            "kernel_module_loaded_from_container", id, r -> cmdline(r).contains("rootkit.ko"));
    assertEquals("critical", alert.get("severity"));
    assertEquals("insmod", map(alert.get("process")).get("name"));
  }

  @Test
  void aShortLivedShellRaisesShellInContainerInRealTime() throws Exception {
    String id = start("shell", NO_NETWORK, "sleep", "300");
    // A shell of a fraction of a second, seen by the real-time path alone (the /proc scan is off).
    // Two commands, so busybox sh does not replace itself with the last one.
    docker.docker("exec", id, "sh", "-c", "/bin/sleep 0.2; exit 0 # dockward-realtime-shell");
    awaitAlert("shell_in_container", id, r -> cmdline(r).contains("dockward-realtime-shell"));
  }

  @Test
  void ncRunByBusyboxShThroughProcSelfExeRaisesNetcatExec() throws Exception {
    // Debian's static busybox sh runs the nc applet by re-running itself through /proc/self/exe:
    // comm is "exe" from the exec until the applet renames itself, so the agent reads "exe" or "nc"
    // depending on how soon it reads; the program says nc either way. The trailing command keeps
    // sh from exec'ing nc itself.
    String id = start("ncexe", NO_NETWORK, "sleep", "300");
    docker.docker("exec", "-d", id, "sh", "-c", "nc -l -p 4445 -e /bin/sh; exit 0");
    Map<String, Object> alert =
        awaitAlert(
            "netcat_program_exec_in_container",
            id,
            r -> cmdline(r).equals("nc -l -p 4445 -e /bin/sh"));
    Map<String, Object> process = map(alert.get("process"));
    assertTrue(List.of("exe", "nc").contains(process.get("name")), alert.toString());
    assertEquals("/bin/busybox", process.get("exe"), alert.toString());
    assertEquals("nc", process.get("program"), alert.toString());
  }

  @Test
  void aHostFileWrittenThroughABindMountRaisesHostFileWrittenAndTheContainersOwnWritesDoNot()
      throws Exception {
    Path dir = Files.createDirectory(hostDir.resolve("etc"));
    String id =
        start(
            "hostwrite",
            List.of("--network=none", "-v", dir + ":/hostetc", "-v", "/hostetc/cache"),
            "sleep",
            "300");
    // its own file system, a volume inside the bind mount, then the host's file
    docker.docker(
        "exec",
        id,
        "sh",
        "-c",
        "echo a > /own; echo b > /hostetc/cache/x;"
            + " echo '* * * * * root id' > /hostetc/crontab");
    Map<String, Object> alert = awaitAlert("host_file_written_from_container", id, r -> true);
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals(dir + "/crontab", evidence.get("host_path"));
    assertEquals("/hostetc/crontab", evidence.get("path"));
    assertEquals(dir.toString(), evidence.get("mount_source"));
    assertEquals("* * * * * root id\n", Files.readString(dir.resolve("crontab")));
    // the own writes were heard and dropped: no write event names them
    List<String> writes =
        stdout.lines().stream()
            .map(Records::parse)
            .filter(r -> "host_file_write".equals(r.get("type")) && id.equals(containerId(r)))
            .map(r -> String.valueOf(map(r.get("file_write")).get("path")))
            .toList();
    assertEquals(List.of("/hostetc/crontab"), writes);
  }

  @Test
  void aHostFileWrittenOutsideTheContainersMountsRaisesHostFileWritten() throws Exception {
    // The class of runc's exe overwrite (CVE-2019-5736): a host file reached through a magic link
    // of a host process, here /proc/<dockerd>/root, with the host's pid namespace and every
    // capability. No bind mount leads there; the writer lives a second so its cgroup can be read.
    Path target = hostDir.resolve("escaped");
    String id = start("outside", DockerCli.ALMOST_PRIVILEGED, "sleep", "300");
    docker.docker(
        "exec",
        id,
        "sh",
        "-c",
        "echo pwned > /proc/" + DockerCli.dockerdPid() + "/root" + target + "; sleep 1");
    Map<String, Object> alert =
        awaitAlert(
            "host_file_written_from_container",
            id,
            r -> target.toString().equals(map(r.get("evidence")).get("host_path")));
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals("", evidence.get("mount_source"));
    assertEquals("outside the container's mounts", evidence.get("through"));
    assertEquals("pwned\n", Files.readString(target));
  }

  @Test
  void aContainerThatWritesAnAuthorizedKeyTheMomentItStartsIsCaught() throws Exception {
    // Not waited for: it writes before the agent knows it (the write waits for Docker's news of
    // the container). It lives a second more: a writer gone before it is read can only be
    // attributed by a mount already indexed.
    Path home = Files.createDirectories(hostDir.resolve("home/alice/.ssh"));
    String id =
        docker.runImage(
            DockerCli.uniqueName("sshkey"),
            List.of("--network=none", "-v", hostDir.resolve("home") + ":/h"),
            DockerCli.IMAGE,
            "sh",
            "-c",
            "echo 'ssh-ed25519 AAAA x' >> /h/alice/.ssh/authorized_keys; sleep 1");
    Map<String, Object> alert = awaitAlert("host_file_written_from_container", id, r -> true);
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertEquals(home.resolve("authorized_keys").toString(), evidence.get("host_path"));
    assertEquals(hostDir.resolve("home").toString(), evidence.get("mount_source"));
    assertTrue(
        String.valueOf(evidence.get("writer")).matches("(.+ \\()?pid [1-9][0-9]*\\)?"),
        alert.toString());
  }

  @Test
  void aDockerClientInAContainerWithTheSocketRaisesDockerSocketAccess() throws Exception {
    ToolImage client = ToolImage.build("client", List.of(DockerCli.DOCKER));
    try {
      String id =
          start(
              client.tag(),
              "dockerclient",
              List.of("--network=none", "-v", "/var/run/docker.sock:/var/run/docker.sock"),
              "sleep",
              "300");
      String version =
          docker.docker("exec", id, DockerCli.DOCKER, "version", "--format", "{{.Server.Version}}");
      assertTrue(!version.isBlank(), "the client in the container reached the host's daemon");
      Map<String, Object> alert =
          awaitAlert(
              "docker_socket_access_from_container", id, r -> cmdline(r).contains("version"));
      assertEquals(true, map(alert.get("evidence")).get("docker_socket_mounted"));
    } finally {
      docker.removeAll();
      client.remove();
    }
  }

  @Test
  void aRenamedDockerClientIsFoundByItsConnectionToTheSocket() throws Exception {
    ToolImage client = ToolImage.build("client", List.of(DockerCli.DOCKER));
    try {
      String id =
          start(
              client.tag(),
              "sockpeer",
              List.of("--network=none", "-v", "/var/run/docker.sock:/var/run/docker.sock"),
              "sleep",
              "300");
      // A name no rule knows: only the connection, seen from dockerd's end, gives it away.
      docker.docker(
          "exec",
          "-d",
          id,
          "sh",
          "-c",
          "cp " + DockerCli.DOCKER + " /tmp/dctl && exec /tmp/dctl events");
      Map<String, Object> alert =
          awaitAlert(
              "docker_socket_access_from_container",
              id,
              r ->
                  "daemon_socket_client".equals(map(r.get("event")).get("type"))
                      || cmdline(r).contains("dctl events"));
      assertEquals("dctl", map(alert.get("process")).get("name"), alert.toString());
      assertEquals("connected to /var/run/docker.sock", map(alert.get("evidence")).get("how"));
    } finally {
      docker.removeAll();
      client.remove();
    }
  }

  @Test
  void aProgramDroppedAfterTheStartRaisesBinaryNotInImageAndTempDirExec() throws Exception {
    String id = start("dropper", NO_NETWORK, "sleep", "300");
    // busybox under a name starting with "busybox" still dispatches its applets
    docker.docker(
        "exec",
        id,
        "sh",
        "-c",
        "cp /bin/busybox /tmp/busybox-dropped && /tmp/busybox-dropped sleep 2");
    Map<String, Object> alert =
        awaitAlert(
            "binary_not_in_image",
            id,
            r -> "/tmp/busybox-dropped".equals(map(r.get("process")).get("exe")));
    Map<String, Object> evidence = map(alert.get("evidence"));
    assertTrue(
        String.valueOf(evidence.get("exe_ctime"))
                .compareTo(String.valueOf(evidence.get("container_started_at")))
            > 0,
        alert.toString());
    awaitAlert(
        "exec_from_temp_dir_in_container",
        id,
        r -> "/tmp/busybox-dropped".equals(map(r.get("process")).get("exe")));
  }

  @Test
  void aBindShellOverNcRaisesNetcatExecAndThenShellWithNetworkSocket() throws Exception {
    // Both ends inside the container, over its own loopback: no traffic leaves it. The listener
    // waits with its command line readable; once a client connects, it becomes the shell.
    String id = start("bindshell", NO_NETWORK, "sleep", "300");
    docker.docker("exec", "-d", id, "nc", "-l", "-p", "4444", "-e", "/bin/sh");
    awaitAlert("netcat_program_exec_in_container", id, r -> cmdline(r).contains("-e /bin/sh"));
    docker.docker("exec", "-d", id, "sh", "-c", "/bin/sleep 60 | nc 127.0.0.1 4444");
    Map<String, Object> alert = awaitAlert("shell_with_network_socket", id, r -> true);
    List<?> stdio = (List<?>) map(alert.get("evidence")).get("stdio");
    assertEquals("tcp", stdio.get(0), alert.toString());
  }

  /**
   * Whether a container can get a net_cls hierarchy of its own: the kernel has the cgroup v1
   * net_cls controller enabled and the host has it mounted nowhere. On a host that mounts it (many
   * cgroup v1 hosts do), the container would share the host's hierarchy and its release_agent.
   */
  private static String netClsUnavailableReason() throws IOException {
    boolean enabled =
        Files.readAllLines(Path.of("/proc/cgroups")).stream()
            .map(l -> l.split("\\s+"))
            .anyMatch(f -> f.length >= 4 && f[0].equals("net_cls") && f[3].equals("1"));
    if (!enabled) {
      return "the kernel has no enabled cgroup v1 net_cls controller (/proc/cgroups)";
    }
    boolean mounted =
        Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
            .anyMatch(l -> l.contains(" - cgroup ") && l.matches(".*[ ,]net_cls([, ].*|$)"));
    return mounted
        ? "the host mounts the net_cls hierarchy: the test's release_agent would be the host's"
        : "";
  }

  @Test
  void aCgroupMountAndReleaseAgentWriteInAContainerRaiseBothRules() throws Exception {
    String unavailable = netClsUnavailableReason();
    Assumptions.assumeTrue(unavailable.isEmpty(), "host assumption not met: " + unavailable);
    String id =
        start(
            "cgroupesc",
            List.of(
                "--network=none",
                "--cap-add",
                "SYS_ADMIN",
                "--security-opt",
                "seccomp=unconfined",
                "--security-opt",
                "apparmor=unconfined"),
            "sleep",
            "300");
    // net_cls is mounted nowhere on this host: the container gets a hierarchy of its own, and its
    // release_agent (which the kernel would run as root on the host) points nowhere.
    String mountPoint = "/tmp/cgrp";
    try {
      docker.docker(
          "exec",
          id,
          "sh",
          "-c",
          "mkdir "
              + mountPoint
              + " && mount -t cgroup -o net_cls cgroup "
              + mountPoint
              + " && mkdir "
              + mountPoint
              + "/x && echo 1 > "
              + mountPoint
              + "/x/notify_on_release"
              + " && echo /nonexistent-dockward-test > "
              + mountPoint
              + "/release_agent");
      Map<String, Object> mount = awaitAlert("cgroup_mount_in_container", id, r -> true);
      Map<String, Object> evidence = map(mount.get("evidence"));
      assertEquals(mountPoint, evidence.get("mount_point"));
      assertEquals("net_cls", evidence.get("options"));
      // One alert per (rule, container) within the dedupe window; both changes are events.
      awaitAlert("cgroup_release_agent_write", id, r -> true);
      for (String kind : List.of("release_agent", "notify_on_release")) {
        String event =
            stdout.await(
                l -> {
                  Map<String, Object> r = parse(l);
                  return "host_file_change".equals(r.get("type"))
                      && id.equals(containerId(r))
                      && kind.equals(map(r.get("file")).get("kind"));
                },
                DEADLINE,
                kind + " change in " + id);
        String expected = kind.equals("release_agent") ? "/nonexistent-dockward-test" : "1";
        assertEquals(expected, map(parse(event).get("file")).get("current"), event);
      }
    } finally {
      // The hierarchy outlives the container while it has cgroups: leave it as it was.
      docker.docker(
          "exec",
          id,
          "sh",
          "-c",
          "echo 0 > "
              + mountPoint
              + "/x/notify_on_release; echo > "
              + mountPoint
              + "/release_agent; /bin/busybox rmdir "
              + mountPoint
              + "/x; umount "
              + mountPoint
              + "; exit 0");
    }
  }

  /**
   * Changes the host's real core_pattern for about a second and restores it (a crash meanwhile
   * dumps to a differently named file in the same place). A pipe is tested on fixtures only: a
   * crash while it is set would run the pipe's program as root.
   */
  @Test
  void aChangedCorePatternRaisesCorePatternModified() throws Exception {
    Path corePattern = Path.of("/proc/sys/kernel/core_pattern");
    String original = Files.readString(corePattern).strip();
    String changed = original + ".dockward-it";
    awaitHostWatchPass(); // the watch has read the original
    try {
      Files.writeString(corePattern, changed);
      String line =
          stdout.await(
              l -> {
                Map<String, Object> r = parse(l);
                return "alert".equals(r.get("kind"))
                    && "core_pattern_modified".equals(r.get("rule"));
              },
              DEADLINE,
              "core_pattern_modified");
      Map<String, Object> evidence = map(parse(line).get("evidence"));
      assertEquals(changed, evidence.get("current"));
      assertEquals(original, evidence.get("previous"));
    } finally {
      Files.writeString(corePattern, original);
    }
  }
}
