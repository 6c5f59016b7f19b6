package dev.dockward.cgroup;

import dev.dockward.host.HostFs;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/** Picks the {@link CgroupReader} for a host from its cgroup mounts. */
public final class CgroupReaders {
  private CgroupReaders() {}

  /**
   * The reader for the host whose {@code /proc/self/mountinfo} lists the cgroup mounts: v1 when any
   * v1 hierarchy holds a resource controller (legacy, or hybrid with an empty cgroup2 beside it),
   * else v2 when cgroup2 is mounted.
   *
   * @return empty when no cgroup hierarchy is mounted, or mountinfo cannot be read
   */
  public static Optional<CgroupReader> forHost(HostFs host) {
    String mountinfo;
    try {
      mountinfo = Files.readString(host.proc().resolve("self/mountinfo"));
    } catch (IOException e) {
      return Optional.empty();
    }
    return forMounts(MountInfoParser.cgroupMounts(mountinfo), host);
  }

  /** As {@link #forHost}, from mounts already parsed. */
  public static Optional<CgroupReader> forMounts(List<CgroupMount> mounts, HostFs host) {
    CgroupHierarchies hierarchies = new CgroupHierarchies(mounts, host);
    // In a hybrid layout cgroup2 is mounted too, but with no controllers: the figures are in v1.
    for (String controller : List.of("memory", "pids", "cpuacct", "cpu")) {
      if (hierarchies.hasV1(controller)) {
        return Optional.of(new CgroupV1Reader(hierarchies));
      }
    }
    if (hierarchies.hasV2()) {
      return Optional.of(new CgroupV2Reader(hierarchies));
    }
    return Optional.empty();
  }
}
