package dev.dockward.agent.assembly;

import dev.dockward.agent.AgentVersion;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.detect.AlertStages;
import dev.dockward.agent.detect.AncestryEnricher;
import dev.dockward.agent.detect.HostOsEnricher;
import dev.dockward.agent.health.ReadyBody;
import dev.dockward.agent.health.SensorStates;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalRetention;
import dev.dockward.agent.journal.RecordIds;
import dev.dockward.agent.lifecycle.AgentLifecycleSource;
import dev.dockward.agent.metrics.AgentMetrics;
import dev.dockward.agent.metrics.JournalMetrics;
import dev.dockward.agent.metrics.MetricsServer;
import dev.dockward.agent.pipeline.Detector;
import dev.dockward.agent.pipeline.Pipeline;
import dev.dockward.agent.schema.PublishedSchema;
import dev.dockward.agent.schema.SchemaViolations;
import dev.dockward.agent.ship.Shipper;
import dev.dockward.docker.DockerApi;
import dev.dockward.docker.DockerInventory;
import dev.dockward.docker.InspectingDirectory;
import dev.dockward.event.HostInfo;
import dev.dockward.host.HostFs;
import dev.dockward.host.HostIdentity;
import dev.dockward.host.MachineFactsAtStart;
import dev.dockward.host.OshiMachineFacts;
import dev.dockward.net.NetworkFlowSource;
import dev.dockward.proc.HostReference;
import dev.dockward.proc.ProcReader;
import dev.dockward.proc.ProcessLineage;
import dev.dockward.proc.RecentProcesses;
import dev.dockward.source.ContainerDirectory;
import dev.dockward.source.Source;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's start, as named steps run in order by {@code Agent.start}: each step uses what the
 * steps before it made, and adds what it started to the teardown list, so that a failure at any
 * step closes what was started, in reverse, and a stop does the same.
 */
