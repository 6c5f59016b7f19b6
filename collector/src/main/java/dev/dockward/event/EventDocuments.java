package dev.dockward.event;

import dev.dockward.host.MachineFacts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Turns events into documents of the JSON contract (DESIGN.md): ordered maps of strings, longs,
 * booleans, lists and maps, so the same shape is written to the journal and handed to the rule
 * engine. Absent values are left out, never written as 0.
 */
public final class EventDocuments {
  /** The contract's version, in every record. */
  public static final int SCHEMA = 1;

  private EventDocuments() {}

  /** The whole record of an event: envelope, container, process and the kind's own fields. */
  public static Map<String, Object> of(Event event, HostInfo host, String id) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", (long) SCHEMA);
    doc.put("kind", "event");
    doc.put("id", id);
    doc.put("time", Timestamps.format(event.time()));
    doc.put("host", host(host));
    doc.put("type", event.type());
    doc.put("source", event.source());
    event.container().ifPresent(c -> doc.put("container", container(c)));
    event.process().ifPresent(p -> {
      Map<String, Object> process = process(p);
      if (event instanceof ProcessObserved o) {
        origin(o.origin(), process);
      }
      doc.put("process", process);
    });
    // Java 17 has no pattern switch: the kinds with fields of their own, by instanceof.
    if (event instanceof ContainerStarted s) {
      doc.put("already_running", s.alreadyRunning());
    } else if (event instanceof ContainerStopped s) {
      putIfPresent(doc, "exit_code", s.exitCode());
      s.oomKilled().ifPresent(k -> doc.put("oom_killed", k));
    } else if (event instanceof DockerExecStarted x) {
      doc.put("exec", exec(x.exec()));
    } else if (event instanceof ResourceSampled r) {
      doc.put("res", res(r.counters(), r.rates(), r.host()));
    } else if (event instanceof PostureFindingChanged f) {
      doc.put("state", f.state().text());
      doc.put("finding", finding(f.finding()));
    } else if (event instanceof AgentLifecycle a) {
      Map<String, Object> agent = new LinkedHashMap<>();
      agent.put("version", a.version());
      agent.put("uptime_s", a.uptime().toSeconds());
      agent.put("drops", a.drops());
      agent.put("drops_new", a.dropsNew());
      if (!a.sensors().isEmpty()) {
        agent.put("sources", sensorStates(a.sensors()));
        agent.put("degraded", a.sensors().stream().filter(SensorState::degraded).map(SensorState::name).toList());
        agent.put("degraded_new", a.degradedNew());
        agent.put("degraded_summary", degradedSummary(a));
      }
      doc.put("agent", agent);
      a.hostFacts().ifPresent(f -> doc.put("host_facts", hostFacts(f)));
    } else if (event instanceof ProcessForked f) {
      Map<String, Object> fork = new LinkedHashMap<>();
      fork.put("parent_pid", (long) f.parentPid());
      fork.put("child_pid", (long) f.childPid());
      doc.put("fork", fork);
    } else if (event instanceof ProcessExited x) {
      Map<String, Object> exit = new LinkedHashMap<>();
      exit.put("pid", (long) x.pid());
      exit.put("status", (long) x.exitStatus());
      exit.put("signal", (long) x.signal());
      putIfPresent(exit, "lifetime_ms", x.lifetimeMs());
      doc.put("exit", exit);
    } else if (event instanceof UidChanged u) {
      Map<String, Object> change = new LinkedHashMap<>();
      change.put("ruid", (long) u.ruid());
      change.put("euid", (long) u.euid());
      putIfPresent(change, "previous_euid", u.previousEuid());
      doc.put("uid_change", change);
    } else if (event instanceof ProcessTraced t) {
      Map<String, Object> ptrace = new LinkedHashMap<>();
      ptrace.put("tracer_pid", (long) t.tracerPid());
      ptrace.put("target_pid", (long) t.targetPid());
      t.target().ifPresent(p -> ptrace.put("target", process(p)));
      ptrace.put("target_container_id", t.targetContainerId());
      doc.put("ptrace", ptrace);
    } else if (event instanceof FlowObserved f) {
      doc.put("flow", flow(f));
    } else if (event instanceof HostFileChanged h) {
      Map<String, Object> file = new LinkedHashMap<>();
      file.put("kind", h.kind());
      file.put("path", h.path());
      h.previous().ifPresent(v -> file.put("previous", v));
      file.put("current", h.current());
      doc.put("file", file);
    } else if (event instanceof HostFileWritten w) {
      Map<String, Object> write = new LinkedHashMap<>();
      write.put("path", w.path());
      write.put("host_path", w.hostPath());
      write.put("mount_source", w.mountSource());
      write.put("mount_destination", w.mountDestination());
      write.put("pid", (long) w.pid());
      doc.put("file_write", write);
    } else if (event instanceof ContainerMountAdded a) {
      Map<String, Object> mount = new LinkedHashMap<>();
      mount.put("fs_type", a.fsType());
      mount.put("mount_point", a.mountPoint());
      mount.put("root", a.root());
      mount.put("options", a.options());
      mount.put("pid", (long) a.pid());
      doc.put("mount", mount);
    } else if (event instanceof DaemonSocketConnected d) {
      Map<String, Object> socket = new LinkedHashMap<>();
      socket.put("path", d.path());
      socket.put("server_inode", d.serverInode());
      socket.put("client_inode", d.clientInode());
      doc.put("socket", socket);
    } else if (event instanceof NamespaceChanged n) {
      Map<String, Object> change = new LinkedHashMap<>();
      change.put("changed", List.copyOf(n.changed()));
      change.put("previous", new java.util.TreeMap<>(n.previous()));
      n.previousHostNamespaces().ifPresent(k -> change.put("previous_host_ns", List.copyOf(k)));
      doc.put("namespace_change", change);
    } else if (event instanceof CapabilityChanged c) {
      Map<String, Object> change = new LinkedHashMap<>();
      change.put("previous_cap_eff", String.format("%016x", c.previousCapEff()));
      change.put("gained", String.format("%016x", c.gained()));
      change.put("gained_names", CapabilityNames.of(c.gained()));
      doc.put("capability_change", change);
    }
    return doc;
  }

  public static Map<String, Object> host(HostInfo host) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", host.name());
    m.put("id", host.id());
    return m;
  }

  /** Sensor states as records and {@code /health/ready} carry them: name, state, and the reason unless running. */
  public static List<Map<String, Object>> sensorStates(List<SensorState> sensors) {
    List<Map<String, Object>> out = new ArrayList<>(sensors.size());
    for (SensorState sensor : sensors) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", sensor.name());
      m.put("state", sensor.state());
      if (!sensor.reason().isEmpty()) {
        m.put("reason", sensor.reason());
      }
      out.add(m);
    }
    return out;
  }

  /** The newly degraded sensors with their reasons, for an alert's summary: {@code name (reason); …}. */
  private static String degradedSummary(AgentLifecycle a) {
    StringBuilder out = new StringBuilder();
    for (SensorState sensor : a.sensors()) {
      if (a.degradedNew().contains(sensor.name())) {
        out.append(out.length() == 0 ? "" : "; ").append(sensor.name()).append(" (").append(sensor.reason()).append(')');
      }
    }
    return out.toString();
  }

  /**
   * The machine's facts on {@code agent_started}: {@code os_family}, {@code os_version},
   * {@code os_build}, {@code os_codename}, {@code kernel_release}, {@code arch}, {@code cpu_model},
   * {@code cpu_logical}, {@code memory_bytes}, {@code boot_time}, {@code hypervisor},
   * {@code machine_model} when known; {@code read_ms} always, {@code unreadable} when a fact failed.
   */
  public static Map<String, Object> hostFacts(MachineFacts f) {
    Map<String, Object> m = new LinkedHashMap<>();
    f.osFamily().ifPresent(v -> m.put("os_family", v));
    f.osVersion().ifPresent(v -> m.put("os_version", v));
    f.osBuild().ifPresent(v -> m.put("os_build", v));
    f.osCodename().ifPresent(v -> m.put("os_codename", v));
    f.kernelRelease().ifPresent(v -> m.put("kernel_release", v));
    f.arch().ifPresent(v -> m.put("arch", v));
    f.cpuModel().ifPresent(v -> m.put("cpu_model", v));
    putIfPresent(m, "cpu_logical", f.cpuLogical());
    putIfPresent(m, "memory_bytes", f.memoryBytes());
    f.bootTime().ifPresent(v -> m.put("boot_time", Timestamps.format(v)));
    f.hypervisor().ifPresent(v -> m.put("hypervisor", v));
    f.machineModel().ifPresent(v -> m.put("machine_model", v));
    m.put("read_ms", f.readTime().toMillis());
    if (!f.unreadable().isEmpty()) {
      m.put("unreadable", List.copyOf(f.unreadable()));
    }
    return m;
  }

  /**
   * The operating system part of the machine's facts, for the {@code host} object of alerts:
   * {@code name} (the distribution), {@code version}, {@code kernel} (the release), each when
   * known; empty when none is.
   */
  public static java.util.Optional<Map<String, Object>> hostOs(MachineFacts f) {
    Map<String, Object> m = new LinkedHashMap<>();
    f.osFamily().ifPresent(v -> m.put("name", v));
    f.osVersion().ifPresent(v -> m.put("version", v));
    f.kernelRelease().ifPresent(v -> m.put("kernel", v));
    return m.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(m);
  }

  public static Map<String, Object> container(ContainerInfo c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("name", c.name());
    m.put("image", c.image());
    m.put("image_id", c.imageId());
    m.put("labels", new LinkedHashMap<>(c.labels()));
    m.put("privileged", c.privileged());
    m.put("cap_add", List.copyOf(c.capAdd()));
    m.put("cap_drop", List.copyOf(c.capDrop()));
    List<Object> mounts = new ArrayList<>();
    for (MountInfo mount : c.mounts()) {
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("type", mount.type());
      mm.put("source", mount.source());
      mm.put("destination", mount.destination());
      mm.put("rw", mount.readWrite());
      mounts.add(mm);
    }
    m.put("mounts", mounts);
    NamespaceModes ns = c.namespaces();
    m.put("pid_mode", ns.pid());
    m.put("network_mode", ns.network());
    m.put("ipc_mode", ns.ipc());
    m.put("uts_mode", ns.uts());
    m.put("userns_mode", ns.userns());
    m.put("cgroupns_mode", ns.cgroup());
    m.put("security_opt", List.copyOf(c.securityOpt()));
    Map<String, Object> limits = new LinkedHashMap<>();
    ResourceLimits l = c.limits();
    putIfPresent(limits, "memory", l.memoryBytes());
    putIfPresent(limits, "nano_cpus", l.nanoCpus());
    putIfPresent(limits, "cpu_quota", l.cpuQuotaMicros());
    putIfPresent(limits, "cpu_period", l.cpuPeriodMicros());
    putIfPresent(limits, "pids", l.pids());
    m.put("limits", limits);
    putIfPresent(m, "init_pid", c.initPid());
    Map<String, Object> networks = new LinkedHashMap<>();
    c.networks().forEach((name, ep) -> {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("network_id", ep.networkId());
      e.put("ip", ep.ipAddress());
      e.put("mac", ep.macAddress());
      e.put("gateway", ep.gateway());
      networks.put(name, e);
    });
    m.put("networks", networks);
    c.startedAt().ifPresent(t -> m.put("started_at", Timestamps.format(t)));
    List<Object> ports = new ArrayList<>();
    for (PortBinding p : c.ports()) {
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("container_port", p.containerPort());
      pm.put("host_ip", p.hostIp());
      pm.put("host_port", p.hostPort());
      ports.add(pm);
    }
    m.put("ports", ports);
    return m;
  }

  public static Map<String, Object> process(ProcessInfo p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pid", (long) p.pid());
    m.put("ppid", (long) p.ppid());
    m.put("start_time", p.startTime());
    m.put("name", p.name());
    m.put("exe", p.exe());
    m.put("program", p.program());
    m.put("cmdline", p.cmdline());
    if (p.cmdlineTruncated()) {
      m.put("cmdline_truncated", true);
    }
    putIfPresent(m, "uid", p.uid());
    putIfPresent(m, "euid", p.euid());
    p.capEff().ifPresent(c -> m.put("cap_eff", String.format("%016x", c)));
    m.put("namespaces", new java.util.TreeMap<>(p.namespaces()));
    m.put("cgroup", p.cgroup());
    p.hostNamespaces().ifPresent(kinds -> m.put("host_ns", List.copyOf(kinds)));
    if (!p.loaderEnv().isEmpty()) {
      m.put("loader_env", new LinkedHashMap<>(p.loaderEnv()));
    }
    if (!p.stdio().isEmpty()) {
      m.put("stdio", List.copyOf(p.stdio()));
    }
    p.exeChanged().ifPresent(t -> m.put("exe_ctime", Timestamps.format(t)));
    p.cwd().ifPresent(c -> m.put("cwd", c));
    return m;
  }

  /**
   * An exec's origin in its process object: {@code runtime} (the installed runtime binary it runs),
   * {@code parent} ({@code pid}, {@code name}, {@code exe}, {@code cmdline}, {@code runtime}) and
   * {@code ancestors} (parent first, each {@code pid}, {@code name}, {@code exe}, {@code runtime}),
   * each only when known.
   */
  static void origin(ProcessOrigin origin, Map<String, Object> process) {
    origin.runtime().ifPresent(r -> process.put("runtime", r));
    origin.parent().ifPresent(p -> {
      Map<String, Object> m = relative(p);
      m.put("cmdline", p.cmdline());
      if (p.cmdlineTruncated()) {
        m.put("cmdline_truncated", true);
      }
      p.runtime().ifPresent(r -> m.put("runtime", r)); // after cmdline: the order of the schema
      process.put("parent", m);
    });
    if (!origin.ancestors().isEmpty()) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (ProcessRelative a : origin.ancestors()) {
        Map<String, Object> m = relative(a);
        a.runtime().ifPresent(r -> m.put("runtime", r));
        list.add(m);
      }
      process.put("ancestors", list);
    }
  }

  private static Map<String, Object> relative(ProcessRelative r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pid", (long) r.pid());
    m.put("name", r.name());
    m.put("exe", r.exe());
    return m;
  }

  static Map<String, Object> exec(ExecInfo x) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", x.id());
    m.put("cmdline", x.cmdline());
    m.put("user", x.user());
    m.put("privileged", x.privileged());
    m.put("tty", x.tty());
    return m;
  }

  /**
   * The {@code res} object of a {@code resource_sample}. Counts, bytes and nanoseconds are Long;
   * ratios, cores and per-second rates are Double, so rules compare them without arithmetic
   * ({@code res.mem_fraction >= 0.95}: CEL has no {@code double * int}). Absent when unknown or
   * unlimited, never 0:
   *
   * <ul>
   *   <li>{@code cgroup_version} (Long) 1 or 2;
   *   <li>{@code interval} (Double) seconds since the container's previous sample;
   *   <li>{@code cpu_usage_ns} (Long) CPU time used since the cgroup was made;
   *   <li>{@code cpu_usage} (Double) cores used over the interval;
   *   <li>{@code cpu_limit} (Double) the quota in cores (quota / period), absent without a quota;
   *   <li>{@code cpu_fraction} (Double) {@code cpu_usage / cpu_limit}, or over the host's CPUs without a quota;
   *   <li>{@code cpu_periods}, {@code cpu_throttled_periods} (Long) elapsed and throttled CFS periods;
   *   <li>{@code cpu_throttled_ns} (Long) time spent throttled;
   *   <li>{@code cpu_throttled_ratio} (Double) throttled over elapsed periods in the interval;
   *   <li>{@code mem_usage}, {@code mem_limit} (Long) bytes; {@code mem_fraction} (Double) usage / limit;
   *   <li>{@code mem_failcnt} (Long) times usage hit the limit;
   *   <li>{@code oom_kills} (Long) OOM kills so far; {@code oom_kills_new} (Long) since the previous sample;
   *   <li>{@code pids}, {@code pids_limit} (Long) tasks and their limit; {@code pids_fraction} (Double);
   *   <li>{@code pids_growth} (Double) tasks added per second over the interval, 0 when shrinking;
   *   <li>{@code fork_refusals} (Long) forks refused at the limit so far; {@code fork_refusals_new} (Long)
   *       since the previous sample;
   *   <li>{@code io_read_bytes}, {@code io_write_bytes} (Long) block I/O so far; {@code io_read_rate},
   *       {@code io_write_rate} (Double) bytes per second;
   *   <li>{@code io_read_limit}, {@code io_write_limit} (Long) bytes per second allowed, summed over the
   *       devices with a cap ({@code --device-read-bps}, {@code --device-write-bps}); {@code io_read_fraction},
   *       {@code io_write_fraction} (Double) the bytes per second on those devices over their caps;
   *   <li>{@code net_rx_bytes}, {@code net_rx_packets}, {@code net_tx_bytes}, {@code net_tx_packets} (Long)
   *       received and sent over the container's interfaces but loopback so far; {@code net_rx_bytes_rate},
   *       {@code net_rx_packets_rate}, {@code net_tx_bytes_rate}, {@code net_tx_packets_rate} (Double) per
   *       second. Absent for a container in the host's or another container's network namespace;
   *   <li>{@code host_cpus}, {@code host_mem}, {@code host_tasks} (Long) what the host has (CPUs,
   *       memory bytes, the most tasks the kernel allows); {@code cpu_host_fraction},
   *       {@code mem_host_fraction}, {@code pids_host_fraction} (Double) the container's use over
   *       them, whatever its own limits.
   * </ul>
   */
  public static Map<String, Object> res(ResourceCounters c, ResourceRates r) {
    return res(c, r, HostCapacity.UNKNOWN);
  }

  /** As {@link #res(ResourceCounters, ResourceRates)}, with the container's shares of the host. */
  public static Map<String, Object> res(ResourceCounters c, ResourceRates r, HostCapacity host) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cgroup_version", (long) c.cgroupVersion());
    putIfPresent(m, "interval", r.intervalSeconds());
    ResourceCounters.Cpu cpu = c.cpu();
    putIfPresent(m, "cpu_usage_ns", cpu.usageNanos());
    putIfPresent(m, "cpu_usage", r.cpuCores());
    putIfPresent(m, "cpu_limit", cpuLimitCores(cpu));
    putIfPresent(m, "cpu_fraction", r.cpuFraction());
    putIfPresent(m, "cpu_periods", cpu.periods());
    putIfPresent(m, "cpu_throttled_periods", cpu.throttledPeriods());
    putIfPresent(m, "cpu_throttled_ns", cpu.throttledNanos());
    putIfPresent(m, "cpu_throttled_ratio", r.throttledRatio());
    ResourceCounters.Memory mem = c.memory();
    putIfPresent(m, "mem_usage", mem.usageBytes());
    putIfPresent(m, "mem_limit", mem.limitBytes());
    putIfPresent(m, "mem_fraction", fraction(mem.usageBytes(), mem.limitBytes()));
    putIfPresent(m, "mem_failcnt", mem.failcnt());
    putIfPresent(m, "oom_kills", mem.oomKills());
    putIfPresent(m, "oom_kills_new", r.oomKillsNew());
    ResourceCounters.Pids pids = c.pids();
    putIfPresent(m, "pids", pids.current());
    putIfPresent(m, "pids_limit", pids.limit());
    putIfPresent(m, "pids_fraction", fraction(pids.current(), pids.limit()));
    putIfPresent(m, "pids_growth", r.pidsGrowthPerSecond());
    putIfPresent(m, "fork_refusals", pids.forkRefusals());
    putIfPresent(m, "fork_refusals_new", r.forkRefusalsNew());
    putIfPresent(m, "io_read_bytes", c.io().readBytes());
    putIfPresent(m, "io_write_bytes", c.io().writeBytes());
    putIfPresent(m, "io_read_rate", r.ioReadPerSecond());
    putIfPresent(m, "io_write_rate", r.ioWritePerSecond());
    putIfPresent(m, "io_read_limit", c.io().readLimit());
    putIfPresent(m, "io_write_limit", c.io().writeLimit());
    putIfPresent(m, "io_read_fraction", r.ioLimitUse().readFraction());
    putIfPresent(m, "io_write_fraction", r.ioLimitUse().writeFraction());
    putIfPresent(m, "net_rx_bytes", c.net().rxBytes());
    putIfPresent(m, "net_rx_packets", c.net().rxPackets());
    putIfPresent(m, "net_tx_bytes", c.net().txBytes());
    putIfPresent(m, "net_tx_packets", c.net().txPackets());
    putIfPresent(m, "net_rx_bytes_rate", r.net().rxBytes());
    putIfPresent(m, "net_rx_packets_rate", r.net().rxPackets());
    putIfPresent(m, "net_tx_bytes_rate", r.net().txBytes());
    putIfPresent(m, "net_tx_packets_rate", r.net().txPackets());
    putIfPresent(m, "host_cpus", host.cpus());
    putIfPresent(m, "host_mem", host.memoryBytes());
    putIfPresent(m, "host_tasks", host.tasks());
    if (r.cpuCores().isPresent() && host.cpus().isPresent() && host.cpus().getAsLong() > 0) {
      m.put("cpu_host_fraction", r.cpuCores().getAsDouble() / host.cpus().getAsLong());
    }
    putIfPresent(m, "mem_host_fraction", fraction(mem.usageBytes(), host.memoryBytes()));
    putIfPresent(m, "pids_host_fraction", fraction(pids.current(), host.tasks()));
    return m;
  }

  /** The CPU quota in cores, empty without a quota. */
  public static OptionalDouble cpuLimitCores(ResourceCounters.Cpu cpu) {
    if (cpu.quotaMicros().isEmpty() || cpu.periodMicros().isEmpty() || cpu.periodMicros().getAsLong() <= 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of((double) cpu.quotaMicros().getAsLong() / cpu.periodMicros().getAsLong());
  }

  private static OptionalDouble fraction(OptionalLong part, OptionalLong whole) {
    if (part.isEmpty() || whole.isEmpty() || whole.getAsLong() <= 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of((double) part.getAsLong() / whole.getAsLong());
  }

  private static void putIfPresent(Map<String, Object> m, String key, OptionalDouble v) {
    v.ifPresent(x -> m.put(key, x));
  }

  /**
   * The {@code flow} object of a {@code flow} event: state, protocol, both ends ({@code src},
   * {@code dst}: kind, ip, port, mac, and name, id and image for a container; {@code spoofed}, the
   * owner of an address the sender used that is not its own), the counters, the
   * policy verdict and edge, and the source's scan counts ({@code scan}).
   */
  public static Map<String, Object> flow(FlowObserved f) {
    FlowTraffic t = f.traffic();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", t.state());
    t.endReason().ifPresent(r -> m.put("end_reason", r));
    m.put("interface", t.iface());
    m.put("protocol", t.protocol());
    m.put("src", peer(f.src()));
    m.put("dst", peer(f.dst()));
    m.put("packets_out", t.packetsOut());
    m.put("bytes_out", t.bytesOut());
    m.put("packets_in", t.packetsIn());
    m.put("bytes_in", t.bytesIn());
    m.put("tcp_flags_out", List.copyOf(t.tcpFlagsOut()));
    m.put("tcp_flags_in", List.copyOf(t.tcpFlagsIn()));
    m.put("first_seen", Timestamps.format(t.firstSeen()));
    m.put("last_seen", Timestamps.format(t.lastSeen()));
    FlowAssessment a = f.assessment();
    m.put("policy", a.policy());
    m.put("edge", a.edge());
    Map<String, Object> scan = new LinkedHashMap<>();
    scan.put("window_s", a.scanWindowSeconds());
    scan.put("distinct_ports", a.scanPorts());
    scan.put("distinct_hosts", a.scanHosts());
    m.put("scan", scan);
    return m;
  }

  private static Map<String, Object> peer(FlowPeer p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", p.kind().text());
    m.put("name", p.displayName());
    m.put("ip", p.ip());
    if (p.port() >= 0) {
      m.put("port", (long) p.port());
    }
    m.put("mac", p.mac());
    p.container().ifPresent(c -> {
      m.put("id", c.id());
      m.put("image", c.image());
    });
    p.spoofed().ifPresent(o -> {
      Map<String, Object> owner = new LinkedHashMap<>();
      owner.put("kind", o.kind().text());
      owner.put("name", o.name());
      o.containerId().ifPresent(id -> owner.put("id", id));
      m.put("spoofed", owner);
    });
    return m;
  }

  /** The finding without its container: that is the record's own {@code container} object. */
  public static Map<String, Object> finding(PostureFinding f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", f.id());
    f.cis().ifPresent(c -> m.put("cis", c));
    m.put("severity", f.severity().text());
    m.put("subject", f.subject());
    if (!f.instance().isEmpty()) {
      m.put("instance", f.instance());
    }
    m.put("summary", f.summary());
    m.put("remediation", f.remediation());
    m.put("evidence", new LinkedHashMap<>(f.evidence()));
    return m;
  }

  private static void putIfPresent(Map<String, Object> m, String key, OptionalLong v) {
    v.ifPresent(x -> m.put(key, x));
  }

  private static void putIfPresent(Map<String, Object> m, String key, OptionalInt v) {
    v.ifPresent(x -> m.put(key, (long) x));
  }
}
