package dev.dockward.event;

import static dev.dockward.event.EventDocuments.putIfPresent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Builds the {@code res} object of a {@code resource_sample} record. */
final class ResourceDocument {
  private ResourceDocument() {}

  /**
   * The {@code res} object of a {@code resource_sample}. Counts, bytes and nanoseconds are Long;
   * ratios, cores and per-second rates are Double, so rules compare them without arithmetic ({@code
   * res.mem_fraction >= 0.95}: CEL has no {@code double * int}). Absent when unknown or unlimited,
   * never 0:
   *
   * <ul>
   *   <li>{@code cgroup_version} (Long) 1 or 2;
   *   <li>{@code interval} (Double) seconds since the container's previous sample;
   *   <li>{@code cpu_usage_ns} (Long) CPU time used since the cgroup was made;
   *   <li>{@code cpu_usage} (Double) cores used over the interval;
   *   <li>{@code cpu_limit} (Double) the quota in cores (quota / period), absent without a quota;
   *   <li>{@code cpu_fraction} (Double) {@code cpu_usage / cpu_limit}, or over the host's CPUs
   *       without a quota;
   *   <li>{@code cpu_periods}, {@code cpu_throttled_periods} (Long) elapsed and throttled CFS
   *       periods;
   *   <li>{@code cpu_throttled_ns} (Long) time spent throttled;
   *   <li>{@code cpu_throttled_ratio} (Double) throttled over elapsed periods in the interval;
   *   <li>{@code mem_usage}, {@code mem_limit} (Long) bytes; {@code mem_fraction} (Double) usage /
   *       limit;
   *   <li>{@code mem_failcnt} (Long) times usage hit the limit;
   *   <li>{@code oom_kills} (Long) OOM kills so far; {@code oom_kills_new} (Long) since the
   *       previous sample;
   *   <li>{@code pids}, {@code pids_limit} (Long) tasks and their limit; {@code pids_fraction}
   *       (Double);
   *   <li>{@code pids_growth} (Double) tasks added per second over the interval, 0 when shrinking;
   *   <li>{@code fork_refusals} (Long) forks refused at the limit so far; {@code fork_refusals_new}
   *       (Long) since the previous sample;
   *   <li>{@code io_read_bytes}, {@code io_write_bytes} (Long) block I/O so far; {@code
   *       io_read_rate}, {@code io_write_rate} (Double) bytes per second;
   *   <li>{@code io_read_limit}, {@code io_write_limit} (Long) bytes per second allowed, summed
   *       over the devices with a cap ({@code --device-read-bps}, {@code --device-write-bps});
   *       {@code io_read_fraction}, {@code io_write_fraction} (Double) the bytes per second on
   *       those devices over their caps;
   *   <li>{@code net_rx_bytes}, {@code net_rx_packets}, {@code net_tx_bytes}, {@code
   *       net_tx_packets} (Long) received and sent over the container's interfaces but loopback so
   *       far; {@code net_rx_bytes_rate}, {@code net_rx_packets_rate}, {@code net_tx_bytes_rate},
   *       {@code net_tx_packets_rate} (Double) per second. Absent for a container in the host's or
   *       another container's network namespace;
   *   <li>{@code host_cpus}, {@code host_mem}, {@code host_tasks} (Long) what the host has (CPUs,
   *       memory bytes, the most tasks the kernel allows); {@code cpu_host_fraction}, {@code
   *       mem_host_fraction}, {@code pids_host_fraction} (Double) the container's use over them,
   *       whatever its own limits.
   * </ul>
   */
  static Map<String, Object> of(ResourceCounters c, ResourceRates r, HostCapacity host) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cgroup_version", (long) c.cgroupVersion());
    putIfPresent(m, "interval", r.intervalSeconds());
    ResourceCounters.Cpu cpu = c.cpu();
    putIfPresent(m, "cpu_usage_ns", cpu.usageNanos());
    putIfPresent(m, "cpu_usage", r.cpuCores());
    putIfPresent(m, "cpu_limit", cpu.limitCores());
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

  private static OptionalDouble fraction(OptionalLong part, OptionalLong whole) {
    if (part.isEmpty() || whole.isEmpty() || whole.getAsLong() <= 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of((double) part.getAsLong() / whole.getAsLong());
  }
}
