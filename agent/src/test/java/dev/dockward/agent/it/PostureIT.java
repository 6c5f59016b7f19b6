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
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The posture audit on the live host, in the running agent (an audit every second) and in {@code
 * dockward posture}: a second dockerd with its API on TCP without TLS, its socket made
 * world-writable, a user put into the docker group, a container without seccomp. Each weakness must
 * open a finding, and go away with a {@code resolved} event.
 */
@Tag("integration")
class PostureIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension final AgentUnderTest harness = new AgentUnderTest();
  private final DockerCli docker = harness.docker();
  private final LineCapture stdout = harness.stdout();
  private Agent agent;

  @TempDir Path journalDir;

  private void startAgent() throws Exception {
    AgentConfig config =
        AgentUnderTest.config(journalDir)
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
            .withPosture(new AgentConfig.Posture(true, Duration.ofSeconds(1)));
    agent = harness.start(config, Records.bundledRules());
  }

  private boolean isFinding(String line, String state, String id, String instance) {
    Map<String, Object> r = parse(line);
    if (!"posture_finding".equals(r.get("type")) || !state.equals(r.get("state"))) {
      return false;
    }
    Map<String, Object> f = map(r.get("finding"));
    return id.equals(f.get("id")) && instance.equals(f.getOrDefault("instance", ""));
  }

  private boolean isContainerFinding(String line, String state, String id, String containerId) {
    Map<String, Object> r = parse(line);
    return "posture_finding".equals(r.get("type"))
        && state.equals(r.get("state"))
        && id.equals(map(r.get("finding")).get("id"))
        && r.get("container") instanceof Map<?, ?> c
        && containerId.equals(c.get("id"));
  }

  private Map<String, Object> awaitFinding(String state, String id, String instance) {
    return parse(
        stdout.await(
            l -> isFinding(l, state, id, instance), DEADLINE, state + " " + id + " " + instance));
  }

  /** {@code dockward posture --format jsonl [args]} in-process: exit code and output lines. */
  private record CliRun(int code, List<String> lines) {}

  private CliRun posture(String... args) {
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
    return new CliRun(
        code, Arrays.stream(out.toString().split("\n")).filter(l -> !l.isBlank()).toList());
  }

  @Test
  void daemonApiOnTcpWithoutTlsAndAWorldWritableSocketOpenAndResolve(@TempDir Path daemonDir)
      throws Exception {
    startAgent();
    try (TestDaemon daemon = new TestDaemon(daemonDir)) {
      daemon.start();

      Map<String, Object> open =
          awaitFinding("open", "docker_api_tcp_without_tls", daemon.listen());
      Map<String, Object> finding = map(open.get("finding"));
      assertEquals("critical", finding.get("severity"));
      assertEquals("2.7", finding.get("cis"));
      Map<String, Object> evidence = map(finding.get("evidence"));
      assertEquals("127.0.0.1", evidence.get("address"));
      assertEquals(daemon.port(), ((Number) evidence.get("port")).intValue());
      assertEquals(daemon.pid(), ((Number) evidence.get("pid")).longValue());
      String alert =
          stdout.await(
              l -> {
                Map<String, Object> r = parse(l);
                return "alert".equals(r.get("kind"))
                    && "host_posture_critical_weakness".equals(r.get("rule"))
                    && daemon.listen().equals(map(r.get("evidence")).get("instance"));
              },
              DEADLINE,
              "critical posture alert for " + daemon.listen());
      assertEquals("docker_api_tcp_without_tls", map(parse(alert).get("evidence")).get("finding"));

      // The daemon made its socket 0660 root:docker: nothing to report until it is opened to
      // everyone.
      String socket = daemon.socket().toString();
      assertFalse(
          stdout.lines().stream()
              .anyMatch(l -> isFinding(l, "open", "docker_socket_permissions", socket)));
      Files.setPosixFilePermissions(daemon.socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
      Map<String, Object> perms =
          map(awaitFinding("open", "docker_socket_permissions", socket).get("finding"));
      assertEquals("critical", perms.get("severity"));
      assertEquals("0666", map(perms.get("evidence")).get("mode"));

      CliRun withDaemon = posture("--fail-on", "critical");
      assertEquals(1, withDaemon.code(), String.join("\n", withDaemon.lines()));
      assertTrue(
          withDaemon.lines().stream()
              .anyMatch(
                  l ->
                      l.contains("\"instance\":\"" + daemon.listen() + "\"")
                          && l.contains("\"severity\":\"critical\"")),
          String.join("\n", withDaemon.lines()));

      daemon.stop();
      awaitFinding("resolved", "docker_api_tcp_without_tls", daemon.listen());
      awaitFinding("resolved", "docker_socket_permissions", socket);
      long opened =
          stdout.lines().stream()
              .filter(l -> isFinding(l, "open", "docker_api_tcp_without_tls", daemon.listen()))
              .count();
      assertEquals(1, opened, "an open finding is reported once, not once per audit");

      CliRun without = posture("--fail-on", "critical");
      assertFalse(
          without.lines().stream().anyMatch(l -> l.contains(daemon.listen())),
          String.join("\n", without.lines()));
      boolean otherCritical =
          without.lines().stream().anyMatch(l -> l.contains("\"severity\":\"critical\""));
      assertEquals(
          otherCritical ? 1 : 0, without.code(), "exit 1 exactly when a critical finding remains");
    }
  }

  @Test
  void userInTheDockerGroupOpensAFindingAndLeavingResolvesIt() throws Exception {
    String user = "dwp" + UUID.randomUUID().toString().substring(0, 8);
    TestDaemon.run("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
    try {
      startAgent();
      TestDaemon.run("gpasswd", "-a", user, "docker");
      Map<String, Object> finding =
          map(awaitFinding("open", "docker_group_members", user).get("finding"));
      assertEquals("1.1.2", finding.get("cis"));
      assertEquals(user, map(finding.get("evidence")).get("user"));
      TestDaemon.run("gpasswd", "-d", user, "docker");
      awaitFinding("resolved", "docker_group_members", user);
    } finally {
      TestDaemon.run("userdel", user);
    }
  }

  @Test
  void containerWithoutSeccompOpensAFindingAndItsRemovalResolvesIt() throws Exception {
    startAgent();
    String name = DockerCli.uniqueName("unconfined");
    String id =
        docker.runDetached(name, List.of("--security-opt", "seccomp=unconfined"), "sleep", "300");
    String line =
        stdout.await(
            l -> isContainerFinding(l, "open", "container_unconfined_seccomp_apparmor", id),
            DEADLINE,
            "unconfined finding for " + name);
    Map<String, Object> finding = map(parse(line).get("finding"));
    assertEquals("high", finding.get("severity"));
    assertEquals("5.22", finding.get("cis"));
    assertEquals(List.of("seccomp=unconfined"), map(finding.get("evidence")).get("unconfined"));
    stdout.await(
        l -> {
          Map<String, Object> r = parse(l);
          return "alert".equals(r.get("kind"))
              && "host_posture_weakness".equals(r.get("rule"))
              && r.get("container") instanceof Map<?, ?> c
              && id.equals(c.get("id"));
        },
        DEADLINE,
        "posture alert for " + name);

    // A plain container beside it has no such finding: the check looks at the option, not at every
    // container.
    String plain = docker.runDetached(DockerCli.uniqueName("confined"), List.of(), "sleep", "300");
    stdout.await(
        l -> isContainerFinding(l, "open", "container_image_mutable_tag", plain),
        DEADLINE,
        "the plain container is audited");
    assertFalse(
        stdout.lines().stream()
            .anyMatch(
                l ->
                    isContainerFinding(l, "open", "container_unconfined_seccomp_apparmor", plain)));

    docker.docker("rm", "-f", id);
    stdout.await(
        l -> isContainerFinding(l, "resolved", "container_unconfined_seccomp_apparmor", id),
        DEADLINE,
        "resolved unconfined finding for " + name);
  }
}
