package dev.dockward.cgroup;

import dev.dockward.host.HostFs;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where each cgroup hierarchy is mounted, and so where a process's cgroup directory is. Mount
 * points under {@code /sys} are resolved through {@link HostFs}, so a host mounted elsewhere (or a
 * fixture tree) works; others are taken as they are.
 */
final class CgroupHierarchies {
  private final List<CgroupMount> mounts;
  private final HostFs host;

  CgroupHierarchies(List<CgroupMount> mounts, HostFs host) {
    this.mounts = List.copyOf(mounts);
    this.host = host;
  }

  /** Whether a v1 hierarchy with {@code controller} is mounted. */
  boolean hasV1(String controller) {
    return v1Mount(controller).isPresent();
  }

  /** Whether a cgroup2 hierarchy is mounted. */
  boolean hasV2() {
    return mounts.stream().anyMatch(m -> m.version() == 2);
  }

  /** The directory of the v1 {@code controller} cgroup named by the process's lines. */
  Optional<Path> v1Dir(String controller, List<CgroupLine> lines) {
    Optional<CgroupMount> mount = v1Mount(controller);
    if (mount.isEmpty()) {
      return Optional.empty();
    }
    for (CgroupLine line : lines) {
      if (line.controllers().contains(controller)) {
        return under(mount.get(), line.path());
      }
    }
    return Optional.empty();
  }

  /** The directory of the process's v2 cgroup. */
  Optional<Path> v2Dir(List<CgroupLine> lines) {
    Optional<CgroupMount> mount = mounts.stream().filter(m -> m.version() == 2).findFirst();
    if (mount.isEmpty()) {
      return Optional.empty();
    }
    for (CgroupLine line : lines) {
      if (line.isV2()) {
        return under(mount.get(), line.path());
      }
    }
    return Optional.empty();
  }

  private Optional<CgroupMount> v1Mount(String controller) {
    return mounts.stream()
        .filter(m -> m.version() == 1 && m.controllers().contains(controller))
        .findFirst();
  }

  /**
   * {@code cgroupPath} is relative to the hierarchy's root; the mount shows the hierarchy from
   * {@code mount.root()}. A path outside what the mount shows cannot be reached through it.
   */
  private Optional<Path> under(CgroupMount mount, String cgroupPath) {
    String root = mount.root();
    String relative;
    if (root.equals("/")) {
      relative = cgroupPath;
    } else if (cgroupPath.equals(root) || cgroupPath.startsWith(root + "/")) {
      relative = cgroupPath.substring(root.length());
    } else {
      return Optional.empty();
    }
    relative = relative.replaceFirst("^/+", "");
    if (relative.contains("..")) {
      return Optional.empty(); // the kernel never writes one; refuse to leave the hierarchy
    }
    Path base = mountPoint(mount.mountPoint());
    return Optional.of(relative.isEmpty() ? base : base.resolve(relative));
  }

  private Path mountPoint(String mountPoint) {
    if (mountPoint.equals("/sys")) {
      return host.sys();
    }
    if (mountPoint.startsWith("/sys/")) {
      return host.sys().resolve(mountPoint.substring("/sys/".length()));
    }
    return Path.of(mountPoint);
  }
}
