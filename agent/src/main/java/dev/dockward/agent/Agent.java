package dev.dockward.agent;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.config.Durations;
import dev.dockward.agent.config.Sizes;
import dev.dockward.agent.detect.AlertThrottle;
import dev.dockward.agent.detect.AncestryDetector;
import dev.dockward.agent.detect.HostOsDetector;
import dev.dockward.agent.detect.MinerSignalDetector;
import dev.dockward.agent.health.ReadyBody;
import dev.dockward.agent.health.SensorStates;
import dev.dockward.agent.host.HostIdentity;
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
import dev.dockward.agent.schema.SchemaCheckingSink;
import dev.dockward.agent.schema.SchemaViolations;
import dev.dockward.agent.ship.Checkpoint;
import dev.dockward.agent.ship.FileCheckpoint;
import dev.dockward.agent.ship.KafkaSink;
import dev.dockward.agent.ship.OutputFormat;
import dev.dockward.agent.ship.RotatingFileSink;
import dev.dockward.agent.ship.Shipper;
import dev.dockward.agent.ship.Sink;
import dev.dockward.agent.ship.format.FormattingSink;
import dev.dockward.agent.ship.format.RecordFormat;
import dev.dockward.agent.ship.ShipperSettings;
import dev.dockward.agent.ship.StdoutSink;
import dev.dockward.cgroup.CgroupSampler;
import dev.dockward.docker.DockerApi;
import dev.dockward.docker.DockerInventory;
import dev.dockward.docker.DockerSource;
import dev.dockward.docker.InspectingDirectory;
import dev.dockward.event.HostInfo;
import dev.dockward.execfile.ExecFiles;
import dev.dockward.host.MachineFactsAtStart;
import dev.dockward.host.MachineFactsProvider;
import dev.dockward.host.OshiMachineFacts;
import dev.dockward.hostfs.HostFs;
import dev.dockward.net.NetworkFlowSource;
import dev.dockward.posture.AuditTriggers;
import dev.dockward.posture.PostureSource;
import dev.dockward.hostwatch.HostWatchSource;
import dev.dockward.netlink.NetlinkProcessSource;
import dev.dockward.netlink.NetlinkUnavailableException;
import dev.dockward.proc.HostNamespaces;
import dev.dockward.proc.HostReference;
import dev.dockward.proc.ProcReader;
import dev.dockward.proc.ProcScanSource;
import dev.dockward.proc.ProcessLineage;
import dev.dockward.proc.RecentProcesses;
import dev.dockward.proc.SeenProcesses;
import dev.dockward.source.ContainerDirectory;
import dev.dockward.source.Source;
import dev.dockward.source.Workers;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent, started in named steps and torn down in reverse: journal, shippers,
 * pipeline, sources. Closing it stops the sources, lets the pipeline journal what it holds and
 * the shippers deliver what the journal holds, then closes the journal.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  /** Processes remembered for the ancestry of alerts (entries of a few hundred bytes). */
  private static final int RECENT_PROCESSES = 8192;
  /** How long the pipeline waits for the daemon to describe a container it does not know yet. */
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);
  /** How long agent_started and the first posture audit wait for OSHI's first (slow) reading. */
  private static final Duration HOST_FACTS_WAIT = Duration.ofSeconds(15);

  private final List<AutoCloseable> teardown = new ArrayList<>();
  private final Pipeline pipeline;
  private final DockerInventory inventory;
  private volatile boolean closed;
  private volatile int metricsPort = -1;
  private volatile NetworkFlowSource network;

  private Agent(Pipeline pipeline, DockerInventory inventory) {
    this.pipeline = pipeline;
    this.inventory = inventory;
  }

  /**
   * Starts an agent. On failure everything already started is closed again.
   *
   * @param config the effective configuration (file and command line merged)
   * @param detector the loaded rules
   * @param stdout where the stdout sink writes
   */
  public static Agent start(AgentConfig config, Detector rules, PrintStream stdout) throws Exception {
    List<AutoCloseable> started = new ArrayList<>();
    // Read while the rest starts: OSHI's first call takes about a second.
    MachineFactsAtStart machine = MachineFactsAtStart.begin(new OshiMachineFacts(HostFs.system()), HOST_FACTS_WAIT);
    // Miner signals before noise control: the correlation sees every signal the rules raise.
    Detector throttled = new AlertThrottle(new MinerSignalDetector(rules),
        Durations.parse(config.alerts().dedupeWindow()), config.alerts().rulePerMinute(),
        config.alerts().globalPerMinute());
    // Ancestry after noise control: only the alerts that go out pay for the /proc lookups.
    Detector detector = new HostOsDetector(new AncestryDetector(throttled, new RecentProcesses(RECENT_PROCESSES),
        ProcessLineage.live(new ProcReader(HostFs.system()))), machine::readIfDone);
    try {
      ChronicleJournal journal = ChronicleJournal.openForWriting(Path.of(config.journal().dir()),
          config.journal().rollCycle(), SystemTimeProvider.INSTANCE, Durations.parse(config.journal().syncInterval()));
      started.add(journal);
      SensorStates sensors = new SensorStates();
      if (!journal.damagedCycles().isEmpty()) {
        sensors.unavailable("journal", journal.damagedCycles().size() + " damaged cycle file(s) found at start and "
            + "moved aside (their records are not in the journal): " + String.join("; ", journal.damagedCycles()));
      }
      HostInfo host = HostIdentity.detect(config.host().name(), Path.of("/etc/machine-id"));
      RecordIds ids = RecordIds.forNewRun(HostIdentity.idPrefix(host));
      log.info("record ids of this run start with {}", ids.runPrefix());

      SchemaViolations violations = new SchemaViolations();
      PublishedSchema schema = PublishedSchema.load();
      List<Shipper> shippers = new ArrayList<>();
      // Shippers start before the pipeline so that they are closed after it: the last records
      // journalled before a stop are still shipped.
      AgentConfig.Kafka kafka = config.sinks().kafka();
      if (kafka.enabled()) {
        Shipper kafkaShipper = new Shipper(journal,
            checked(formatted(KafkaSink.create(kafka), kafka.outputFormat(), rules), schema, violations),
            FileCheckpoint.forSink(journal, KafkaSink.NAME),
            ShipperSettings.of(kafka.events(), ShipperSettings.Start.JOURNAL_START).withLifecycle());
        kafkaShipper.start();
        started.add(kafkaShipper);
        shippers.add(kafkaShipper);
        log.info("shipping {} to Kafka at {}", kafka.events() ? "alerts and events" : "alerts", kafka.bootstrapServers());
      } else if (!kafka.bootstrapServers().isBlank()) {
        log.warn("sinks.kafka.bootstrap_servers is set but sinks.kafka.enabled is not true: not shipping to Kafka");
      }
      AgentConfig.FileSink file = config.sinks().file();
      if (file.enabled()) {
        Sink fileSink = new RotatingFileSink(Path.of(file.path()), Sizes.parse(file.maxSize()), file.maxFiles(),
            OutputFormat.parse(file.format()));
        Shipper fileShipper = new Shipper(journal, formatted(fileSink, file.outputFormat(), rules),
            FileCheckpoint.forSink(journal, RotatingFileSink.NAME),
            ShipperSettings.of(file.events(), ShipperSettings.Start.JOURNAL_START).withLifecycle());
        fileShipper.start();
        started.add(fileShipper);
        shippers.add(fileShipper);
        log.info("writing {} to {}", file.events() ? "alerts and events" : "alerts", file.path());
      }
      if (config.sinks().stdoutOn()) {
        // stdout is a live view: no checkpoint, a fresh run prints from now on.
        Shipper stdoutShipper = new Shipper(journal,
            checked(formatted(new StdoutSink(stdout, OutputFormat.parse(config.sinks().stdout().format())),
                config.sinks().stdout().outputFormat(), rules), schema, violations),
            Checkpoint.none(), ShipperSettings.of(config.sinks().stdout().events(), ShipperSettings.Start.JOURNAL_END));
        stdoutShipper.start();
        started.add(stdoutShipper);
        shippers.add(stdoutShipper);
      }

      DockerInventory inventory = new DockerInventory();
      ContainerDirectory directory = inventory;
      if (config.sources().docker().enabled()) {
        // Its own client: the pipeline's questions never wait behind the event stream's.
        // A short timeout: the pipeline waits for the answer, and a hung daemon must not stall it long.
        DockerApi lookups = new DockerApi(URI.create(config.sources().docker().host()), LOOKUP_TIMEOUT);
        started.add(lookups); // closed after the pipeline that uses it
        InspectingDirectory inspecting = new InspectingDirectory(lookups, Clock.systemUTC());
        directory = id -> inventory.byId(id).or(() -> inspecting.byId(id));
      }
      Pipeline pipeline = new Pipeline(config.pipeline().queueCapacity(), directory, host, ids, journal, detector,
          () -> shippers.forEach(Shipper::wake), () -> shippers.forEach(Shipper::recordsJournalled));
      pipeline.start();
      started.add(pipeline);

      Agent agent = new Agent(pipeline, inventory);
      List<Source> sources = sources(config, inventory, machine, sensors);
      for (Source source : sources) {
        source.start(pipeline);
        started.add(source);
        sensors.started(source);
        log.info("source {} started", source.name());
      }
      AgentLifecycleSource lifecycle = new AgentLifecycleSource(() -> lostEvents(sources, pipeline),
          Durations.parse(config.pipeline().heartbeat()), Clock.systemUTC(), AgentVersion.get(), Optional.of(machine),
          sensors::now, pipeline::journalAccepting);
      lifecycle.start(pipeline);
      started.add(lifecycle);
      JournalRetention retention = retention(config.journal(), journal, shippers, lifecycle);
      started.add(retention);
      AgentConfig.Metrics metrics = config.metrics();
      if (metrics.enabled()) {
        AgentMetrics registry = new AgentMetrics(pipeline.stats(), detector, sources, shippers, inventory,
            journal.dir());
        registry.schemaViolations(violations);
        registry.sensors(sensors);
        registry.process(AgentVersion.get());
        registry.shipping(journal, shippers);
        JournalMetrics.register(registry.registry(), journal, retention);
        // Live: every thread runs (sources' threads are restarted after failures, so a dead one is stuck).
        BooleanSupplier live = () -> pipeline.running() && shippers.stream().allMatch(Shipper::running)
            && sources.stream().allMatch(Source::alive);
        MetricsServer server = MetricsServer.start(metrics.address(), metrics.port(), registry.registry(), live,
            () -> live.getAsBoolean() && pipeline.journalAccepting(), () -> ReadyBody.of(sensors.now()));
        started.add(server);
        agent.metricsPort = server.port();
      }
      sources.stream().filter(NetworkFlowSource.class::isInstance).map(NetworkFlowSource.class::cast).findFirst()
          .ifPresent(n -> agent.network = n);
      agent.teardown.addAll(started);
      log.info("dockward running on {} (journal {})", host.name(), journal.dir());
      return agent;
    } catch (Exception | Error e) {
      closeAll(started);
      throw e;
    }
  }

  /**
   * The configured sources, not started yet. Each sensor that is off or could not start is put in
   * {@code sensors} with the reason; the ones returned are added as they start.
   */
  private static List<Source> sources(AgentConfig config, DockerInventory inventory, MachineFactsProvider machine,
      SensorStates sensors) {
    List<Source> sources = new ArrayList<>();
    // Docker first: its initial listing fills the inventory the /proc events are enriched from.
    AgentConfig.Docker docker = config.sources().docker();
    PostureSource postureSource = PostureWiring.postureSource(config, machine);
    if (postureSource == null) {
      sensors.disabled("posture", "posture.enabled");
    }
    Optional<NetworkFlowSource> network = NetworkWiring.networkSource(config, inventory, sensors);
    // Each Docker API event asks the daemon socket watch for a pass at once: the client that
    // caused it may still be connected.
    AtomicReference<HostWatchSource> socketWatch = new AtomicReference<>();
    if (docker.enabled()) {
      sources.add(new DockerSource(new DockerApi(URI.create(docker.host())), inventory, Clock.systemUTC(),
          Durations.parse(docker.maxBackoff()), e -> {
            if (postureSource != null) {
              AuditTriggers.reason(e).ifPresent(postureSource::requestAudit);
            }
            network.filter(n -> NetworkWiring.bridgesMayHaveChanged(e)).ifPresent(NetworkFlowSource::rescanNow);
            HostWatchSource w = socketWatch.get();
            if (w != null) {
              w.passNow();
            }
          }));
    } else {
      sensors.disabled("docker", "sources.docker.enabled");
    }
    HostFs hostFs = HostFs.system();
    // The host's namespaces from a host process, never from the agent: a systemd sandbox gives the
    // agent a mount namespace of its own.
    HostReference reference = HostReference.find(hostFs);
    HostNamespaces hostNamespaces = reference.namespaces();
    if (!reference.fromHostProcess()) {
      sensors.unavailable("host_namespaces", "neither pid 1 nor dockerd/containerd can be read: the host's "
          + "namespaces are taken from the agent's own, which differ from the host's under a sandbox");
    }
    if (!hostNamespaces.known()) {
      log.warn("cannot read the host's namespaces: processes are not compared with the host's (no host_ns)");
    } else {
      log.info("host namespaces read from {}", reference.description());
      List<String> differ = reference.agentDiffers();
      if (!differ.isEmpty()) {
        log.warn("the agent runs in namespaces of its own ({}), not the host's (as under the systemd unit's "
            + "sandbox): host namespaces, paths and mounts are read through {}", differ, reference.description());
      }
    }
    ProcReader reader = new ProcReader(hostFs, hostNamespaces);
    SeenProcesses seen = new SeenProcesses();
    AgentConfig.ProcScan procScan = config.sources().procScan();
    ProcScanSource scan = procScan.enabled()
        ? new ProcScanSource(reader, Durations.parse(procScan.interval()), Clock.systemUTC(), seen)
        : null;
    // While the audit source runs it alone reports exec events; netlink keeps the rest.
    AtomicBoolean auditReportsExecs = new AtomicBoolean();
    AuditWiring.auditSource(config, hostFs, reader, auditReportsExecs, sensors).ifPresent(sources::add);
    ExecFiles execFiles = ExecFileWiring.execFiles(config, hostFs, inventory, sensors, sources::add);
    if (config.sources().netlink().enabled()) {
      try {
        Runnable rescan = scan == null ? () -> { } : scan::rescanNow;
        sources.add(NetlinkProcessSource.open(reader, seen, rescan, Clock.systemUTC(),
            NetlinkProcessSource.Settings.DEFAULT, auditReportsExecs::get, execFiles));
      } catch (NetlinkUnavailableException e) {
        String fallback = scan == null ? "the /proc scan is disabled too: no process events"
            : "processes come from the /proc scan every " + procScan.interval() + ", short-lived ones are missed";
        log.warn("netlink process events unavailable ({}); {}", e.getMessage(), fallback);
        sensors.unavailable(NetlinkProcessSource.NAME, "no netlink process connector (" + e.getMessage() + "); "
            + fallback);
      }
    } else {
      sensors.disabled(NetlinkProcessSource.NAME, "sources.netlink.enabled");
    }
    if (scan != null) {
      sources.add(scan);
    } else {
      sensors.disabled(ProcScanSource.NAME, "sources.proc_scan.enabled");
    }
    AgentConfig.Cgroup cgroup = config.sources().cgroup();
    if (cgroup.enabled()) {
      // The agent runs on the host (systemd unit), so the JVM sees the host's CPUs.
      sources.add(new CgroupSampler(hostFs, inventory::running, Durations.parse(cgroup.interval()),
          Clock.systemUTC(), Runtime.getRuntime().availableProcessors()));
    } else {
      sensors.disabled(CgroupSampler.NAME, "sources.cgroup.enabled");
    }
    HostWatchWiring.hostWatch(config, hostFs, reader, inventory, sensors).ifPresent(sources::add);
    HostWatchWiring.hostWrites(config, hostFs, reference, reader, inventory, sensors).ifPresent(sources::add);
    SensitiveOpenWiring.sensitiveOpens(config, hostFs, reference, reader, inventory, sensors).ifPresent(sources::add);
    HostWatchWiring.socketWatch(config, hostFs, reader, inventory, sensors).ifPresent(w -> {
      socketWatch.set(w);
      sources.add(w);
    });
    network.ifPresent(sources::add);
    if (postureSource != null) {
      sources.add(postureSource);
    }
    return sources;
  }

  /** The sink behind a check of every native record against the published schema. */
  private static Sink checked(Sink sink, PublishedSchema schema, SchemaViolations violations) {
    return new SchemaCheckingSink(sink, schema, violations);
  }

  /**
   * Journal retention by age and size, over what every sink committed; runs every minute and at
   * once when the journal's disk is full. Unshipped records it must delete are journalled as
   * {@code agent_journal_overflow}.
   */
  private static JournalRetention retention(AgentConfig.Journal config, ChronicleJournal journal,
      List<Shipper> shippers, AgentLifecycleSource lifecycle) {
    JournalRetention.Policy policy = new JournalRetention.Policy(Durations.parse(config.retention().maxAge()),
        Sizes.parse(config.retention().maxSize()));
    JournalRetention retention = new JournalRetention(journal, policy, Clock.systemUTC(),
        () -> shippedThrough(shippers), lifecycle::journalOverflow);
    journal.onDiskFull(retention::runSoon);
    retention.start(Duration.ofMinutes(1));
    return retention;
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

  /**
   * The sink, writing alerts and lifecycle records in the configured format (native needs no
   * wrapper); mapped alerts carry the descriptions of the rules loaded when they are shipped.
   */
  private static Sink formatted(Sink sink, String outputFormat, Detector rules) {
    RecordFormat format = RecordFormat.parse(outputFormat);
    return format == RecordFormat.NATIVE ? sink : new FormattingSink(sink, format, rules::ruleDescription);
  }

  /** Events lost for good: what sources count as drops, and records the journal refused. */
  static long lostEvents(List<Source> sources, Pipeline pipeline) {
    long lost = pipeline.stats().journalFailures() + pipeline.stats().unrecordable();
    for (Source s : sources) {
      for (var counter : s.counters().entrySet()) {
        if (counter.getKey().endsWith("drops")) {
          lost += counter.getValue();
        }
      }
    }
    return lost;
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  /** The port of the metrics endpoint, or -1 when it is off. */
  /**
   * Applies what a reloaded configuration may change without a restart beside the rules: the
   * network policy file is read again (its path and the capture itself need a restart).
   */
  public void reload(AgentConfig next) {
    NetworkFlowSource n = network;
    if (n != null && next.sources().network().enabled()) {
      NetworkWiring.reloadPolicy(n, next.sources().network());
    }
  }

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
    Thread stopper = new Thread(() -> closeAll(teardown), "dockward-stop");
    stopper.setDaemon(true);
    stopper.start();
    if (!Workers.join(stopper, STOP_BUDGET)) {
      log.error("dockward did not stop within {}: {} events still queued were not journalled; exiting anyway",
          STOP_BUDGET, pipeline.queued());
      return;
    }
    log.info("dockward stopped: {} events, {} alerts, {} journal failures",
        pipeline.stats().events(), pipeline.stats().alerts(), pipeline.stats().journalFailures());
  }

  /** How long a stop may take: the unit gives 30 s before SIGKILL. */
  static final Duration STOP_BUDGET = Duration.ofSeconds(25);

  private static void closeAll(List<AutoCloseable> started) {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        log.warn("while stopping: {}", e.toString());
      }
    }
  }
}
