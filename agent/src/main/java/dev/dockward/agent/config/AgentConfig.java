package dev.dockward.agent.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole configuration. Every section and key has a default, so the empty file (or no file)
 * is the embedded default: journal under /var/lib/dockward, bundled rules, /proc scan and the
 * system Docker daemon as sources, alerts on stdout.
 */
public record AgentConfig(
    Host host, Journal journal, Rules rules, Sources sources, Sinks sinks, Pipeline pipeline, Metrics metrics,
    Alerts alerts, Posture posture) {
  public static final AgentConfig DEFAULT = new AgentConfig(null, null, null, null, null, null, null, null, null);

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
   * The host posture audit: at start and every {@code interval}; findings are
   * {@code posture_finding} events, opened and resolved as they change.
   */
  public record Posture(Boolean enabled, String interval) {
    public Posture {
      enabled = Objects.requireNonNullElse(enabled, true);
      interval = Objects.requireNonNullElse(interval, "5m");
    }
  }

  /**
   * Noise control: one alert per (rule, container) per {@code dedupeWindow}, at most
   * {@code rulePerMinute} alerts of one rule per minute; what is held back is counted and
   * reported as {@code suppressed} on the next alert of the same rule and container.
   */
  public record Alerts(String dedupeWindow, Integer rulePerMinute) {
    public Alerts {
      dedupeWindow = Objects.requireNonNullElse(dedupeWindow, "60s");
      rulePerMinute = Objects.requireNonNullElse(rulePerMinute, 600);
    }
  }

  /**
   * The Prometheus and health endpoint: {@code /metrics}, {@code /health/live}, {@code /health/ready}.
   *
   * @param address where it listens; loopback by default, since the figures describe the host
   * @param port 0 picks a free port (tests)
   */
  public record Metrics(Boolean enabled, String address, Integer port) {
    public Metrics {
      enabled = Objects.requireNonNullElse(enabled, true);
      address = Objects.requireNonNullElse(address, "127.0.0.1");
      port = Objects.requireNonNullElse(port, 9464);
    }
  }

  /** @param name the host name in records; empty means the system's host name */
  public record Host(String name) {
    public Host {
      name = Objects.requireNonNullElse(name, "");
    }
  }

  /**
   * @param dir the Chronicle Queue directory
   * @param rollCycle {@code hourly} or {@code daily}
   * @param syncInterval how often appended records are forced to disk (default 1s; 0s: every
   *     append): the most a power cut or kernel panic can lose
   * @param retention when whole roll cycles are deleted
   */
  public record Journal(String dir, String rollCycle, String syncInterval, Retention retention) {
    public Journal {
      dir = Objects.requireNonNullElse(dir, "/var/lib/dockward/journal");
      rollCycle = Objects.requireNonNullElse(rollCycle, "hourly");
      syncInterval = Objects.requireNonNullElse(syncInterval, "1s");
      retention = Objects.requireNonNullElse(retention, new Retention(null, null));
    }

    /** The journal with the default sync interval and retention. */
    public Journal(String dir, String rollCycle) {
      this(dir, rollCycle, null, null);
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
  public record Retention(String maxAge, String maxSize) {
    public Retention {
      maxAge = Objects.requireNonNullElse(maxAge, "7d");
      maxSize = Objects.requireNonNullElse(maxSize, "2GiB");
    }
  }

  /** @param bundled whether the rules shipped in the jar load; @param paths extra rule files or directories */
  public record Rules(Boolean bundled, List<String> paths) {
    public Rules {
      bundled = Objects.requireNonNullElse(bundled, true);
      paths = List.copyOf(Objects.requireNonNullElse(paths, List.of()));
    }
  }

  public record Sources(ProcScan procScan, Docker docker, Cgroup cgroup, Netlink netlink) {
    public Sources {
      procScan = Objects.requireNonNullElse(procScan, new ProcScan(null, null));
      docker = Objects.requireNonNullElse(docker, new Docker(null, null, null));
      cgroup = Objects.requireNonNullElse(cgroup, new Cgroup(null, null));
      netlink = Objects.requireNonNullElse(netlink, new Netlink(null));
    }

    /** The sources with netlink at its default. */
    public Sources(ProcScan procScan, Docker docker, Cgroup cgroup) {
      this(procScan, docker, cgroup, null);
    }
  }

  /** @param interval how often every running container's cgroup is sampled ({@code resource_sample} events) */
  public record Cgroup(Boolean enabled, String interval) {
    public Cgroup {
      enabled = Objects.requireNonNullElse(enabled, true);
      interval = Objects.requireNonNullElse(interval, "1s");
    }
  }

  /**
   * @param enabled whether real-time process events come from the kernel's process connector; when
   *     it cannot be opened (not root, no CONFIG_PROC_EVENTS) the agent says so and relies on the /proc scan
   */
  public record Netlink(Boolean enabled) {
    public Netlink {
      enabled = Objects.requireNonNullElse(enabled, true);
    }
  }

  /**
   * @param interval how often /proc is listed for new processes; with netlink running the scan
   *     is the reconciliation rescan (it reports only what netlink missed)
   */
  public record ProcScan(Boolean enabled, String interval) {
    public ProcScan {
      enabled = Objects.requireNonNullElse(enabled, true);
      interval = Objects.requireNonNullElse(interval, "1s");
    }
  }

  /** @param host the daemon's address; @param maxBackoff the longest wait between reconnection attempts */
  public record Docker(Boolean enabled, String host, String maxBackoff) {
    public Docker {
      enabled = Objects.requireNonNullElse(enabled, true);
      host = Objects.requireNonNullElse(host, "unix:///var/run/docker.sock");
      maxBackoff = Objects.requireNonNullElse(maxBackoff, "30s");
    }
  }

  public record Sinks(Stdout stdout, Kafka kafka, FileSink file) {
    public Sinks {
      stdout = Objects.requireNonNullElse(stdout, new Stdout(null, null, null));
      kafka = Objects.requireNonNullElse(kafka, new Kafka(null, null, null, null, null));
      file = Objects.requireNonNullElse(file, new FileSink(null, null, null, null, null, null, null));
    }

    /** No file sink. */
    public Sinks(Stdout stdout, Kafka kafka) {
      this(stdout, kafka, null);
    }

    /** Whether stdout ships: {@code true}, or {@code auto} with no other sink configured. */
    public boolean stdoutOn() {
      return "true".equals(stdout.enabled())
          || ("auto".equals(stdout.enabled()) && !kafka.enabled() && !file.enabled());
    }
  }

  /**
   * A local file of records, rotated by size, shipped from the journal with its own checkpoint
   * like Kafka (for log forwarders that tail files).
   *
   * @param path the current file; rotated ones are {@code path.1} (newest) to {@code path.N}
   * @param maxSize the size past which the file is rotated (default 100MiB)
   * @param maxFiles rotated files kept (default 5)
   * @param format {@code jsonl} or {@code text}
   * @param events whether events are written too, not only alerts (and the agent's lifecycle records)
   * @param outputFormat {@code native}, {@code ocsf} or {@code ecs}
   */
  public record FileSink(Boolean enabled, String path, String maxSize, Integer maxFiles, String format,
      Boolean events, String outputFormat) {
    public FileSink {
      enabled = Objects.requireNonNullElse(enabled, false);
      path = Objects.requireNonNullElse(path, "/var/log/dockward/alerts.jsonl");
      maxSize = Objects.requireNonNullElse(maxSize, "100MiB");
      maxFiles = Objects.requireNonNullElse(maxFiles, 5);
      format = Objects.requireNonNullElse(format, "jsonl");
      events = Objects.requireNonNullElse(events, false);
      outputFormat = Objects.requireNonNullElse(outputFormat, "native");
    }
  }

  /**
   * @param enabled whether records ship to Kafka
   * @param bootstrapServers {@code host:port[,host:port…]}
   * @param topics where alerts and events go
   * @param events whether events ship too (alerts always do)
   * @param outputFormat {@code native}, {@code ocsf} or {@code ecs} (alerts mapped; other records native)
   * @param properties Kafka producer properties passed through as written (TLS, SASL, tuning),
   *     e.g. {@code security.protocol: SSL}; they override Dockward's tuning defaults, but not
   *     what its delivery guarantee rests on (acks, idempotence, serializers)
   */
  public record Kafka(Boolean enabled, String bootstrapServers, Topics topics, Boolean events,
      Map<String, String> properties, String outputFormat) {
    public Kafka {
      enabled = Objects.requireNonNullElse(enabled, false);
      bootstrapServers = Objects.requireNonNullElse(bootstrapServers, "");
      topics = Objects.requireNonNullElse(topics, new Topics(null, null));
      events = Objects.requireNonNullElse(events, false);
      properties = Map.copyOf(Objects.requireNonNullElse(properties, Map.of()));
      outputFormat = Objects.requireNonNullElse(outputFormat, "native");
    }

    /** Native records. */
    public Kafka(Boolean enabled, String bootstrapServers, Topics topics, Boolean events, Map<String, String> properties) {
      this(enabled, bootstrapServers, topics, events, properties, null);
    }
  }

  /** @param alerts the alerts topic; @param events the events topic (used when events ship) */
  public record Topics(String alerts, String events) {
    public Topics {
      alerts = Objects.requireNonNullElse(alerts, "dockward.alerts");
      events = Objects.requireNonNullElse(events, "dockward.events");
    }
  }

  /**
   * @param enabled {@code auto} (on when no other sink is configured), {@code true} or {@code false}
   * @param format {@code jsonl} or {@code text}
   * @param events whether events are printed too, not only alerts
   * @param outputFormat {@code native}, {@code ocsf} or {@code ecs} (alerts mapped; other records native)
   */
  public record Stdout(String enabled, String format, Boolean events, String outputFormat) {
    public Stdout {
      enabled = Objects.requireNonNullElse(enabled, "auto");
      format = Objects.requireNonNullElse(format, "jsonl");
      events = Objects.requireNonNullElse(events, false);
      outputFormat = Objects.requireNonNullElse(outputFormat, "native");
    }

    /** Native records. */
    public Stdout(String enabled, String format, Boolean events) {
      this(enabled, format, events, null);
    }
  }

  /**
   * @param queueCapacity events waiting between the sources and the journal before sources wait
   * @param heartbeat how often the agent journals (and ships) {@code agent_heartbeat}
   */
  public record Pipeline(Integer queueCapacity, String heartbeat) {
    public Pipeline {
      queueCapacity = Objects.requireNonNullElse(queueCapacity, 65_536);
      heartbeat = Objects.requireNonNullElse(heartbeat, "30s");
    }
  }
}
