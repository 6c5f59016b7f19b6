package dev.dockward.event;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What one read of a container's cgroup gave: cumulative counters and gauges, as the kernel keeps
 * them. Every figure is empty when the file was missing or unreadable, or — for limits — when there
 * is no limit; never 0 for "unknown".
 *
 * @param cgroupVersion 1 or 2
 * @param cpu CPU time and throttling
 * @param memory memory use, limit and OOM kills
 * @param pids task count, limit and refused forks
 * @param io block I/O bytes
 * @param net network traffic of the container's own interfaces (not the cgroup's: read from its
 *     init process's network namespace)
 */
public record ResourceCounters(
    int cgroupVersion, Cpu cpu, Memory memory, Pids pids, Io io, Net net) {
  public ResourceCounters {
    if (cgroupVersion != 1 && cgroupVersion != 2) {
      throw new IllegalArgumentException("cgroup version must be 1 or 2: " + cgroupVersion);
    }
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(pids, "pids");
    Objects.requireNonNull(io, "io");
    Objects.requireNonNull(net, "net");
  }

  /** The cgroup's counters alone; the network's are added by {@link #withNet}. */
  public ResourceCounters(int cgroupVersion, Cpu cpu, Memory memory, Pids pids, Io io) {
    this(cgroupVersion, cpu, memory, pids, io, Net.NONE);
  }

  /** These counters with the network's. */
  public ResourceCounters withNet(Net n) {
    return new ResourceCounters(cgroupVersion, cpu, memory, pids, io, n);
  }

  /**
   * @param usageNanos CPU time used, ns (v1 {@code cpuacct.usage}; v2 {@code cpu.stat usage_usec} ×
   *     1000)
   * @param quotaMicros CFS quota per period, µs; empty when unlimited
   * @param periodMicros CFS period, µs
   * @param periods elapsed enforcement periods ({@code nr_periods})
   * @param throttledPeriods periods in which the cgroup was throttled ({@code nr_throttled})
   * @param throttledNanos time spent throttled, ns (v1 {@code throttled_time}; v2 {@code
   *     throttled_usec} × 1000)
   */
  public record Cpu(
      OptionalLong usageNanos,
      OptionalLong quotaMicros,
      OptionalLong periodMicros,
      OptionalLong periods,
      OptionalLong throttledPeriods,
      OptionalLong throttledNanos) {
    public Cpu {
      Objects.requireNonNull(usageNanos, "usageNanos");
      Objects.requireNonNull(quotaMicros, "quotaMicros");
      Objects.requireNonNull(periodMicros, "periodMicros");
      Objects.requireNonNull(periods, "periods");
      Objects.requireNonNull(throttledPeriods, "throttledPeriods");
      Objects.requireNonNull(throttledNanos, "throttledNanos");
    }

    /** The CPU quota in cores (quota / period), empty without a quota. */
    public OptionalDouble limitCores() {
      if (quotaMicros.isEmpty() || periodMicros.isEmpty() || periodMicros.getAsLong() <= 0) {
        return OptionalDouble.empty();
      }
      return OptionalDouble.of((double) quotaMicros.getAsLong() / periodMicros.getAsLong());
    }
  }

  /**
   * @param usageBytes v1 {@code memory.usage_in_bytes}; v2 {@code memory.current}
   * @param limitBytes v1 {@code memory.limit_in_bytes}; v2 {@code memory.max}; empty when unlimited
   * @param failcnt times the limit was hit: v1 {@code memory.failcnt}; v2 {@code memory.events max}
   * @param oomKills processes killed by the OOM killer: {@code oom_kill} of v1 {@code
   *     memory.oom_control} or v2 {@code memory.events}
   */
  public record Memory(
      OptionalLong usageBytes,
      OptionalLong limitBytes,
      OptionalLong failcnt,
      OptionalLong oomKills) {
    public Memory {
      Objects.requireNonNull(usageBytes, "usageBytes");
      Objects.requireNonNull(limitBytes, "limitBytes");
      Objects.requireNonNull(failcnt, "failcnt");
      Objects.requireNonNull(oomKills, "oomKills");
    }
  }

  /**
   * @param current {@code pids.current}
   * @param limit {@code pids.max}; empty for {@code max}
   * @param forkRefusals forks refused at the limit: {@code pids.events max}
   */
  public record Pids(OptionalLong current, OptionalLong limit, OptionalLong forkRefusals) {
    public Pids {
      Objects.requireNonNull(current, "current");
      Objects.requireNonNull(limit, "limit");
      Objects.requireNonNull(forkRefusals, "forkRefusals");
    }
  }

  /**
   * Bytes summed over all devices: v1 {@code blkio.throttle.io_service_bytes} (Read, Write), v2
   * {@code io.stat} (rbytes, wbytes). Empty when the kernel does not account them (v1 without
   * per-device lines). The limits are the bytes-per-second caps ({@code docker run
   * --device-read-bps/--device-write-bps}: v1 {@code blkio.throttle.*_bps_device}, v2 {@code
   * io.max}), summed over the devices that have one, and the limited bytes those devices' share of
   * the I/O, so that use is compared with the limit on the same devices.
   *
   * @param readLimit read bytes per second allowed, summed over the devices with a read cap; empty
   *     without one
   * @param writeLimit the same for writes
   * @param limitedReadBytes bytes read from the devices with a read cap; empty without one
   * @param limitedWriteBytes bytes written to the devices with a write cap; empty without one
   */
  public record Io(
      OptionalLong readBytes,
      OptionalLong writeBytes,
      OptionalLong readLimit,
      OptionalLong writeLimit,
      OptionalLong limitedReadBytes,
      OptionalLong limitedWriteBytes) {
    public static final Io NONE = new Io(OptionalLong.empty(), OptionalLong.empty());

    public Io {
      Objects.requireNonNull(readBytes, "readBytes");
      Objects.requireNonNull(writeBytes, "writeBytes");
      Objects.requireNonNull(readLimit, "readLimit");
      Objects.requireNonNull(writeLimit, "writeLimit");
      Objects.requireNonNull(limitedReadBytes, "limitedReadBytes");
      Objects.requireNonNull(limitedWriteBytes, "limitedWriteBytes");
    }

    /** Bytes without any cap. */
    public Io(OptionalLong readBytes, OptionalLong writeBytes) {
      this(
          readBytes,
          writeBytes,
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty());
    }
  }

  /**
   * Bytes and packets summed over the container's interfaces but loopback, from {@code /proc/<init
   * pid>/net/dev}; empty when the container shares another namespace (the host's, or another
   * container's) or the file could not be read.
   */
  public record Net(
      OptionalLong rxBytes, OptionalLong rxPackets, OptionalLong txBytes, OptionalLong txPackets) {
    public static final Net NONE =
        new Net(
            OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());

    public Net {
      Objects.requireNonNull(rxBytes, "rxBytes");
      Objects.requireNonNull(rxPackets, "rxPackets");
      Objects.requireNonNull(txBytes, "txBytes");
      Objects.requireNonNull(txPackets, "txPackets");
    }
  }
}
