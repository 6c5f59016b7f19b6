package dev.dockward.event;

import dev.dockward.host.MachineFacts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;

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
    event
        .processDocument()
        .ifPresent(p -> doc.put("process", withImageLoaderEnv(p, event.container())));
    event.putFields(doc);
    return doc;
  }

  /**
   * The process document with {@code loader_env_from_image}: the keys of its {@code loader_env}
   * whose value is the one its container's image sets, so a rule can tell a variable that came with
   * the image from one given at {@code docker run -e}, to an exec, or by a parent process. Left out
   * when there is none.
   */
  static Map<String, Object> withImageLoaderEnv(
      Map<String, Object> process, Optional<ContainerInfo> container) {
    if (container.isEmpty()
        || container.get().imageLoaderEnv().isEmpty()
        || !(process.get("loader_env") instanceof Map<?, ?> env)) {
      return process;
    }
    Map<String, String> image = container.get().imageLoaderEnv();
    List<String> fromImage = new ArrayList<>();
    env.forEach(
        (k, v) -> {
          if (v != null && v.equals(image.get(String.valueOf(k)))) {
            fromImage.add(String.valueOf(k));
          }
        });
    if (fromImage.isEmpty()) {
      return process;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    process.forEach(
        (k, v) -> {
          out.put(k, v);
          if (k.equals("loader_env")) {
            out.put("loader_env_from_image", List.copyOf(fromImage));
          }
        });
    return out;
  }

  public static Map<String, Object> host(HostInfo host) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", host.name());
    m.put("id", host.id());
    return m;
  }

  /**
   * Sensor states as records and {@code /health/ready} carry them: name, state, and the reason
   * unless running.
   */
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

  /**
   * The machine's facts on {@code agent_started}: {@code os_family}, {@code os_version}, {@code
   * os_build}, {@code os_codename}, {@code kernel_release}, {@code arch}, {@code cpu_model}, {@code
   * cpu_logical}, {@code memory_bytes}, {@code boot_time}, {@code hypervisor}, {@code
   * machine_model} when known; {@code read_ms} always, {@code unreadable} when a fact failed.
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
   * The operating system part of the machine's facts, for the {@code host} object of alerts: {@code
   * name} (the distribution), {@code version}, {@code kernel} (the release), each when known; empty
   * when none is.
   */
  public static Optional<Map<String, Object>> hostOs(MachineFacts f) {
    Map<String, Object> m = new LinkedHashMap<>();
    f.osFamily().ifPresent(v -> m.put("name", v));
    f.osVersion().ifPresent(v -> m.put("version", v));
    f.kernelRelease().ifPresent(v -> m.put("kernel", v));
    return m.isEmpty() ? Optional.empty() : Optional.of(m);
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
    c.networks()
        .forEach(
            (name, ep) -> {
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
    if (!c.devices().isEmpty()) { // left out when none: most containers have none
      List<Object> devices = new ArrayList<>();
      for (DeviceMapping d : c.devices()) {
        Map<String, Object> dm = new LinkedHashMap<>();
        dm.put("path_on_host", d.pathOnHost());
        dm.put("path_in_container", d.pathInContainer());
        dm.put("permissions", d.permissions());
        devices.add(dm);
      }
      m.put("devices", devices);
    }
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
    m.put("namespaces", new TreeMap<>(p.namespaces()));
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

  static void putIfPresent(Map<String, Object> m, String key, OptionalLong v) {
    v.ifPresent(x -> m.put(key, x));
  }

  static void putIfPresent(Map<String, Object> m, String key, OptionalInt v) {
    v.ifPresent(x -> m.put(key, (long) x));
  }

  static void putIfPresent(Map<String, Object> m, String key, OptionalDouble v) {
    v.ifPresent(x -> m.put(key, x));
  }
}
