package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.ship.OutputFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts a SOC can trust, on the real kernel and dockerd: what Docker itself does (restarts, runs)
 * raises no escape alert, and a process that only calls itself runc's init still does.
 */
@Tag("integration")
class PrecisionIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final List<String> NO_NETWORK = List.of("--network=none");

  @RegisterExtension final AgentUnderTest harness = new AgentUnderTest();
  private final DockerCli docker = harness.docker();
  private final LineCapture stdout = harness.stdout();
  private final List<Map<String, Object>> parsed = new ArrayList<>();

  @TempDir Path journalDir;

  /**
   * The agent with netlink on, the /proc rescan at its default pace, events printed too, and no
   * dedupe: every alert is printed, so counts are exact.
   */
  private void startAgent(AgentConfig.Cgroup cgroup) throws Exception {
    AgentConfig config =
        AgentUnderTest.config(journalDir)
            .withAlerts(new AgentConfig.Alerts(Duration.ofSeconds(0), null))
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(true, Duration.ofSeconds(1)),
                    null,
                    cgroup,
                    new AgentConfig.Netlink(true)))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null));
    harness.start(config, Records.bundledRules());
    awaitHostExec(); // netlink delivers
  }

  /**
   * Runs a marker process on the host and waits for its exec event: every event the pipeline
   * received before it (the same netlink stream, one pipeline thread) has been judged.
   */
  private void awaitHostExec() throws Exception {
    Process marker = new ProcessBuilder("/bin/sh", "-c", "exec /bin/sleep 0.1").start();
    long pid = marker.pid();
    marker.waitFor();
    awaitRecords(
        all ->
            all.stream()
                .anyMatch(r -> isEvent(r, "exec", x -> pid == longOf(process(x).get("pid")))),
        "exec event of marker " + pid);
  }

  /** A nested object, or empty when the record has none. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object o) {
    return o instanceof Map ? (Map<String, Object>) o : Map.of();
  }

  private static Map<String, Object> process(Map<String, Object> record) {
    return object(record.get("process"));
  }

  private static String containerId(Map<String, Object> record) {
    return String.valueOf(object(record.get("container")).getOrDefault("id", ""));
  }

  private static long longOf(Object o) {
    return o instanceof Number n ? n.longValue() : -1;
  }

  private static boolean isEvent(
      Map<String, Object> r, String type, Predicate<Map<String, Object>> and) {
    return "event".equals(r.get("kind")) && type.equals(r.get("type")) && and.test(r);
  }

  private static boolean isAlert(Map<String, Object> r, String rule, Set<String> ids) {
    return "alert".equals(r.get("kind"))
        && rule.equals(r.get("rule"))
        && ids.contains(containerId(r));
  }

  /**
   * Alerts of {@code rule} for these containers (with any repeats noise control held back, none
   * here).
   */
  private long alertCount(String rule, Set<String> ids) {
    return records().stream()
        .filter(r -> isAlert(r, rule, ids))
        .mapToLong(r -> 1 + Math.max(0, longOf(r.get("suppressed"))))
        .sum();
  }

  /** The events that raised the alerts of these containers (what a failure message needs). */
  private List<Map<String, Object>> eventsOfAlerts(Set<String> ids) {
    Set<Object> eventIds = new HashSet<>();
    records().stream()
        .filter(r -> "alert".equals(r.get("kind")) && ids.contains(containerId(r)))
        .forEach(r -> eventIds.add(r.get("event_id")));
    return records().stream().filter(r -> eventIds.contains(r.get("id"))).toList();
  }

  private synchronized List<Map<String, Object>> records() {
    List<String> lines = stdout.lines();
    for (int i = parsed.size(); i < lines.size(); i++) {
      parsed.add(parse(lines.get(i)));
    }
    return List.copyOf(parsed);
  }

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

  private long startsOf(String id) {
    return records().stream()
        .filter(r -> isEvent(r, "container_start", x -> id.equals(containerId(x))))
        .count();
  }

  @Test
  void dockerRestartsAndRunsRaiseNoEscapeAlert() throws Exception {
    startAgent(new AgentConfig.Cgroup(false, null));
    int restarts = 10;
    int runs = 10;
    Set<String> ids = new HashSet<>();
    String restarted =
        docker.runDetached(DockerCli.uniqueName("restarted"), NO_NETWORK, "sleep", "300");
    ids.add(restarted);
    for (int i = 0; i < restarts; i++) {
      docker.docker("restart", "-t", "0", restarted);
    }
    for (int i = 0; i < runs; i++) {
      ids.add(docker.runDetached(DockerCli.uniqueName("run"), NO_NETWORK, "sleep", "300"));
    }
    // One more exec into each: docker exec starts runc's init too.
    for (String id : ids) {
      docker.docker("exec", id, "/bin/busybox", "true");
    }
    awaitRecords(
        all ->
            ids.stream().allMatch(id -> startsOf(id) >= 1) && startsOf(restarted) >= restarts + 1,
        "a container_start for every start");
    awaitHostExec();

    // Processes of these containers seen in the host's mount namespace: runc's init before it
    // entered the container's, each excepted only on the runtime facts.
    List<Map<String, Object>> inHostMnt =
        records().stream()
            .filter(
                r ->
                    isEvent(
                        r,
                        "exec",
                        x ->
                            ids.contains(containerId(x))
                                && process(x).get("host_ns") instanceof List<?> ns
                                && ns.contains("mnt")))
            .toList();
    long runcInits =
        inHostMnt.stream().filter(r -> "runc".equals(process(r).get("runtime"))).count();
    long escapes = alertCount("container_escape_namespace", ids);
    System.err.printf(
        "docker restart x%d, docker run x%d, docker exec x%d: %d execs read in the host's mount"
            + " namespace (%d running the installed runc, parent %s), container_escape_namespace alerts: %d%n",
        restarts,
        runs,
        ids.size(),
        inHostMnt.size(),
        runcInits,
        inHostMnt.stream()
            .map(r -> object(process(r).get("parent")).get("runtime"))
            .distinct()
            .toList(),
        escapes);
    assertEquals(
        0,
        escapes,
        "benign starts raise no escape: "
            + records().stream().filter(r -> isAlert(r, "container_escape_namespace", ids)).toList()
            + "; their events: "
            + eventsOfAlerts(ids));
    assertEquals(
        inHostMnt.size(),
        runcInits,
        "every process of theirs in the host's mount namespace ran runc: " + inHostMnt);
  }

  @Test
  void aProcessThatOnlyCallsItselfRuncInitStillRaisesTheEscape() throws Exception {
    startAgent(new AgentConfig.Cgroup(false, null));
    String name = DockerCli.uniqueName("spoof");
    // The impostor on the host's file system (an attacker writes it through /proc/<pid>/root): a
    // shell copied to the name runc, found through PATH in the host's mount namespace, which runs
    // the script "init" of its working directory (the container's: busybox nsenter opens -w's
    // directory before it enters), so that its comm is "runc" and its command line exactly
    // "runc init".
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "dw-spoof-");
    try {
      Files.copy(Path.of("/bin/dash"), dir.resolve("runc"), StandardCopyOption.COPY_ATTRIBUTES);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      String id = docker.runDetached(name, DockerCli.ALMOST_PRIVILEGED, "sleep", "300");
      awaitRecords(all -> startsOf(id) >= 1, "container_start of " + name);
      docker.docker(
          "exec", id, "sh", "-c", "mkdir -p " + dir + " && echo '/bin/sleep 3' > " + dir + "/init");
      docker.docker(
          "exec",
          id,
          "sh",
          "-c",
          "PATH="
              + dir
              + " exec /bin/nsenter -t "
              + DockerCli.dockerdPid()
              + " -m -w"
              + dir
              + " runc init");

      // nsenter itself may be alerted first (read after it entered the host's mount namespace);
      // the impostor's own exec must be alerted too.
      Predicate<Map<String, Object>> impostor =
          r ->
              isAlert(r, "container_escape_namespace", Set.of(id))
                  && "runc init".equals(process(r).get("cmdline"));
      awaitRecords(
          all -> all.stream().anyMatch(impostor),
          "container_escape_namespace for runc init in " + name);
      Map<String, Object> alert = records().stream().filter(impostor).findFirst().orElseThrow();
      System.err.println("spoofed runc init: " + alert);
      Map<String, Object> proc = process(alert);
      assertEquals("runc", proc.get("name"), alert.toString());
      assertEquals(dir.resolve("runc").toString(), proc.get("exe"), alert.toString());
      assertTrue(!proc.containsKey("runtime"), "it runs no installed runtime: " + alert);
    } finally {
      Files.deleteIfExists(dir.resolve("runc"));
      Files.deleteIfExists(dir);
    }
  }

  @Test
  void aContainerOomKilledWithinItsFirstSecondRaisesExactlyOneAlert() throws Exception {
    startAgent(new AgentConfig.Cgroup(true, Duration.ofMillis(250)));
    String name = DockerCli.uniqueName("fastoom");
    // A shell doubling a string reaches 32 MiB within a fraction of a second and is killed: the
    // container is gone before the sampler's first pass over it, most of the time.
    String id =
        docker.runDetached(
            name,
            List.of("-m", "32m", "--memory-swap", "32m", "--network=none"),
            "sh",
            "-c",
            "a=x; while true; do a=$a$a; done");
    Set<String> ids = Set.of(id);
    awaitRecords(
        all ->
            all.stream()
                .anyMatch(r -> isEvent(r, "container_stop", x -> id.equals(containerId(x)))),
        "container_stop of " + name);
    assertEquals(
        "true",
        docker.docker("inspect", "-f", "{{.State.OOMKilled}}", id),
        "Docker saw the OOM kill");
    awaitRecords(
        all -> all.stream().anyMatch(r -> isAlert(r, "container_oom_killed", ids)),
        "container_oom_killed for " + name);
    awaitHostExec(); // the pipeline has judged what came before

    List<Map<String, Object>> reports =
        records().stream()
            .filter(
                r ->
                    "event".equals(r.get("kind"))
                        && id.equals(containerId(r))
                        && r.containsKey("oom_kill"))
            .toList();
    long samples =
        records().stream()
            .filter(r -> isEvent(r, "resource_sample", x -> id.equals(containerId(x))))
            .count();
    Map<String, Object> alert =
        records().stream()
            .filter(r -> isAlert(r, "container_oom_killed", ids))
            .findFirst()
            .orElseThrow();
    System.err.printf(
        "fast OOM: %d samples of the container, kill reports %s, alerts %d: %s%n",
        samples,
        reports.stream().map(r -> r.get("type") + "=" + r.get("oom_kill")).toList(),
        alertCount("container_oom_killed", ids),
        alert.get("summary"));
    assertEquals(1, alertCount("container_oom_killed", ids), "one kill, one alert: " + reports);
    assertTrue(String.valueOf(alert.get("summary")).contains(name), alert.toString());
    assertEquals(
        1,
        reports.stream().mapToLong(r -> longOf(object(r.get("oom_kill")).get("new"))).sum(),
        "the kill is counted once over every report of it: " + reports);
  }

  @Test
  void theHostsCgroupMountsUnderABindOfTheRootAreNoMountOfTheContainersButItsOwnMountIs()
      throws Exception {
    startAgent(new AgentConfig.Cgroup(false, null));
    String bystander =
        docker.runDetached(
            DockerCli.uniqueName("hostroot"),
            List.of("-v", "/:/host:ro", "--network=none"),
            "sleep",
            "300");
    awaitRecords(all -> startsOf(bystander) >= 1, "container_start of the host-root container");
    // The same bind, and a cgroup mount of its own: net_cls, which this host mounts nowhere.
    String name = DockerCli.uniqueName("mounter");
    String mounter =
        docker.runDetached(
            name,
            List.of(
                "-v",
                "/:/host:ro",
                "--network=none",
                "--cap-add",
                "SYS_ADMIN",
                "--security-opt",
                "seccomp=unconfined",
                "--security-opt",
                "apparmor=unconfined"),
            "sleep",
            "300");
    awaitRecords(all -> startsOf(mounter) >= 1, "container_start of " + name);
    assertTrue(
        docker
            .docker("exec", bystander, "cat", "/proc/self/mountinfo")
            .contains("/host/sys/fs/cgroup/"),
        "the bind brought the host's cgroup mounts along");
    String mountPoint = "/tmp/cgrp";
    try {
      docker.docker(
          "exec",
          mounter,
          "sh",
          "-c",
          "mkdir " + mountPoint + " && mount -t cgroup -o net_cls cgroup " + mountPoint);
      awaitRecords(
          all ->
              all.stream().anyMatch(r -> isAlert(r, "cgroup_mount_in_container", Set.of(mounter))),
          "cgroup_mount_in_container for " + name);
    } finally {
      docker.docker("exec", mounter, "sh", "-c", "umount " + mountPoint + "; exit 0");
    }
    List<Map<String, Object>> alerts =
        records().stream()
            .filter(r -> isAlert(r, "cgroup_mount_in_container", Set.of(bystander, mounter)))
            .toList();
    System.err.println(
        "cgroup mount alerts: "
            + alerts.stream()
                .map(
                    r ->
                        containerId(r).substring(0, 12)
                            + " "
                            + object(r.get("evidence")).get("mount_point"))
                .toList());
    assertEquals(
        List.of(mountPoint),
        alerts.stream().map(r -> object(r.get("evidence")).get("mount_point")).toList(),
        "only the container's own mount, not the host's mounts under /host: " + alerts);
    assertEquals(mounter, containerId(alerts.get(0)));
    long reportedUnderHost =
        records().stream()
            .filter(
                r ->
                    isEvent(
                        r,
                        "container_mount",
                        x ->
                            Set.of(bystander, mounter).contains(containerId(x))
                                && String.valueOf(object(x.get("mount")).get("mount_point"))
                                    .startsWith("/host/")))
            .count();
    assertEquals(0, reportedUnderHost, "no container_mount event for the mounts the bind brought");
  }
}
