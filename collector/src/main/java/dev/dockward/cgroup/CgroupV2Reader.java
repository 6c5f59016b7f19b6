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
 * cgroup v2 (unified): one directory per cgroup, the process's {@code 0::<path>} line under the
 * cgroup2 mount. File formats as in the kernel's Documentation/admin-guide/cgroup-v2.rst.
 */
public final class CgroupV2Reader implements CgroupReader {
  private final CgroupHierarchies hierarchies;
  private final CgroupFiles files = new CgroupFiles(new CgroupReadStats());

  CgroupV2Reader(CgroupHierarchies hierarchies) {
    this.hierarchies = hierarchies;
  }

  @Override
  public int version() {
    return 2;
  }

  @Override
  public CgroupReadStats stats() {
    return files.stats();
  }

  @Override
  public Optional<ResourceCounters> read(List<CgroupLine> lines) {
    Optional<Path> dir = hierarchies.v2Dir(lines);
    if (dir.isEmpty() || !Files.isDirectory(dir.get())) {
      files.stats().countVanished();
      return Optional.empty();
    }
    Path d = dir.get();
    return Optional.of(new ResourceCounters(2, cpu(d), memory(d), pids(d), io(d)));
  }

  @Override
  public OptionalLong cpuUsageNanos(List<CgroupLine> lines) {
    return micros(
        hierarchies
            .v2Dir(lines)
            .map(d -> files.keyQuietly(d.resolve("cpu.stat"), "usage_usec"))
            .orElse(OptionalLong.empty()));
  }

  @Override
  public OptionalLong memoryUsageBytes(List<CgroupLine> lines) {
    return hierarchies
        .v2Dir(lines)
        .map(d -> files.numberQuietly(d.resolve("memory.current")))
        .orElse(OptionalLong.empty());
  }

  private ResourceCounters.Cpu cpu(Path d) {
    Optional<Map<String, Long>> stat = files.keyed(d.resolve("cpu.stat"));
    OptionalLong quota = OptionalLong.empty();
    OptionalLong period = OptionalLong.empty();
    // cpu.max: "$MAX $PERIOD", $MAX being "max" without a quota.
    Path maxFile = d.resolve("cpu.max");
    Optional<String> max = files.text(maxFile);
    if (max.isPresent()) {
      String[] f = CgroupFiles.fields(max.get());
      OptionalLong p = f.length == 2 ? CgroupFiles.parseQuietly(f[1]) : OptionalLong.empty();
      OptionalLong q =
          f.length == 2 && !f[0].equals("max")
              ? CgroupFiles.parseQuietly(f[0])
              : OptionalLong.empty();
      if (p.isEmpty() || p.getAsLong() == 0 || (!f[0].equals("max") && q.isEmpty())) {
        files.garbage(maxFile, max.get());
      } else {
        period = p;
        quota = q;
      }
    }
    // The throttling keys are there only while the cpu controller is enabled for the cgroup.
    return new ResourceCounters.Cpu(
        micros(files.key(stat, "usage_usec")),
        quota,
        period,
        CgroupFiles.optionalKey(stat, "nr_periods"),
        CgroupFiles.optionalKey(stat, "nr_throttled"),
        micros(CgroupFiles.optionalKey(stat, "throttled_usec")));
  }

  private ResourceCounters.Memory memory(Path d) {
    // memory.events "max": times usage was about to exceed memory.max, v2's nearest to v1's
    // failcnt.
    Optional<Map<String, Long>> events = files.keyed(d.resolve("memory.events"));
    return new ResourceCounters.Memory(
        files.number(d.resolve("memory.current")),
        files.limit(d.resolve("memory.max")),
        files.key(events, "max"),
        files.key(events, "oom_kill"));
  }

  private ResourceCounters.Pids pids(Path d) {
    return new ResourceCounters.Pids(
        files.number(d.resolve("pids.current")),
        files.limit(d.resolve("pids.max")),
        files.key(files.keyed(d.resolve("pids.events")), "max"));
  }

  /**
   * {@code io.stat}: {@code MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N} per device
   * that did I/O. v2 always accounts, so an empty file is 0 bytes.
   */
  private ResourceCounters.Io io(Path d) {
    Path file = d.resolve("io.stat");
    Optional<String> text = files.text(file);
    if (text.isEmpty()) {
      return ResourceCounters.Io.NONE;
    }
    Map<String, IoFigures.DeviceBytes> bytes = new HashMap<>();
    for (String line : text.get().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = CgroupFiles.fields(line);
      if (!IoFigures.isDevice(f[0])) {
        files.garbage(file, line);
        return ResourceCounters.Io.NONE;
      }
      long read = 0;
      long write = 0;
      for (int i = 1; i < f.length; i++) {
        int eq = f[i].indexOf('=');
        OptionalLong n =
            eq > 0 ? CgroupFiles.parseQuietly(f[i].substring(eq + 1)) : OptionalLong.empty();
        if (n.isEmpty()) {
          files.garbage(file, line);
          return ResourceCounters.Io.NONE;
        }
        String key = f[i].substring(0, eq);
        if (key.equals("rbytes")) {
          read = n.getAsLong();
        } else if (key.equals("wbytes")) {
          write = n.getAsLong();
        }
      }
      bytes.put(f[0], new IoFigures.DeviceBytes(read, write));
    }
    IoFigures.V2Caps caps = caps(d.resolve("io.max"));
    return IoFigures.fold(bytes, caps.read(), caps.write());
  }

  /** The caps of {@code io.max}, absent when the io controller is not enabled for the cgroup. */
  private IoFigures.V2Caps caps(Path file) {
    IoFigures.V2Caps none = new IoFigures.V2Caps(Map.of(), Map.of());
    Optional<String> text = files.textIfPresent(file);
    if (text.isEmpty()) {
      return none;
    }
    Optional<IoFigures.V2Caps> caps = IoFigures.v2Caps(text.get());
    if (caps.isEmpty()) {
      files.garbage(file, text.get());
      return none;
    }
    return caps.get();
  }

  private static OptionalLong micros(OptionalLong us) {
    return us.isPresent() ? OptionalLong.of(us.getAsLong() * 1000) : OptionalLong.empty();
  }
}
