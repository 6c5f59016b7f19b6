package dev.dockward.bench;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.ship.OutputFormat;
import java.nio.file.Path;
import java.time.Duration;

/** The agent as the process benchmarks run it in their own JVM. */
final class BenchAgent {
  private BenchAgent() {}

  /**
   * Netlink and the /proc rescan every 1 s, the Docker source, the stdout sink (alerts only), the
   * metrics endpoint on a free port; no cgroup sampling, no posture audit.
   */
  static AgentConfig watchingProcesses(Path dir) {
    return AgentConfig.DEFAULT
        .withJournal(
            new AgentConfig.Journal(
                dir.resolve("journal").toString(), AgentConfig.RollCycle.HOURLY))
        .withSources(
            new AgentConfig.Sources(
                new AgentConfig.ProcScan(true, Duration.ofSeconds(1)),
                null,
                new AgentConfig.Cgroup(false, null),
                new AgentConfig.Netlink(true)))
        .withSinks(
            new AgentConfig.Sinks(
                new AgentConfig.Stdout(AgentConfig.StdoutMode.AUTO, OutputFormat.JSONL, false),
                null))
        .withMetrics(new AgentConfig.Metrics(true, "127.0.0.1", 0))
        .withPosture(new AgentConfig.Posture(false, null));
  }
}
