package dev.dockward.agent.it;

import static dev.dockward.agent.it.Records.map;
import static dev.dockward.agent.it.Records.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.Agent;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.detect.RuleDetector;
import dev.dockward.agent.detect.RuleSetLoading;
import dev.dockward.rules.LoadResult;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleFile;
import dev.dockward.rules.RuleFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resource abuse on the real dockerd and this machine's cgroups: the agent in-process with the
 * cgroup sampler every 250 ms and the bundled resources.yaml rules, their {@code for:} durations
 * shortened in a test rule file (the conditions are the bundled ones). Every load is bounded by
 * the container's own limits and killed by the test.
 */
@Tag("integration")
class ResourceAbuseIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final Set<String> RESOURCE_RULES =
      Set.of("fork_bomb", "memory_exhaustion", "container_oom_killed", "cpu_saturation");

  private final DockerCli docker = new DockerCli();
  private final LineCapture stdout = new LineCapture();
  private Agent agent;

  @TempDir
  Path dir;

  @BeforeEach
  void startAgent() throws Exception {
    String bundled = RuleFiles.bundled().stream().filter(f -> f.origin().endsWith("resources.yaml"))
        .map(RuleFile::text).findFirst().orElseThrow();
    String shortened = bundled.replace("for: 10s", "for: 1s").replace("for: 30s", "for: 2s");
    assertTrue(!shortened.equals(bundled), "the test rule file shortens the bundled durations");
    Path rules = Files.writeString(dir.resolve("resources-it.yaml"), shortened);
    LoadResult loaded = RuleSetLoading.load(false, List.of(rules), new PrintWriter(System.err, true));
    assertEquals(List.of(), loaded.problems());
    AgentConfig config = AgentConfig.DEFAULT
        .withJournal(new AgentConfig.Journal(dir.resolve("journal").toString(), "hourly"))
        .withSources(new AgentConfig.Sources(new AgentConfig.ProcScan(false, null), null,
            new AgentConfig.Cgroup(true, "250ms")))
        .withSinks(new AgentConfig.Sinks(new AgentConfig.Stdout("auto", "jsonl", true), null))
        .withMetrics(new AgentConfig.Metrics(true, "127.0.0.1", 0));
    agent = Agent.start(config, new RuleDetector(new RuleEngine(loaded.ruleSet())), stdout.stream());
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      docker.removeAll();
    } finally {
      if (agent != null) {
        agent.close();
      }
    }
    new dev.dockward.agent.schema.RecordSchema().assertAllValid(stdout.lines());
  }

  private static String containerId(Map<String, Object> record) {
    return record.get("container") instanceof Map<?, ?> c ? String.valueOf(c.get("id")) : "";
  }

  private boolean isAlert(String line, String rule, String id) {
    Map<String, Object> r = parse(line);
    return "alert".equals(r.get("kind")) && rule.equals(r.get("rule")) && id.equals(containerId(r));
  }

  private List<Map<String, Object>> resourceAlerts(String id) {
    return stdout.lines().stream().map(Records::parse)
        .filter(r -> "alert".equals(r.get("kind")) && RESOURCE_RULES.contains(r.get("rule")) && id.equals(containerId(r)))
        .toList();
  }

  /** Waits for a sample of the container taken after {@code after}: every rule has seen what came before. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> sampleAfter(String id, Instant after) {
    String line = stdout.await(l -> {
      Map<String, Object> r = parse(l);
      return "resource_sample".equals(r.get("type")) && id.equals(containerId(r))
          && Instant.parse(String.valueOf(r.get("time"))).isAfter(after);
    }, DEADLINE, "resource_sample of " + id + " after " + after);
    return (Map<String, Object>) parse(line).get("res");
  }

  @Test
  void forkBombAtItsPidsLimitRaisesForkBombOnce() throws Exception {
    String name = DockerCli.uniqueName("forkbomb");
    // Bounded: 64 tasks, half a core, 64 MiB; removed as soon as the alert is in.
    String id = docker.runDetached(name, List.of("--pids-limit", "64", "--cpus", "0.5", "-m", "64m"),
        "sh", "-c", "sleep 1; b() { b | b & }; b; sleep 600");
    String line = stdout.await(l -> isAlert(l, "fork_bomb", id), DEADLINE, "fork_bomb for " + name);
    docker.docker("rm", "-f", id);
    Map<String, Object> alert = parse(line);
    assertTrue(String.valueOf(alert.get("summary")).contains(name), line);
    assertEquals("high", alert.get("severity"));
    assertTrue(((List<?>) alert.get("tags")).contains("mitre.T1499"), line);
    assertEquals(1, resourceAlerts(id).stream().filter(r -> "fork_bomb".equals(r.get("rule"))).count(),
        "one alert for the episode, not one per sample");
  }

  @Test
  void memoryHogIsOomKilledAndRaisesExactlyOneAlertPerKill() throws Exception {
    String name = DockerCli.uniqueName("memhog");
    // tail buffers /dev/zero's endless line until the OOM killer stops it at 32 MiB; the shell
    // survives, so the container (and its cgroup counter) outlives the kill.
    String id = docker.runDetached(name, List.of("-m", "32m", "--memory-swap", "32m", "--cpus", "0.5"),
        "sh", "-c", "sleep 1; tail /dev/zero; sleep 600");
    String line = stdout.await(l -> isAlert(l, "container_oom_killed", id), DEADLINE, "container_oom_killed for " + name);
    Instant alertTime = Instant.parse(String.valueOf(parse(line).get("time")));
    Map<String, Object> later = sampleAfter(id, alertTime.plusSeconds(2));
    assertEquals(1L, ((Number) later.get("oom_kills")).longValue(), "the kernel counted one kill: " + later);
    assertEquals(1, resourceAlerts(id).stream().filter(r -> "container_oom_killed".equals(r.get("rule"))).count(),
        "exactly one alert for one kill, whatever Docker's oom events");
    assertTrue(String.valueOf(parse(line).get("summary")).contains(name), line);
  }

  @Test
  void benignContainerRaisesNoResourceAlert() throws Exception {
    String name = DockerCli.uniqueName("benign");
    String id = docker.runDetached(name, List.of("--pids-limit", "64", "--cpus", "0.5", "-m", "64m"),
        "sh", "-c", "while true; do sleep 1; done");
    Map<String, Object> first = sampleAfter(id, Instant.EPOCH);
    assertEquals(1L, ((Number) first.get("cgroup_version")).longValue());
    assertEquals(67108864L, ((Number) first.get("mem_limit")).longValue(), "the sample reads the real limit");
    assertEquals(64L, ((Number) first.get("pids_limit")).longValue());
    assertEquals(0.5, ((Number) first.get("cpu_limit")).doubleValue());
    // Longer than every shortened for: (2 s), with rates on every sample since the first.
    Map<String, Object> later = sampleAfter(id, Instant.now().plusSeconds(4));
    assertTrue(later.containsKey("cpu_fraction") && later.containsKey("pids_growth"), later::toString);
    assertEquals(List.of(), resourceAlerts(id));
  }
}
