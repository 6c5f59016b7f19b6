package dev.dockward.agent.it;

import dev.dockward.agent.Agent;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.pipeline.Detector;
import dev.dockward.agent.schema.RecordSchema;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An integration test's agent, the stdout it prints to and the containers it starts. After each
 * test the agent is stopped, the containers (and networks) with this instance's label are removed,
 * and every line the agent printed is checked against the published schema — so no test can leave a
 * container behind or print a record that breaks the contract unnoticed. Register it with
 * {@code @RegisterExtension}.
 */
public final class AgentUnderTest implements AfterEachCallback {
  private final DockerCli docker = new DockerCli();
  private final LineCapture stdout = new LineCapture();
  private Agent agent;

  /** The defaults with the journal in {@code journal} and metrics on an ephemeral loopback port. */
  public static AgentConfig config(Path journal) {
    return AgentConfig.DEFAULT
        .withJournal(new AgentConfig.Journal(journal.toString(), AgentConfig.RollCycle.HOURLY))
        .withMetrics(new AgentConfig.Metrics(true, "127.0.0.1", 0));
  }

  public DockerCli docker() {
    return docker;
  }

  public LineCapture stdout() {
    return stdout;
  }

  /** Starts the agent printing to {@link #stdout()}; stopped after the test if still running. */
  public Agent start(AgentConfig config, Detector detector) throws Exception {
    agent = Agent.start(config, detector, stdout.stream());
    return agent;
  }

  /** Stops the agent now (a test that restarts it, or checks the journal after a clean stop). */
  public void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      stop();
    } finally {
      docker.removeAll();
    }
    new RecordSchema().assertAllValid(stdout.lines());
  }
}
