package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.map;
import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.Agent;
import dev.dockward.agent.cli.DockwardCli;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.ship.OutputFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The posture audit's baseline on the default test host (dockerd as scripts/test-env starts it),
 * the per-container findings with the audit run by Docker events alone (an interval of an hour), an
 * image from a loopback registry, and a client connected to a daemon's TCP API.
 */
@Tag("integration")
class PostureBaselineIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String SYSTEM_SOCKET = "/var/run/docker.sock";

  @RegisterExtension final AgentUnderTest harness = new AgentUnderTest();
  private final DockerCli docker = harness.docker();
  private final LineCapture stdout = harness.stdout();
  private Agent agent;

  @TempDir Path dir;

  /** The agent with an audit at start and then only on Docker events: the interval is an hour. */
  private void startAgent(List<String> registryAllowlist) throws Exception {
    AgentConfig config =
        AgentUnderTest.config(dir.resolve("journal"))
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(false, Duration.ofSeconds(1)),
                    null,
                    new AgentConfig.Cgroup(false, null)))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null))
            .withMetrics(new AgentConfig.Metrics(false, "127.0.0.1", 0))
            .withPosture(
                new AgentConfig.Posture(true, Duration.ofHours(1), null, null, registryAllowlist));
    agent = harness.start(config, Records.bundledRules());
    // The audit at start: the one finding every host has.
    awaitContainerFinding("open", "posture_not_checked", null);
  }

  /** A posture_finding line; containerId null means a host finding. */
  private static boolean isFinding(String line, String state, String id, String containerId) {
    Map<String, Object> r = parse(line);
    if (!"posture_finding".equals(r.get("type"))
        || !state.equals(r.get("state"))
        || !id.equals(map(r.get("finding")).get("id"))) {
      return false;
    }
    return containerId == null
        ? !(r.get("container") instanceof Map<?, ?>)
        : r.get("container") instanceof Map<?, ?> c && containerId.equals(c.get("id"));
  }

  private Map<String, Object> awaitContainerFinding(String state, String id, String containerId) {
    return parse(
        stdout.await(
            l -> isFinding(l, state, id, containerId),
            DEADLINE,
            state + " " + id + " " + (containerId == null ? "host" : containerId)));
  }

  private boolean seen(String state, String id, String containerId) {
    return stdout.lines().stream().anyMatch(l -> isFinding(l, state, id, containerId));
  }

  /** {@code dockward posture --format jsonl [args]} in-process: its finding documents. */
  private static List<Map<String, Object>> postureCli(String... args) {
    StringWriter out = new StringWriter();
    String[] all = new String[args.length + 3];
    all[0] = "posture";
    all[1] = "--format";
    all[2] = "jsonl";
    System.arraycopy(args, 0, all, 3, args.length);
    int code =
        DockwardCli.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(new StringWriter()))
            .execute(all);
    assertEquals(0, code, out.toString());
    return Arrays.stream(out.toString().split("\n"))
        .filter(l -> !l.isBlank())
        .map(Records::parse)
        .toList();
  }

  /**
   * scripts/test-env starts the system daemon as {@code dockerd --storage-driver=vfs
   * --ip-masq=false} with no daemon.json (Debian 12's docker.io is 20.10.24; this test's machines
   * have no AppArmor). The two host facts that differ between machines are read here, not assumed:
   * the daemon's version and whether the kernel enforces AppArmor or SELinux. About that daemon and
   * the host (findings of other test daemons, of the docker group's members, of other listening
   * services and of containers depend on what else runs, and are left out):
   *
   * <ul>
   *   <li>inter_container_communication_enabled — icc defaults to true on the default bridge;
   *   <li>userns_remap_disabled, live_restore_disabled, userland_proxy_enabled,
   *       daemon_no_new_privileges_disabled — Docker's defaults, none set;
   *   <li>daemon_logging_not_centralized — the default json-file log driver (info);
   *   <li>daemon_runs_as_root — not rootless (info);
   *   <li>docker_engine_outdated — when the daemon is below the default minimum 25.0.0;
   *   <li>host_no_mandatory_access_control — when the kernel has neither AppArmor nor SELinux;
   *   <li>content_trust_disabled — no DOCKER_CONTENT_TRUST=1 anywhere;
   *   <li>posture_not_checked — image signatures (never recorded), the registry allowlist (empty).
   * </ul>
   *
   * Absent: the socket is 0660 root:docker, there is no TCP host, seccomp and user namespaces are
   * there, the kernel (6.x) is above 5.10, every fact was readable (no posture_check_failed).
   */
  @Test
  void theDefaultTestHostGivesTheExpectedBaseline() throws Exception {
    List<Map<String, Object>> findings = postureCli();
    Set<String> baseline = new TreeSet<>();
    for (Map<String, Object> f : findings) {
      String instance = String.valueOf(f.getOrDefault("instance", ""));
      boolean aboutTheSystemDaemonOrHost =
          instance.isEmpty()
              || instance.equals(SYSTEM_SOCKET)
              || f.get("id").equals("posture_not_checked");
      if ("host".equals(f.get("subject")) && aboutTheSystemDaemonOrHost) {
        baseline.add(
            f.get("id") + (f.get("id").equals("posture_not_checked") ? "/" + instance : ""));
      }
    }
    Set<String> expected =
        new TreeSet<>(
            List.of(
                "inter_container_communication_enabled",
                "userns_remap_disabled",
                "live_restore_disabled",
                "userland_proxy_enabled",
                "daemon_no_new_privileges_disabled",
                "daemon_logging_not_centralized",
                "daemon_runs_as_root",
                "content_trust_disabled",
                "posture_not_checked/image_signatures",
                "posture_not_checked/registry_allowlist"));
    String version = serverVersion();
    boolean outdated = Integer.parseInt(version.split("\\.")[0]) < 25;
    if (outdated) {
      expected.add("docker_engine_outdated");
    }
    if (!macEnforced()) {
      expected.add("host_no_mandatory_access_control");
    }
    assertEquals(
        expected, baseline, "daemon " + version + ", MAC " + macEnforced() + ": " + findings);
    assertFalse(
        findings.stream().anyMatch(f -> f.get("id").equals("posture_check_failed")),
        findings.toString());
    if (outdated) {
      Map<String, Object> engine =
          findings.stream()
              .filter(f -> f.get("id").equals("docker_engine_outdated"))
              .findFirst()
              .orElseThrow();
      assertEquals("1.2.2", engine.get("cis"));
      assertEquals(
          version, String.valueOf(map(engine.get("evidence")).get("version")), engine.toString());
    }
  }

  private String serverVersion() throws Exception {
    return docker.docker("version", "--format", "{{.Server.Version}}").strip();
  }

  /** Whether the kernel enforces AppArmor or SELinux, read as the posture audit reads it. */
  private static boolean macEnforced() throws IOException {
    Path appArmor = Path.of("/sys/module/apparmor/parameters/enabled");
    return (Files.exists(appArmor) && Files.readString(appArmor).strip().equals("Y"))
        || (Files.exists(Path.of("/sys/fs/selinux/enforce"))
            && Files.readString(Path.of("/sys/fs/selinux/enforce")).strip().equals("1"));
  }

  @Test
  void containerFindingsOpenAndResolveOnDockerEventsAlone() throws Exception {
    startAgent(null);
    String plain = docker.runDetached(DockerCli.uniqueName("plain"), List.of(), "sleep", "300");
    // Still root: the test image's / is mode 0700, so no other user can exec anything in it
    // (the user check is covered with other users by ContainerChecksTest).
    String hardened =
        docker.runDetached(
            DockerCli.uniqueName("hardened"),
            List.of(
                "--cap-drop",
                "ALL",
                "--read-only",
                "--security-opt",
                "no-new-privileges",
                "--memory",
                "64m",
                "--pids-limit",
                "64"),
            "sleep",
            "300");

    Map<String, Object> root =
        map(awaitContainerFinding("open", "container_runs_as_root", plain).get("finding"));
    assertEquals("4.1", root.get("cis"));
    assertEquals("low", root.get("severity"));
    assertEquals("", map(root.get("evidence")).get("user"));
    assertEquals(
        "5.4",
        map(awaitContainerFinding("open", "container_capabilities_not_dropped", plain)
                .get("finding"))
            .get("cis"));
    assertEquals(
        "5.13",
        map(awaitContainerFinding("open", "container_root_filesystem_writable", plain)
                .get("finding"))
            .get("cis"));

    // The hardened container was audited (it runs as root), and has none of the others.
    awaitContainerFinding("open", "container_runs_as_root", hardened);
    for (String id :
        List.of(
            "container_capabilities_not_dropped",
            "container_root_filesystem_writable",
            "container_no_new_privileges_missing",
            "container_no_resource_limits")) {
      assertFalse(seen("open", id, hardened), id);
    }

    docker.docker("rm", "-f", plain);
    awaitContainerFinding("resolved", "container_runs_as_root", plain);
    awaitContainerFinding("resolved", "container_root_filesystem_writable", plain);
    assertEquals(
        1,
        stdout.lines().stream()
            .filter(l -> isFinding(l, "open", "container_runs_as_root", plain))
            .count(),
        "opened once");
  }

  @Test
  void anImageFromALoopbackRegistryAndOutsideTheAllowlist() throws Exception {
    String image =
        "localhost:5000/dwposture" + UUID.randomUUID().toString().substring(0, 8) + ":it";
    docker.docker("tag", DockerCli.IMAGE, image);
    try {
      startAgent(List.of("docker.io"));
      String local =
          docker.runImage(DockerCli.uniqueName("loopreg"), List.of(), image, "sleep", "300");
      String hub = docker.runDetached(DockerCli.uniqueName("hub"), List.of(), "sleep", "300");

      Map<String, Object> insecure =
          map(
              awaitContainerFinding("open", "container_image_insecure_registry", local)
                  .get("finding"));
      assertEquals("medium", insecure.get("severity"));
      assertEquals("localhost:5000", map(insecure.get("evidence")).get("registry"));
      Map<String, Object> outside =
          map(
              awaitContainerFinding("open", "container_image_registry_not_allowed", local)
                  .get("finding"));
      assertEquals(List.of("docker.io"), map(outside.get("evidence")).get("allowlist"));

      awaitContainerFinding("open", "container_image_mutable_tag", hub);
      assertFalse(seen("open", "container_image_insecure_registry", hub));
      assertFalse(
          seen("open", "container_image_registry_not_allowed", hub),
          "dockward/busybox is on Docker Hub");
      assertFalse(
          stdout.lines().stream()
              .anyMatch(
                  l ->
                      isFinding(l, "open", "posture_not_checked", null)
                          && l.contains("\"instance\":\"registry_allowlist\"")),
          "the allowlist is set: it is checked");
    } finally {
      docker.removeAll();
      docker.docker("rmi", image);
    }
  }

  @Test
  void aClientConnectedToADaemonsTcpApiIsReportedWhileConnected() throws Exception {
    try (TestDaemon daemon = new TestDaemon(Files.createDirectories(dir.resolve("daemon")))) {
      daemon.start();
      String instance = daemon.listen() + " <- 127.0.0.1";
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), daemon.port())) {
        Map<String, Object> f =
            postureCli().stream()
                .filter(
                    x ->
                        x.get("id").equals("docker_api_remote_client")
                            && instance.equals(x.get("instance")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no docker_api_remote_client " + instance));
        assertEquals(
            "medium", f.get("severity"), "a loopback peer of an API without client authentication");
        Map<String, Object> evidence = map(f.get("evidence"));
        assertEquals(List.of(String.valueOf(client.getLocalPort())), evidence.get("peer_ports"));
        assertEquals(daemon.pid(), ((Number) evidence.get("pid")).longValue());
      }
      // Closed: dockerd's end goes away with it (at worst it lingers in CLOSE_WAIT, which is no
      // connection).
      long end = System.nanoTime() + DEADLINE.toNanos();
      boolean gone = false;
      while (!gone && System.nanoTime() < end) {
        gone = postureCli().stream().noneMatch(x -> instance.equals(x.get("instance")));
        if (!gone) {
          Thread.sleep(500);
        }
      }
      assertTrue(gone, "the finding goes away with the connection");
    }
  }

  /**
   * The agent follows a test daemon of its own through a proxy socket that is not there yet. The
   * test daemon has no other users, so no Docker event of someone else's can bring an audit.
   */
  @Test
  void whatDependsOnTheApiIsAuditedAgainWhenTheDaemonBecomesReachable() throws Exception {
    TestDaemon daemon = new TestDaemon(Files.createDirectories(dir.resolve("daemon")));
    try (daemon) {
      daemon.start();
      auditedAgainOnConnection(daemon.socket());
    }
  }

  private void auditedAgainOnConnection(Path daemonSocket) throws Exception {
    Path socket = dir.resolve("docker.sock");
    AgentConfig config =
        AgentUnderTest.config(dir.resolve("journal"))
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(false, Duration.ofSeconds(1)),
                    new AgentConfig.Docker(true, "unix://" + socket, Duration.ofSeconds(1)),
                    new AgentConfig.Cgroup(false, null)))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null))
            .withMetrics(new AgentConfig.Metrics(false, "127.0.0.1", 0))
            .withPosture(new AgentConfig.Posture(true, Duration.ofHours(1)));
    agent = harness.start(config, Records.bundledRules());
    // The audit at start cannot ask the API: it says so rather than report no containers.
    Map<String, Object> failed =
        map(
            parse(
                    stdout.await(
                        l ->
                            isFinding(l, "open", "posture_check_failed", null)
                                && l.contains("\"instance\":\"containers\""),
                        DEADLINE,
                        "containers not checked"))
                .get("finding"));
    assertEquals("medium", failed.get("severity"));
    try (UnixSocketProxy proxy = new UnixSocketProxy(socket, daemonSocket)) {
      proxy.start();
      // The interval is an hour: only the Docker source's connection can bring the next audit.
      stdout.await(
          l ->
              isFinding(l, "resolved", "posture_check_failed", null)
                  && l.contains("\"instance\":\"containers\""),
          DEADLINE,
          "containers checked once the daemon answers");
      stdout.await(
          l ->
              isFinding(l, "resolved", "posture_check_failed", null)
                  && l.contains("\"instance\":\"docker engine\""),
          DEADLINE,
          "engine checked once the daemon answers");
      agent.close();
      agent = null;
    }
  }
}