public final class Startup implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Startup.class);

  /** Processes remembered for the ancestry of alerts (entries of a few hundred bytes). */
  private static final int RECENT_PROCESSES = 8192;

  /** How long the pipeline waits for the daemon to describe a container it does not know yet. */
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);

  /** How long agent_started and the first posture audit wait for OSHI's first (slow) reading. */
  private static final Duration HOST_FACTS_WAIT = Duration.ofSeconds(15);

  private final AgentConfig config;
  private final PrintStream stdout;
  private final HostFs hostFs;
  private final Clock clock = Clock.systemUTC();
  private final List<AutoCloseable> started = new ArrayList<>();
  private final SensorStates sensors = new SensorStates();
  private final DockerInventory inventory = new DockerInventory();
  private final List<Shipper> shippers = new ArrayList<>();
  private final SchemaViolations violations = new SchemaViolations();
  private MachineFactsAtStart machine;
  private HostInfo host;
  private RecordIds ids;
  private Detector detector;
  private ChronicleJournal journal;
  private Pipeline pipeline;
  private SourceContext sourceContext;
  private List<Source> sources = List.of();
  private AgentLifecycleSource lifecycle;
  private JournalRetention retention;
  private int metricsPort = -1;

  /**
   * @param config the effective configuration (file and command line merged)
   * @param stdout where the stdout sink writes
   */
  public Startup(AgentConfig config, PrintStream stdout) {
    this.config = config;
    this.stdout = stdout;
    this.hostFs = HostFs.system();
  }

  /**
   * The machine's facts (read while the rest starts: OSHI's first call takes about a second) and
   * who this host is.
   */
  public void loadMachineFacts() {
    machine = MachineFactsAtStart.begin(new OshiMachineFacts(hostFs), HOST_FACTS_WAIT);
    host = HostIdentity.detect(config.host().name(), hostFs.etc().resolve("machine-id"));
    ids = RecordIds.forNewRun(HostIdentity.idPrefix(host));
    log.info("record ids of this run start with {}", ids.runPrefix());
  }

  /**
   * The rules behind the alert stages (miner correlation, noise control), then the enrichment of
   * the alerts that go out.
   */
  public void buildDetectors(Detector rules) {
    Detector throttled = AlertStages.over(rules, config.alerts());
    // Ancestry after noise control: only the alerts that go out pay for the /proc lookups.
    detector =
        new HostOsEnricher(
            new AncestryEnricher(
                throttled,
                new RecentProcesses(RECENT_PROCESSES),
                ProcessLineage.live(new ProcReader(hostFs))),
            machine::readIfDone);
  }

  /** The journal; damaged cycle files it moved aside make the journal sensor degraded. */
  public void openJournal() {
    journal =
        ChronicleJournal.openForWriting(
            Path.of(config.journal().dir()),
            config.journal().rollCycle().configName(),
            SystemTimeProvider.INSTANCE,
            config.journal().syncInterval());
    started.add(journal);
    if (!journal.damagedCycles().isEmpty()) {
      sensors.unavailable(
          "journal",
          journal.damagedCycles().size()
              + " damaged cycle file(s) found at start and "
              + "moved aside (their records are not in the journal): "
              + String.join("; ", journal.damagedCycles()));
    }
  }

  /**
   * The shippers of the configured sinks, started. They start before the pipeline so that they are
   * closed after it: the last records journalled before a stop are still shipped.
   */
  public void buildSinks(Detector rules) throws InterruptedException {
    SinkContext context =
        new SinkContext(journal, PublishedSchema.load(), violations, rules, stdout);
    for (SinkFactories.Entry<?> sink : SinkFactories.ALL) {
      Optional<Shipper> shipper = sink.open(config, context);
      if (shipper.isPresent()) {
        shipper.get().start();
        started.add(shipper.get());
        shippers.add(shipper.get());
      }
    }
  }

  /**
   * The pipeline from the sources to the journal, asking the daemon about containers the inventory
   * does not know.
   */
  public void startPipeline() {
    ContainerDirectory directory = inventory;
    AgentConfig.Docker docker = config.sources().docker();
    if (docker.enabled()) {
      // Its own client: the pipeline's questions never wait behind the event stream's.
      // A short timeout: the pipeline waits for the answer, and a hung daemon must not stall it
      // long.
      DockerApi lookups = new DockerApi(URI.create(docker.host()), LOOKUP_TIMEOUT);
      started.add(lookups); // closed after the pipeline that uses it
      InspectingDirectory inspecting = new InspectingDirectory(lookups, clock);
      directory = id -> inventory.byId(id).or(() -> inspecting.byId(id));
    }
    pipeline =
        new Pipeline(
            config.pipeline().queueCapacity(),
            directory,
            host,
            ids,
            journal,
            detector,
            () -> shippers.forEach(Shipper::wake),
            () -> shippers.forEach(Shipper::recordsJournalled));
    pipeline.start();
    started.add(pipeline);
  }

  /**
   * The configured sources, not started yet, one factory each ({@link SourceFactories}). Each
   * sensor that is off or could not start is in the sensors with the reason. If a factory fails,
   * the sources already built are closed.
   */
  public void buildSources() {
    HostReference reference = hostReference();
    sourceContext =
        new SourceContext(
            hostFs,
            reference,
            new ProcReader(hostFs, reference.namespaces()),
            inventory,
            sensors,
            machine,
            clock,
            Path.of(config.journal().dir()),
            new SourceLinks());
    List<Source> built = new ArrayList<>();
    try {
      for (SourceFactories.Entry<?> factory : SourceFactories.ALL) {
        factory.open(config, sourceContext).ifPresent(built::add);
      }
    } catch (RuntimeException | Error e) {
      closeAll(built);
      throw e;
    }
    sources = List.copyOf(built);
  }

  /**
   * The host's namespaces from a host process, never from the agent: a systemd sandbox gives the
   * agent a mount namespace of its own.
   */
  private HostReference hostReference() {
    HostReference reference = HostReference.find(hostFs);
    if (!reference.fromHostProcess()) {
      sensors.unavailable(
          "host_namespaces",
          "neither pid 1 nor dockerd/containerd can be read: the host's "
              + "namespaces are taken from the agent's own, which differ from the host's under a sandbox");
    }
    if (!reference.namespaces().known()) {
      log.warn(
          "cannot read the host's namespaces: processes are not compared with the host's (no host_ns)");
    } else {
      log.info("host namespaces read from {}", reference.description());
      List<String> differ = reference.agentDiffers();
      if (!differ.isEmpty()) {
        log.warn(
            "the agent runs in namespaces of its own ({}), not the host's (as under the systemd unit's "
                + "sandbox): host namespaces, paths and mounts are read through {}",
            differ,
            reference.description());
      }
    }
    return reference;
  }

  /** Starts the sources in order; each started one reports its own health from now on. */
  public void startSources() {
    for (int i = 0; i < sources.size(); i++) {
      Source source = sources.get(i);
      try {
        source.start(pipeline);
      } catch (RuntimeException | Error e) {
        closeAll(sources.subList(i, sources.size()));
        throw e;
      }
      started.add(source);
      sensors.started(source);
      log.info("source {} started", source.name());
    }
  }

  /** The agent's own records: started, heartbeats, stopped. */
  public void startLifecycle() {
    lifecycle = LifecycleWiring.lifecycle(config.pipeline(), sourceContext, sources, pipeline);
    lifecycle.start(pipeline);
    started.add(lifecycle);
  }

  /**
   * Journal retention by age and size, over what every sink committed; runs every minute and at
   * once when the journal's disk is full. Unshipped records it must delete are journalled as {@code
   * agent_journal_overflow}.
   */
  public void startRetention() {
    AgentConfig.Retention r = config.journal().retention();
    JournalRetention.Policy policy = new JournalRetention.Policy(r.maxAge(), r.maxSize().bytes());
    retention =
        new JournalRetention(
            journal, policy, clock, () -> shippedThrough(shippers), lifecycle::journalOverflow);
    journal.onDiskFull(retention::runSoon);
    retention.start(Duration.ofMinutes(1));
    started.add(retention);
  }

  /** The Prometheus and health endpoint, unless it is off. */
  public void startMetrics() {
    AgentConfig.Metrics metrics = config.metrics();
    if (!metrics.enabled()) {
      return;
    }
    AgentMetrics registry =
        new AgentMetrics(pipeline.stats(), detector, sources, shippers, inventory, journal.dir());
    registry.schemaViolations(violations);
    registry.sensors(sensors);
    registry.process(AgentVersion.get());
    registry.shipping(journal, shippers);
    JournalMetrics.register(registry.registry(), journal, retention);
    // Live: every thread runs (sources' threads are restarted after failures, so a dead one is
    // stuck).
    BooleanSupplier live =
        () ->
            pipeline.running()
                && shippers.stream().allMatch(Shipper::running)
                && sources.stream().allMatch(Source::alive);
    MetricsServer server =
        MetricsServer.start(
            metrics.address(),
            metrics.port(),
            registry.registry(),
            live,
            () -> live.getAsBoolean() && pipeline.journalAccepting(),
            () -> ReadyBody.of(sensors.now()));
    started.add(server);
    metricsPort = server.port();
  }

  /** What was started, in start order: the running agent closes it in reverse. */
  public List<AutoCloseable> started() {
    return List.copyOf(started);
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  public DockerInventory inventory() {
    return inventory;
  }

  public HostInfo host() {
    return host;
  }

  public ChronicleJournal journal() {
    return journal;
  }

  /** The port of the metrics endpoint, or -1 when it is off. */
  public int metricsPort() {
    return metricsPort;
  }

  /** The network capture, when it runs (its policy is reloaded on SIGHUP). */
  public Optional<NetworkFlowSource> network() {
    return sources.stream()
        .filter(NetworkFlowSource.class::isInstance)
        .map(NetworkFlowSource.class::cast)
        .findFirst();
  }

  /** Closes what was started, in reverse: for a start that failed. */
  @Override
  public void close() {
    closeAll(started);
  }

  /** The newest index every sink committed; empty when one has committed nothing. */
  static OptionalLong shippedThrough(List<Shipper> shippers) {
    long min = Long.MAX_VALUE;
    for (Shipper s : shippers) {
      OptionalLong c = s.committed();
      if (c.isEmpty()) {
        return OptionalLong.empty();
      }
      min = Math.min(min, c.getAsLong());
    }
    return OptionalLong.of(min);
  }

  /** Closes each of {@code started}, last first; a failure is logged and the rest still close. */
  public static void closeAll(List<? extends AutoCloseable> started) {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        log.warn("while stopping: {}", e.toString());
      }
    }
  }
}
