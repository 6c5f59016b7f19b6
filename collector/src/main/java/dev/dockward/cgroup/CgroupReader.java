package dev.dockward.cgroup;

import dev.dockward.event.ResourceCounters;
import java.util.List;
import java.util.Optional;

/**
 * Reads the resource counters of a process's cgroup. One implementation per cgroup version
 * ({@link CgroupV1Reader}, {@link CgroupV2Reader}); {@link CgroupReaders#forHost} picks the one
 * the host's mounts call for. Never throws on what it reads: problems are counted in
 * {@link #stats()}.
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

  /** What went wrong so far. */
  CgroupReadStats stats();
}
