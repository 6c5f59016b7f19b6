package dev.dockward.agent.config;

import dev.dockward.agent.ship.OutputFormat;
import dev.dockward.agent.ship.format.RecordFormat;
import dev.dockward.posture.PostureSettings;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The whole configuration. Every section and key has a default, so the empty file (or no file) is
 * the embedded default: journal under /var/lib/dockward, bundled rules, /proc scan and the system
 * Docker daemon as sources, alerts on stdout.
 */
public record AgentConfig(
    Host host,
    Journal journal,
    Rules rules,
    Sources sources,
    Sinks sinks,
    Pipeline pipeline,
    Metrics metrics,
    Alerts alerts,
    Posture posture) {
  public static final AgentConfig DEFAULT =
      new AgentConfig(null, null, null, null, null, null, null, null, null);

  public AgentConfig {
    host = Objects.requireNonNullElse(host, new Host(null));
    journal = Objects.requireNonNullElse(journal, new Journal(null, null));
    rules = Objects.requireNonNullElse(rules, new Rules(null, null));
    sources = Objects.requireNonNullElse(sources, new Sources(null, null, null));
    sinks = Objects.requireNonNullElse(sinks, new Sinks(null, null));
    pipeline = Objects.requireNonNullElse(pipeline, new Pipeline(null, null));
    metrics = Objects.requireNonNullElse(metrics, new Metrics(null, null, null));
    alerts = Objects.requireNonNullElse(alerts, new Alerts(null, null));
    posture = Objects.requireNonNullElse(posture, new Posture(null, null));
  }

  public AgentConfig withJournal(Journal j) {
    return new AgentConfig(host, j, rules, sources, sinks, pipeline, metrics, alerts, posture);
  }

  public AgentConfig withSources(Sources s) {
    return new AgentConfig(host, journal, rules, s, sinks, pipeline, metrics, alerts, posture);
  }

  public AgentConfig withSinks(Sinks s) {
    return new AgentConfig(host, journal, rules, sources, s, pipeline, metrics, alerts, posture);
  }

  public AgentConfig withMetrics(Metrics m) {
    return new AgentConfig(host, journal, rules, sources, sinks, pipeline, m, alerts, posture);
  }

  public AgentConfig withAlerts(Alerts a) {
    return new AgentConfig(host, journal, rules, sources, sinks, pipeline, metrics, a, posture);
  }

  public AgentConfig withPosture(Posture p) {
    return new AgentConfig(host, journal, rules, sources, sinks, pipeline, metrics, alerts, p);
  }

  /**
   * The host posture audit: at start and every {@code interval}; findings are {@code
   * posture_finding} events, opened and resolved as they change.
   *
   * <p>{@code min_docker_version} and {@code min_kernel_version} list the lowest acceptable release
   * of each line ({@code 25.0.6}: a 25.0 older than that is outdated; a line older than every
   * listed one is outdated; empty lists are not checked). {@code registry_allowlist} names the
   * registries images may come from ({@code docker.io}, {@code registry.example.com:5000}); empty:
   * not checked.
   */
  public record Posture(
      Boolean enabled,
      Duration interval,
      List<String> minDockerVersion,
      List<String> minKernelVersion,
      List<String> registryAllowlist) {
    public Posture {
      enabled = Objects.requireNonNullElse(enabled, true);
      interval = Objects.requireNonNullElse(interval, Duration.ofMinutes(5));
      minDockerVersion =
          List.copyOf(
              Objects.requireNonNullElse(
                  minDockerVersion, PostureSettings.DEFAULT.minDockerVersions()));
      minKernelVersion =
          List.copyOf(
              Objects.requireNonNullElse(
                  minKernelVersion, PostureSettings.DEFAULT.minKernelVersions()));
      registryAllowlist = List.copyOf(Objects.requireNonNullElse(registryAllowlist, List.of()));
    }

    /** The audit's switch and interval, with the default versions and no registry allowlist. */
    public Posture(Boolean enabled, Duration interval) {
      this(enabled, interval, null, null, null);
    }
  }

  /**
   * Noise control: one alert per (rule, container) per {@code dedupeWindow}, at most {@code
   * rulePerMinute} alerts of one rule per minute; what is held back is counted and reported as
   * {@code suppressed} on the next alert of the same rule and container.
   */
  public record Alerts(Duration dedupeWindow, Integer rulePerMinute, Integer globalPerMinute) {
    public Alerts {
      dedupeWindow = Objects.requireNonNullElse(dedupeWindow, Duration.ofSeconds(60));
      rulePerMinute = Objects.requireNonNullElse(rulePerMinute, 600);
      globalPerMinute = Objects.requireNonNullElse(globalPerMinute, 6000);
    }

    /** Without a global cap of its own (the default applies). */
    public Alerts(Duration dedupeWindow, Integer rulePerMinute) {
      this(dedupeWindow, rulePerMinute, null);
    }
  }

  /**
   * The Prometheus and health endpoint: {@code /metrics}, {@code /health/live}, {@code
   * /health/ready}.
   *
   * @param address where it listens; loopback by default, since the figures describe the host
   * @param port 10464 by default (9464, the default before, is OpenTelemetry's Prometheus
   *     exporter's); 0 picks a free port (tests)
   */
  public record Metrics(Boolean enabled, String address, Integer port) {
    public Metrics {
      enabled = Objects.requireNonNullElse(enabled, true);
      address = Objects.requireNonNullElse(address, "127.0.0.1");
      port = Objects.requireNonNullElse(port, 10464);
    }
  }

  /**
   * @param name the host name in records; empty means the system's host name
   */
  public record Host(String name) {
    public Host {
      name = Objects.requireNonNullElse(name, "");
    }
  }

  /**
   * @param dir the Chronicle Queue directory
   * @param rollCycle how often a new cycle file starts (default hourly)
   * @param syncInterval how often appended records are forced to disk (default 1s; 0s: every
   *     append): the most a power cut or kernel panic can lose
   * @param retention when whole roll cycles are deleted
   */
  public record Journal(
      String dir, RollCycle rollCycle, Duration syncInterval, Retention retention) {
    public Journal {
      dir = Objects.requireNonNullElse(dir, "/var/lib/dockward/journal");
      rollCycle = Objects.requireNonNullElse(rollCycle, RollCycle.HOURLY);
      syncInterval = Objects.requireNonNullElse(syncInterval, Duration.ofSeconds(1));
      retention = Objects.requireNonNullElse(retention, new Retention(null, null));
    }

    /** The journal with the default sync interval and retention. */
    public Journal(String dir, RollCycle rollCycle) {
      this(dir, rollCycle, null, null);
    }
  }

  /**
   * {@code journal.roll_cycle}: how often the journal starts a new cycle file (the unit of
   * retention).
   */
  public enum RollCycle {
    HOURLY,
    DAILY;

    /** The name in the config file and in {@code ChronicleJournal}'s API. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Journal retention, whichever limit comes first; only roll cycles every sink has shipped are
   * deleted, except when the journal exceeds {@code maxSize}: then the oldest cycles go even if
   * unshipped, counted and reported as {@code agent_journal_overflow}.
   *
   * @param maxAge cycles older than this are deleted once shipped (default 7d)
   * @param maxSize the most disk the journal may use (default 2GiB; units B, KiB, MiB, GiB)
   */
  public record Retention(Duration maxAge, ByteSize maxSize) {
    public Retention {
      maxAge = Objects.requireNonNullElse(maxAge, Duration.ofDays(7));
      maxSize = Objects.requireNonNullElse(maxSize, ByteSize.ofGiB(2));
    }
  }

  /**
   * @param bundled whether the rules shipped in the jar load; @param paths extra rule files or
   *     directories
   */
  public record Rules(Boolean bundled, List<String> paths) {
    public Rules {
      bundled = Objects.requireNonNullElse(bundled, true);
      paths = List.copyOf(Objects.requireNonNullElse(paths, List.of()));
    }
  }

  public record Sources(
      ProcScan procScan,
      Docker docker,
      Cgroup cgroup,
      Netlink netlink,
      Network network,
      HostWatch hostWatch,
      Audit audit) {
    public Sources {
      procScan = Objects.requireNonNullElse(procScan, new ProcScan(null, null));
      docker = Objects.requireNonNullElse(docker, new Docker(null, null, null));
      cgroup = Objects.requireNonNullElse(cgroup, new Cgroup(null, null));
      netlink = Objects.requireNonNullElse(netlink, new Netlink(null));
      network = Objects.requireNonNullElse(network, Network.DEFAULT);
      hostWatch = Objects.requireNonNullElse(hostWatch, new HostWatch(null, null, null));
      audit = Objects.requireNonNullElse(audit, new Audit(null));
    }

    /** The sources with audit at its default (off). */
    public Sources(
        ProcScan procScan,
        Docker docker,
        Cgroup cgroup,
        Netlink netlink,
        Network network,
        HostWatch hostWatch) {
      this(procScan, docker, cgroup, netlink, network, hostWatch, null);
    }

    /** The sources with the network capture and the host watch at their defaults. */
    public Sources(ProcScan procScan, Docker docker, Cgroup cgroup, Netlink netlink) {
      this(procScan, docker, cgroup, netlink, null, null, null);
    }

    public Sources withNetwork(Network n) {
      return new Sources(procScan, docker, cgroup, netlink, n, hostWatch, audit);
    }

    public Sources withHostWatch(HostWatch h) {
      return new Sources(procScan, docker, cgroup, netlink, network, h, audit);
    }

    public Sources withAudit(Audit a) {
      return new Sources(procScan, docker, cgroup, netlink, network, hostWatch, a);
    }

    /** The sources with netlink at its default. */
    public Sources(ProcScan procScan, Docker docker, Cgroup cgroup) {
      this(procScan, docker, cgroup, null);
    }
  }

  /**
   * @param enabled whether exec events come from the Linux audit subsystem (program, every
   *     argument, working directory, recorded by the kernel even for a process that ends at once).
   *     Off by default: its syscall rules cost every task on the host a little per syscall (see
   *     docs/benchmarks.md). Needs CAP_AUDIT_CONTROL (and CAP_AUDIT_READ beside auditd)
   */
  public record Audit(Boolean enabled) {
    public Audit {
      enabled = Objects.requireNonNullElse(enabled, false);
    }
  }

  /**
   * Capture on Docker bridges ({@code flow} events). On by default; it needs {@code CAP_NET_RAW}
   * (root), and where it cannot run (no such right, no Docker bridge) the agent runs on with the
   * {@code network} sensor reported degraded. It changes no interface setting (no promiscuous
   * mode): see docs/network.md.
   *
   * @param interfaces globs of the bridges to capture on (Docker's default bridge and user
   *     networks)
   * @param snapLength bytes of each frame the kernel hands over (headers only)
   * @param ringMb each bridge's capture ring, in MiB
   * @param rescanInterval how often bridges that appeared or vanished are looked for
   * @param maxFlows the flow table's size; the flow seen least recently is evicted beyond it
   * @param idleTimeout a flow without packets for this long ends
   * @param activeTimeout a flow that lasts reports an update this often
   * @param scanWindow the window of the per-source scan counts ({@code flow.scan})
   * @param policy a policy file of allowed edges between containers; empty for none
   * @param learning learning mode
   */
  public record Network(
      Boolean enabled,
      List<String> interfaces,
      Integer snapLength,
      Integer ringMb,
      Duration rescanInterval,
      Integer maxFlows,
      Duration idleTimeout,
      Duration activeTimeout,
      Duration scanWindow,
      String policy,
      Learning learning) {
    public static final Network DEFAULT =
        new Network(null, null, null, null, null, null, null, null, null, null, null);

    public Network {
      enabled = Objects.requireNonNullElse(enabled, true);
      interfaces = List.copyOf(Objects.requireNonNullElse(interfaces, List.of("docker0", "br-*")));
      snapLength = Objects.requireNonNullElse(snapLength, 128);
      ringMb = Objects.requireNonNullElse(ringMb, 8);
      rescanInterval = Objects.requireNonNullElse(rescanInterval, Duration.ofSeconds(5));
      maxFlows = Objects.requireNonNullElse(maxFlows, 65_536);
      idleTimeout = Objects.requireNonNullElse(idleTimeout, Duration.ofSeconds(60));
      activeTimeout = Objects.requireNonNullElse(activeTimeout, Duration.ofSeconds(60));
      scanWindow = Objects.requireNonNullElse(scanWindow, Duration.ofSeconds(10));
      policy = Objects.requireNonNullElse(policy, "");
      learning = Objects.requireNonNullElse(learning, new Learning(null, null, null));
      if (learning.enabled() == null) {
        learning = learning.withEnabled(policy.isBlank());
      }
    }

    /** Learning as it is when not set: on without a policy file, off with one. */
    private static Learning defaultLearning(String policy) {
      return new Learning(policy.isBlank(), null, null);
    }

    public Network withEnabled(boolean on) {
      return new Network(
          on,
          interfaces,
          snapLength,
          ringMb,
          rescanInterval,
          maxFlows,
          idleTimeout,
          activeTimeout,
          scanWindow,
          policy,
          learning);
    }

    /** With a policy file; learning left at its default follows the default for the new policy. */
    public Network withPolicy(String file) {
      return new Network(
          enabled,
          interfaces,
          snapLength,
          ringMb,
          rescanInterval,
          maxFlows,
          idleTimeout,
          activeTimeout,
          scanWindow,
          file,
          learning.equals(defaultLearning(policy)) ? null : learning);
    }

    public Network withLearning(Learning l) {
      return new Network(
          enabled,
          interfaces,
          snapLength,
          ringMb,
          rescanInterval,
          maxFlows,
          idleTimeout,
          activeTimeout,
          scanWindow,
          policy,
          l);
    }

    public Network withRescanInterval(Duration interval) {
      return new Network(
          enabled,
          interfaces,
          snapLength,
          ringMb,
          interval,
          maxFlows,
          idleTimeout,
          activeTimeout,
          scanWindow,
          policy,
          learning);
    }
  }

  /**
   * @param enabled whether edges between containers are learned: the first {@code period} is
   *     learned, later edges not learned are unexpected. When not set: on without a policy file,
   *     off with one (a policy file says what is expected; its {@code default} applies at once)
   * @param period how long after learning first started edges are recorded; new edges after it are
   *     unexpected
   * @param file where the learned edges are kept; empty for {@code network-learned-edges.json} in
   *     the journal directory
   * @param maxEdges the learned set's size (10000); edges beyond it are not learned, and counted
   * @param maxPortsPerPair service ports learned per pair of containers and protocol (16)
   * @param scanThreshold distinct ports or hosts within the scan window at which a container's
   *     flows are a scan and are not learned (30, as the bundled scan rule)
   */
  public record Learning(
      Boolean enabled,
      Duration period,
      String file,
      Integer maxEdges,
      Integer maxPortsPerPair,
      Integer scanThreshold) {
    public Learning {
      // enabled stays unset here: the network section decides its default (see Network).
      period = Objects.requireNonNullElse(period, Duration.ofHours(24));
      file = Objects.requireNonNullElse(file, "");
      maxEdges = Objects.requireNonNullElse(maxEdges, 10_000);
      maxPortsPerPair = Objects.requireNonNullElse(maxPortsPerPair, 16);
      scanThreshold = Objects.requireNonNullElse(scanThreshold, 30);
    }

    public Learning(Boolean enabled, Duration period, String file) {
      this(enabled, period, file, null, null, null);
    }

    public Learning withEnabled(boolean on) {
      return new Learning(on, period, file, maxEdges, maxPortsPerPair, scanThreshold);
    }
  }

  /**
   * @param enabled whether core_pattern, cgroup release agents and containers' cgroup mounts are
   *     compared pass by pass ({@code host_file_change}, {@code container_mount} events)
   * @param interval the pause between passes
   * @param socketInterval the pause between looks for container processes connected to the Docker
   *     API socket (a kernel socket-table dump: cheap, so often)
   */
  public record HostWatch(Boolean enabled, Duration interval, Duration socketInterval) {
    public HostWatch {
      enabled = Objects.requireNonNullElse(enabled, true);
      interval = Objects.requireNonNullElse(interval, Duration.ofSeconds(1));
      socketInterval = Objects.requireNonNullElse(socketInterval, Duration.ofMillis(250));
    }
  }

  /**
   * @param interval how often every running container's cgroup is sampled ({@code resource_sample}
   *     events)
   */
  public record Cgroup(Boolean enabled, Duration interval) {
    public Cgroup {
      enabled = Objects.requireNonNullElse(enabled, true);
      interval = Objects.requireNonNullElse(interval, Duration.ofSeconds(1));
    }
  }

  /**
   * @param enabled whether real-time process events come from the kernel's process connector; when
   *     it cannot be opened (not root, no CONFIG_PROC_EVENTS) the agent says so and relies on the
   *     /proc scan
   * @param execFiles whether the file of every exec in a container is recorded at exec time
   *     (fanotify {@code FAN_OPEN_EXEC}, default on) for the exec events to carry, so that a
   *     process gone before it was read still has its exe
   */
  public record Netlink(Boolean enabled, Boolean execFiles) {
    public Netlink {
      enabled = Objects.requireNonNullElse(enabled, true);
      execFiles = Objects.requireNonNullElse(execFiles, true);
    }

    /** Netlink on or off, exec files at their default. */
    public Netlink(Boolean enabled) {
      this(enabled, null);
    }
  }

  /**
   * @param interval how often /proc is listed for new processes; with netlink running the scan is
   *     the reconciliation rescan (it reports only what netlink missed)
   */
  public record ProcScan(Boolean enabled, Duration interval) {
    public ProcScan {
      enabled = Objects.requireNonNullElse(enabled, true);
      interval = Objects.requireNonNullElse(interval, Duration.ofSeconds(1));
    }
  }

  /**
   * @param host the daemon's address; @param maxBackoff the longest wait between reconnection
   *     attempts
   */
  public record Docker(Boolean enabled, String host, Duration maxBackoff) {
    public Docker {
      enabled = Objects.requireNonNullElse(enabled, true);
      host = Objects.requireNonNullElse(host, "unix:///var/run/docker.sock");
      maxBackoff = Objects.requireNonNullElse(maxBackoff, Duration.ofSeconds(30));
    }
  }

  public record Sinks(Stdout stdout, Kafka kafka, FileSink file) {
    public Sinks {
      stdout = Objects.requireNonNullElse(stdout, new Stdout(null, null, null));
      kafka = Objects.requireNonNullElse(kafka, new Kafka(null, null, null, null, null));
      file =
          Objects.requireNonNullElse(file, new FileSink(null, null, null, null, null, null, null));
    }

    /** No file sink. */
    public Sinks(Stdout stdout, Kafka kafka) {
      this(stdout, kafka, null);
    }

    /** Whether stdout ships: {@code true}, or {@code auto} with no other sink configured. */
    public boolean stdoutOn() {
      return stdout.enabled() == StdoutMode.ON
          || (stdout.enabled() == StdoutMode.AUTO && !kafka.enabled() && !file.enabled());
    }
  }

  /**
   * A local file of records, rotated by size, shipped from the journal with its own checkpoint like
   * Kafka (for log forwarders that tail files).
   *
   * @param path the current file; rotated ones are {@code path.1} (newest) to {@code path.N}
   * @param maxSize the size past which the file is rotated (default 100MiB)
   * @param maxFiles rotated files kept (default 5)
   * @param format {@code jsonl} or {@code text}
   * @param events whether events are written too, not only alerts (and the agent's lifecycle
   *     records)
   * @param outputFormat {@code native}, {@code ocsf} or {@code ecs}
   */
  public record FileSink(
      Boolean enabled,
      String path,
      ByteSize maxSize,
      Integer maxFiles,
      OutputFormat format,
      Boolean events,
      RecordFormat outputFormat) {
    public FileSink {
      enabled = Objects.requireNonNullElse(enabled, false);
      path = Objects.requireNonNullElse(path, "/var/log/dockward/alerts.jsonl");
      maxSize = Objects.requireNonNullElse(maxSize, ByteSize.ofMiB(100));
      maxFiles = Objects.requireNonNullElse(maxFiles, 5);
      format = Objects.requireNonNullElse(format, OutputFormat.JSONL);
      events = Objects.requireNonNullElse(events, false);
      outputFormat = Objects.requireNonNullElse(outputFormat, RecordFormat.NATIVE);
    }
  }

  /**
   * @param enabled whether records ship to Kafka
   * @param bootstrapServers {@code host:port[,host:port…]}
   * @param topics where alerts and events go
   * @param events whether events ship too (alerts always do)
   * @param outputFormat {@code native}, {@code ocsf} or {@code ecs} (alerts and lifecycle records
   *     mapped; other events native)
   * @param properties Kafka producer properties passed through as written (TLS, SASL, tuning), e.g.
   *     {@code security.protocol: SSL}; they override Dockward's tuning defaults, but not what its
   *     delivery guarantee rests on (acks, idempotence, serializers)
   */
  public record Kafka(
      Boolean enabled,
      String bootstrapServers,
      Topics topics,
      Boolean events,
      Map<String, String> properties,
      RecordFormat outputFormat) {
    public Kafka {
      enabled = Objects.requireNonNullElse(enabled, false);
      bootstrapServers = Objects.requireNonNullElse(bootstrapServers, "");
      topics = Objects.requireNonNullElse(topics, new Topics(null, null));
      events = Objects.requireNonNullElse(events, false);
      properties = Map.copyOf(Objects.requireNonNullElse(properties, Map.of()));
      outputFormat = Objects.requireNonNullElse(outputFormat, RecordFormat.NATIVE);
    }

    /** Native records. */
    public Kafka(
        Boolean enabled,
        String bootstrapServers,
        Topics topics,
        Boolean events,
        Map<String, String> properties) {
      this(enabled, bootstrapServers, topics, events, properties, null);
    }
  }

  /**
   * @param alerts the alerts topic; @param events the events topic (used when events ship)
   */
  public record Topics(String alerts, String events) {
    public Topics {
      alerts = Objects.requireNonNullElse(alerts, "dockward.alerts");
      events = Objects.requireNonNullElse(events, "dockward.events");
    }
  }

  /**
   * @param enabled {@code auto} (on when no other sink is configured), {@code true} or {@code
   *     false}
   * @param format {@code jsonl} or {@code text}
   * @param events whether events are printed too, not only alerts
   * @param outputFormat {@code native}, {@code ocsf} or {@code ecs} (alerts and lifecycle records
   *     mapped; other events native)
   */
  public record Stdout(
      StdoutMode enabled, OutputFormat format, Boolean events, RecordFormat outputFormat) {
    public Stdout {
      enabled = Objects.requireNonNullElse(enabled, StdoutMode.AUTO);
      format = Objects.requireNonNullElse(format, OutputFormat.JSONL);
      events = Objects.requireNonNullElse(events, false);
      outputFormat = Objects.requireNonNullElse(outputFormat, RecordFormat.NATIVE);
    }

    /** Native records. */
    public Stdout(StdoutMode enabled, OutputFormat format, Boolean events) {
      this(enabled, format, events, null);
    }
  }

  /** {@code sinks.stdout.enabled}: {@code auto}, {@code true} or {@code false}. */
  public enum StdoutMode {
    /** On when no other sink is configured. */
    AUTO,
    ON,
    OFF
  }

  /**
   * @param queueCapacity events waiting between the sources and the journal before sources wait
   * @param heartbeat how often the agent journals (and ships) {@code agent_heartbeat}
   */
  public record Pipeline(Integer queueCapacity, Duration heartbeat) {
    public Pipeline {
      queueCapacity = Objects.requireNonNullElse(queueCapacity, 65_536);
      heartbeat = Objects.requireNonNullElse(heartbeat, Duration.ofSeconds(30));
    }
  }
}
