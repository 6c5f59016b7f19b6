package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.agent.Agent;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.ship.OutputFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker daemon unreachable at start and going away while the agent runs: the agent keeps
 * watching through /proc, reconnects, and reports what started meanwhile. The "daemon" is the real
 * one behind a proxy socket the test opens and cuts.
 */
@Tag("integration")
class DaemonOutageIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final List<String> SOCKET_MOUNT =
      List.of("-v", "/var/run/docker.sock:/var/run/docker.sock");

  @RegisterExtension final AgentUnderTest harness = new AgentUnderTest();
  private final DockerCli docker = harness.docker();
  private final LineCapture stdout = harness.stdout();
  private Agent agent;
  private UnixSocketProxy proxy;

  @TempDir Path dir;

  @AfterEach
  void closeProxy() throws Exception {
    // The harness then stops the agent, removes the containers and checks the records.
    harness.stop();
    if (proxy != null) {
      proxy.close();
    }
  }

  private boolean startOf(String line, String containerId) {
    Map<String, Object> r = parse(line);
    return "container_start".equals(r.get("type"))
        && r.get("container") instanceof Map<?, ?> c
        && containerId.equals(c.get("id"));
  }

  @Test
  void agentRunsOnProcWithoutTheDaemonAndCatchesUpWhenItComesAndGoes() throws Exception {
    Path socket = dir.resolve("docker.sock");
    AgentConfig config =
        AgentUnderTest.config(dir.resolve("journal"))
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(true, Duration.ofMillis(200)),
                    new AgentConfig.Docker(true, "unix://" + socket, Duration.ofSeconds(1)),
                    null))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null));
    agent = harness.start(config, Records.bundledRules());

    // No daemon: the /proc scan goes on (its first scan reports this very JVM).
    long self = ProcessHandle.current().pid();
    stdout.await(
        l ->
            "exec".equals(parse(l).get("type"))
                && parse(l).get("process") instanceof Map<?, ?> p
                && ((Number) p.get("pid")).longValue() == self,
        DEADLINE,
        "exec event of the test JVM while the daemon is unreachable");

    // A container started while the daemon is unreachable is reported once it is back.
    String early =
        docker.runDetached(DockerCli.uniqueName("outage1"), SOCKET_MOUNT, "sleep", "300");
    proxy = new UnixSocketProxy(socket, Path.of("/var/run/docker.sock"));
    proxy.start();
    String first =
        stdout.await(l -> startOf(l, early), DEADLINE, "container_start after the daemon came");
    assertEquals(Boolean.TRUE, parse(first).get("already_running"));
    stdout.await(
        l -> "docker_socket_mounted".equals(parse(l).get("rule")) && l.contains(early),
        DEADLINE,
        "its alert");

    // The daemon goes away mid-stream; a container starts; the daemon comes back.
    proxy.close();
    String during =
        docker.runDetached(DockerCli.uniqueName("outage2"), SOCKET_MOUNT, "sleep", "300");
    proxy = new UnixSocketProxy(socket, Path.of("/var/run/docker.sock"));
    proxy.start();
    String second =
        stdout.await(l -> startOf(l, during), DEADLINE, "container_start after reconnection");
    assertEquals(Boolean.TRUE, parse(second).get("already_running"));
    assertEquals(
        1,
        stdout.lines().stream().filter(l -> startOf(l, early)).count(),
        "the container seen before the outage is not reported again");
    stdout.await(
        l -> "docker_socket_mounted".equals(parse(l).get("rule")) && l.contains(during),
        DEADLINE,
        "alert for the container started during the outage");
  }
}
