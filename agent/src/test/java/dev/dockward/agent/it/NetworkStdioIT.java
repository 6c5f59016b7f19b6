package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.ship.OutputFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program that is not a shell, started with a TCP socket as its standard input and output, raises
 * network_stdio_in_container, with the default exec source (netlink): busybox {@code nc -l -e}
 * serves {@code cat} on the container's own loopback and a client connects. A program on pipes in
 * another container raises nothing.
 */
@Tag("integration")
class NetworkStdioIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @RegisterExtension final AgentUnderTest harness = new AgentUnderTest();
  private final DockerCli docker = harness.docker();
  private final LineCapture stdout = harness.stdout();

  @TempDir Path journalDir;

  @Test
  void aProgramServedOverAConnectionRaisesTheRuleAndOneOnPipesDoesNot() throws Exception {
    AgentConfig config =
        AgentUnderTest.config(journalDir)
            .withSources(
                new AgentConfig.Sources(
                    new AgentConfig.ProcScan(false, null),
                    null,
                    new AgentConfig.Cgroup(false, null),
                    new AgentConfig.Netlink(true)))
            .withPosture(new AgentConfig.Posture(false, null, null, null, null))
            .withSinks(
                new AgentConfig.Sinks(
                    new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, true),
                    null,
                    null));
    harness.start(config, Records.bundledRules());
    String calm =
        start("h-links-pipes", "/bin/busybox cat /dev/zero | /bin/busybox cat > /dev/null");
    // The client keeps its input open (sleep) so that cat runs on the socket until it is read.
    String served =
        start(
            "h-links-served",
            "/bin/busybox nc -l -p 9000 -e /bin/busybox cat & /bin/busybox sleep 1; "
                + "(echo dockward; /bin/busybox sleep 600) | /bin/busybox nc 127.0.0.1 9000");

    String line =
        stdout.await(
            l -> {
              Map<String, Object> r = parse(l);
              return "alert".equals(r.get("kind"))
                  && "network_stdio_in_container".equals(r.get("rule"))
                  && served.equals(containerId(r));
            },
            DEADLINE,
            "network_stdio_in_container in " + served);
    Map<String, Object> alert = parse(line);
    Map<String, Object> proc = map(alert.get("process"));
    assertEquals("cat", proc.get("program"), line);
    assertTrue(((List<?>) map(alert.get("evidence")).get("stdio")).contains("tcp"), line);
    assertTrue(!String.valueOf(map(alert.get("container")).get("name")).isEmpty(), line);

    // The calm container's cats ran before the served one's (it was started first).
    List<String> stray =
        stdout.lines().stream()
            .map(Records::parse)
            .filter(
                r ->
                    "alert".equals(r.get("kind"))
                        && "network_stdio_in_container".equals(r.get("rule"))
                        && calm.equals(containerId(r)))
            .map(Object::toString)
            .toList();
    assertEquals(List.of(), stray, "programs on pipes raise nothing");
  }

  /** A container running {@code script}, once its exec reached the agent with its container. */
  private String start(String base, String script) throws Exception {
    String id =
        docker.runDetached(
            DockerCli.uniqueName(base), List.of("--network=none"), "/bin/sh", "-c", script);
    stdout.await(
        l -> {
          Map<String, Object> r = parse(l);
          return "exec".equals(r.get("type"))
              && id.equals(containerId(r))
              && "cat".equals(map(r.get("process")).get("program"));
        },
        DEADLINE,
        "a cat of " + id);
    return id;
  }

  private static String containerId(Map<String, Object> r) {
    return String.valueOf(map(r.get("container")).getOrDefault("id", ""));
  }

  /** A nested object, or empty when the record has none. */
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> ? Records.map(o) : Map.of();
  }
}
