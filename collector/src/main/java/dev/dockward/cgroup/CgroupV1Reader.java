package dev.dockward.cgroup;

import dev.dockward.event.ResourceCounters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * cgroup v1: one hierarchy per controller (or several controllers sharing one, e.g. {@code
 * cpu,cpuacct}); each controller's directory comes from the process's line for it.
 */
public final class CgroupV1Reader implements CgroupReader {
  /**
   * v1 writes "no memory limit" as LONG_MAX rounded down to a page (9223372036854771712 with 4 KiB
   * pages). Anything from 2^62 up is taken as that: no machine has 4 EiB.
   */
  static final long UNLIMITED_MEMORY = 1L << 62;

  private final CgroupHierarchies hierarchies;
  private final CgroupFiles files = new CgroupFiles(new CgroupReadStats());

  CgroupV1Reader(CgroupHierarchies hierarchies) {
    this.hierarchies = hierarchies;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public CgroupReadStats stats() {
    return files.stats();
  }

  @Override
  public Optional<ResourceCounters> read(List<CgroupLine> lines) {
    Optional<Path> cpu = dir("cpu", lines);
    Optional<Path> cpuacct = dir("cpuacct", lines);
    Optional<Path> memory = dir("memory", lines);
    Optional<Path> pids = dir("pids", lines);
    Optional<Path> blkio = dir("blkio", lines);
    if (!exists(memory) && !exists(pids) && !exists(cpuacct)) {
      // The directories go when the container stops: gone, not a reading problem.
      files.stats().countVanished();
      return Optional.empty();
    }
    return Optional.of(
        new ResourceCounters(1, cpu(cpu, cpuacct), memory(memory), pids(pids), io(blkio)));
  }

  @Override
  public OptionalLong cpuUsageNanos(List<CgroupLine> lines) {
    return dir("cpuacct", lines)
        .map(d -> files.numberQuietly(d.resolve("cpuacct.usage")))
        .orElse(OptionalLong.empty());
  }

  @Override
  public OptionalLong memoryUsageBytes(List<CgroupLine> lines) {
    return dir("memory", lines)
        .map(d -> files.numberQuietly(d.resolve("memory.usage_in_bytes")))
        .orElse(OptionalLong.empty());
  }

  private Optional<Path> dir(String controller, List<CgroupLine> lines) {
    return hierarchies.v1Dir(controller, lines);
  }

  private static boolean exists(Optional<Path> dir) {
    return dir.isPresent() && Files.isDirectory(dir.get());
  }

  private ResourceCounters.Cpu cpu(Optional<Path> cpu, Optional<Path> cpuacct) {
    OptionalLong usage =
        cpuacct.map(d -> files.number(d.resolve("cpuacct.usage"))).orElse(OptionalLong.empty());
    if (cpu.isEmpty()) {
      return new ResourceCounters.Cpu(
          usage,
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty());
    }
    Path d = cpu.get();
    // -1 is v1's "no quota".
    OptionalLong quota = files.signedNumber(d.resolve("cpu.cfs_quota_us"));
    if (quota.isPresent() && quota.getAsLong() <= 0) {
      quota = OptionalLong.empty();
    }
    Optional<Map<String, Long>> stat = files.keyed(d.resolve("cpu.stat"));
    return new ResourceCounters.Cpu(
        usage,
        quota,
        files.number(d.resolve("cpu.cfs_period_us")),
        files.key(stat, "nr_periods"),
        files.key(stat, "nr_throttled"),
        files.key(stat, "throttled_time"));
  }

  private ResourceCounters.Memory memory(Optional<Path> memory) {
    if (memory.isEmpty()) {
      return new ResourceCounters.Memory(
          OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());
    }
    Path d = memory.get();
    OptionalLong limit = files.number(d.resolve("memory.limit_in_bytes"));
    if (limit.isPresent() && limit.getAsLong() >= UNLIMITED_MEMORY) {
      limit = OptionalLong.empty();
    }
    // oom_control also holds oom_kill_disable and under_oom; oom_kill exists since Linux 4.13.
    Optional<Map<String, Long>> oom = files.keyed(d.resolve("memory.oom_control"));
    return new ResourceCounters.Memory(
        files.number(d.resolve("memory.usage_in_bytes")),
        limit,
        files.number(d.resolve("memory.failcnt")),
        files.key(oom, "oom_kill"));
  }

  private ResourceCounters.Pids pids(Optional<Path> pids) {
    if (pids.isEmpty()) {
      return new ResourceCounters.Pids(
          OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());
    }
    Path d = pids.get();
    return new ResourceCounters.Pids(
        files.number(d.resolve("pids.current")),
        files.limit(d.resolve("pids.max")),
        files.key(files.keyed(d.resolve("pids.events")), "max"));
  }

  /**
   * {@code blkio.throttle.io_service_bytes}: {@code MAJ:MIN Read|Write|Sync|Async|Discard|Total N}
   * per device, then {@code Total N}. Without device lines the kernel did not account (v1 blkio
   * counts only under a throttle policy here): no figure rather than 0.
   */
  private ResourceCounters.Io io(Optional<Path> blkio) {
    if (blkio.isEmpty()) {
      return ResourceCounters.Io.NONE;
    }
    Path file = blkio.get().resolve("blkio.throttle.io_service_bytes");
    Optional<String> text = files.text(file);
    if (text.isEmpty()) {
      return ResourceCounters.Io.NONE;
    }
    Map<String, IoFigures.DeviceBytes> bytes = new HashMap<>();
    for (String line : text.get().split("\n")) {
      String[] f = CgroupFiles.fields(line);
      if (f.length == 3 && IoFigures.isDevice(f[0])) {
        OptionalLong n = CgroupFiles.parseQuietly(f[2]);
        if (n.isEmpty()) {
          files.garbage(file, line);
          return ResourceCounters.Io.NONE;
        }
        IoFigures.DeviceBytes b = bytes.getOrDefault(f[0], new IoFigures.DeviceBytes(0, 0));
        if (f[1].equals("Read")) {
          bytes.put(f[0], new IoFigures.DeviceBytes(b.read() + n.getAsLong(), b.write()));
        } else if (f[1].equals("Write")) {
          bytes.put(f[0], new IoFigures.DeviceBytes(b.read(), b.write() + n.getAsLong()));
        } else {
          bytes.putIfAbsent(f[0], b);
        }
      } else if (!(f.length == 2 && f[0].equals("Total")) && !line.isBlank()) {
        files.garbage(file, line);
        return ResourceCounters.Io.NONE;
      }
    }
    if (bytes.isEmpty()) {
      return ResourceCounters.Io.NONE;
    }
    return IoFigures.fold(
        bytes,
        caps(blkio.get().resolve("blkio.throttle.read_bps_device")),
        caps(blkio.get().resolve("blkio.throttle.write_bps_device")));
  }

  /** A throttle file's caps by device; none when it is absent or garbage (counted). */
  private Map<String, Long> caps(Path file) {
    Optional<String> text = files.textIfPresent(file);
    if (text.isEmpty()) {
      return Map.of();
    }
    Optional<Map<String, Long>> caps = IoFigures.v1Caps(text.get());
    if (caps.isEmpty()) {
      files.garbage(file, text.get());
      return Map.of();
    }
    return caps.get();
  }
}
