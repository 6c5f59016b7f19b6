package dev.dockward.cgroup;

import dev.dockward.event.ResourceCounters;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads the resource counters of a process's cgroup. One implementation per cgroup version ({@link
 * CgroupV1Reader}, {@link CgroupV2Reader}); {@link CgroupReaders#forHost} picks the one the host's
 * mounts call for. Never throws on what it reads: problems are counted in {@link #stats()}.
 */
public interface CgroupReader {
  /** 1 or 2. */
  int version();

  /**
   * The counters of the cgroup named by one process's {@code /proc/<pid>/cgroup} lines.
   *
   * @return empty when the cgroup is gone (the container stopped meanwhile) or cannot be found
   */
  Optional<ResourceCounters> read(List<CgroupLine> lines);

  /**
   * The cgroup's CPU time used so far, ns: one small file (v1 {@code cpuacct.usage}, v2 {@code
   * cpu.stat}), read before the others to tell whether anything in the cgroup ran since.
   *
   * @return empty when the cgroup is gone or the figure cannot be read
   */
  OptionalLong cpuUsageNanos(List<CgroupLine> lines);

  /**
   * The cgroup's memory in use, bytes (v1 {@code memory.usage_in_bytes}, v2 {@code
   * memory.current}): it can shrink (reclaim) while nothing in the cgroup runs.
   *
   * @return empty when the cgroup is gone or the figure cannot be read
   */
  OptionalLong memoryUsageBytes(List<CgroupLine> lines);

  /** What went wrong so far. */
  CgroupReadStats stats();
}
