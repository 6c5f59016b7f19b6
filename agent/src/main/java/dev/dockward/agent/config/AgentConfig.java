package dev.dockward.agent.config;

import java.util.List;
import java.util.Objects;

/**
 * The whole configuration. Every section and key has a default, so the empty file (or no file)
 * is the embedded default: journal under /var/lib/dockward, bundled rules, /proc scan and the
 * system Docker daemon as sources, alerts on stdout.
 */
public record AgentConfig(Host host, Journal journal, Rules rules, Sources sources, Sinks sinks, Pipeline pipeline) {
  public static final AgentConfig DEFAULT = new AgentConfig(null, null, null, null, null, null);

  public AgentConfig {
    host = Objects.requireNonNullElse(host, new Host(null));
    journal = Objects.requireNonNullElse(journal, new Journal(null, null));
    rules = Objects.requireNonNullElse(rules, new Rules(null, null));
    sources = Objects.requireNonNullElse(sources, new Sources(null, null));
    sinks = Objects.requireNonNullElse(sinks, new Sinks(null));
    pipeline = Objects.requireNonNullElse(pipeline, new Pipeline(null));
  }

  /** @param name the host name in records; empty means the system's host name */
  public record Host(String name) {
    public Host {
      name = Objects.requireNonNullElse(name, "");
    }
  }

  /** @param dir the Chronicle Queue directory; @param rollCycle {@code hourly} or {@code daily} */
  public record Journal(String dir, String rollCycle) {
    public Journal {
      dir = Objects.requireNonNullElse(dir, "/var/lib/dockward/journal");
      rollCycle = Objects.requireNonNullElse(rollCycle, "hourly");
    }
  }

  /** @param bundled whether the rules shipped in the jar load; @param paths extra rule files or directories */
  public record Rules(Boolean bundled, List<String> paths) {
    public Rules {
      bundled = Objects.requireNonNullElse(bundled, true);
      paths = List.copyOf(Objects.requireNonNullElse(paths, List.of()));
    }
  }

  public record Sources(ProcScan procScan, Docker docker, Netlink netlink) {
    public Sources {
      procScan = Objects.requireNonNullElse(procScan, new ProcScan(null, null));
      docker = Objects.requireNonNullElse(docker, new Docker(null, null, null));
      netlink = Objects.requireNonNullElse(netlink, new Netlink(null));
    }

    /** The sources with netlink at its default. */
    public Sources(ProcScan procScan, Docker docker) {
      this(procScan, docker, null);
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

  public record Sinks(Stdout stdout) {
    public Sinks {
      stdout = Objects.requireNonNullElse(stdout, new Stdout(null, null, null));
    }
  }

  /**
   * @param enabled {@code auto} (on when no other sink is configured), {@code true} or {@code false}
   * @param format {@code jsonl} or {@code text}
   * @param events whether events are printed too, not only alerts
   */
  public record Stdout(String enabled, String format, Boolean events) {
    public Stdout {
      enabled = Objects.requireNonNullElse(enabled, "auto");
      format = Objects.requireNonNullElse(format, "jsonl");
      events = Objects.requireNonNullElse(events, false);
    }
  }

  /** @param queueCapacity events waiting between the sources and the journal before sources wait */
  public record Pipeline(Integer queueCapacity) {
    public Pipeline {
      queueCapacity = Objects.requireNonNullElse(queueCapacity, 65_536);
    }
  }
}
