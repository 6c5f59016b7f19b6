package dev.dockward.agent;

import dev.dockward.agent.assembly.NetworkWiring;
import dev.dockward.agent.assembly.Startup;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.pipeline.Detector;
import dev.dockward.agent.pipeline.Pipeline;
import dev.dockward.docker.DockerInventory;
import dev.dockward.net.NetworkFlowSource;
import dev.dockward.source.Workers;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent, started in named steps ({@link Startup}) and torn down in reverse: journal,
 * shippers, pipeline, sources. Closing it stops the sources, lets the pipeline journal what it
 * holds and the shippers deliver what the journal holds, then closes the journal.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final List<AutoCloseable> teardown;
  private final Pipeline pipeline;
  private final DockerInventory inventory;
  private final int metricsPort;
  private final Optional<NetworkFlowSource> network;
  private volatile boolean closed;

  private Agent(Startup started) {
    this.teardown = started.started();
    this.pipeline = started.pipeline();
    this.inventory = started.inventory();
    this.metricsPort = started.metricsPort();
    this.network = started.network();
  }

  /**
   * Starts an agent. On failure everything already started is closed again.
   *
   * @param config the effective configuration (file and command line merged)
   * @param rules the loaded rules
   * @param stdout where the stdout sink writes
   */
  public static Agent start(AgentConfig config, Detector rules, PrintStream stdout)
      throws Exception {
    Startup startup = new Startup(config, stdout);
    try {
      startup.loadMachineFacts();
      startup.buildDetectors(rules);
      startup.openJournal();
      startup.buildSinks(rules);
      startup.startPipeline();
      startup.buildSources();
      startup.startSources();
      startup.startLifecycle();
      startup.startRetention();
      startup.startMetrics();
    } catch (Exception | Error e) {
      startup.close();
      throw e;
    }
    log.info("dockward running on {} (journal {})", startup.host().name(), startup.journal().dir());
    return new Agent(startup);
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  /**
   * Applies what a reloaded configuration may change without a restart beside the rules: the
   * network policy file is read again (its path and the capture itself need a restart).
   */
  public void reload(AgentConfig next) {
    if (next.sources().network().enabled()) {
      network.ifPresent(n -> NetworkWiring.reloadPolicy(n, next.sources().network()));
    }
  }

  /** The port of the metrics endpoint, or -1 when it is off. */
  public int metricsPort() {
    return metricsPort;
  }

  public DockerInventory inventory() {
    return inventory;
  }

  /**
   * Stops in reverse start order: sources first, the journal last. Idempotent. The whole stop gets
   * {@link #STOP_BUDGET}, under the unit's {@code TimeoutStopSec=30s}: past it, the agent says how
   * many events were still queued (and so not journalled) and returns, so that the JVM exits before
   * systemd kills it without a word. What was journalled is safe either way.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Thread stopper = new Thread(() -> Startup.closeAll(teardown), "dockward-stop");
    stopper.setDaemon(true);
    stopper.start();
    if (!Workers.join(stopper, STOP_BUDGET)) {
      log.error(
          "dockward did not stop within {}: {} events still queued were not journalled; exiting anyway",
          STOP_BUDGET,
          pipeline.queued());
      return;
    }
    log.info(
        "dockward stopped: {} events, {} alerts, {} journal failures",
        pipeline.stats().events(),
        pipeline.stats().alerts(),
        pipeline.stats().journalFailures());
  }

  /** How long a stop may take: the unit gives 30 s before SIGKILL. */
  static final Duration STOP_BUDGET = Duration.ofSeconds(25);
}
