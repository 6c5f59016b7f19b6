package dev.dockward.hostwatch;

import dev.dockward.cgroup.MountEntry;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.ContainerMountAdded;
import dev.dockward.event.Event;
import dev.dockward.event.MountInfo;
import dev.dockward.host.HostFs;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Block devices and the kernel's debug file systems mounted inside containers, from each
 * container's mountinfo (one pass of the host watch). A mount counts when the container made it:
 *
 * <ul>
 *   <li>at the first read of a container, a mount of a block device of the host or a debugfs or
 *       tracefs is Docker's only at the container's root, at its own files ({@code /etc/hosts},
 *       {@code /etc/hostname}, {@code /etc/resolv.conf}) or at one of its mounts' destinations;
 *   <li>after the first read, any new one;
 *   <li>in both cases, not one that came with a bind of a host directory: below a bind's
 *       destination, at the matching place below its source, the host has a mount of the same
 *       device and root ({@code -v /:/host} brings {@code /host/boot}; a disk the host mounts later
 *       propagates into the bind too). The bind itself is {@code sensitive_host_mount}'s.
 * </ul>
 *
 * Each is reported once while mounted. Used by the host watch's thread only.
 */
final class DeviceMountWatch {
  /** Docker's own files, bound from its data directory into every container. */
  private static final Set<String> DOCKERS_FILES =
      Set.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf");

  private static final Set<String> DEBUG_FILE_SYSTEMS = Set.of("debugfs", "tracefs");

  /**
   * Mounts remembered per container at most: past that a new mount is neither remembered nor
   * reported (counted).
   */
  static final int MAX_PER_CONTAINER = 1024;

  private final HostFs host;
  private final Map<String, Baseline> baselines = new HashMap<>();

  /** Whether a {@code major:minor} is a block device of the host; devices are few. */
  private final Map<String, Boolean> blockDevices = new HashMap<>();

  private final LongAdder full = new LongAdder();

  private record Baseline(long initPid, Set<String> initial, Set<String> reported) {}

  DeviceMountWatch(HostFs host) {
    this.host = host;
  }

  /**
   * Compares one container's mounts with its first read.
   *
   * @param mounts the container's mountinfo, read now
   * @param hostMounts the host's mounts
   */
  void container(
      ContainerInfo c,
      int pid,
      List<MountEntry> mounts,
      List<MountEntry> hostMounts,
      Instant now,
      List<Event> out) {
    List<MountEntry> watched = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    Map<String, Integer> occurrences = new HashMap<>();
    for (MountEntry m : mounts) {
      if (DEBUG_FILE_SYSTEMS.contains(m.fsType()) || isBlockDevice(m.device())) {
        String key = m.fsType() + " " + m.device() + " " + m.root() + " " + m.mountPoint();
        watched.add(m);
        keys.add(
            key
                + " #"
                + occurrences.merge(key, 1, Integer::sum)); // stacked on one point: each its own
      }
    }
    Baseline baseline = baselines.get(c.id());
    boolean firstRead = baseline == null || baseline.initPid() != pid;
    if (firstRead) {
      baseline = new Baseline(pid, Set.copyOf(keys), new HashSet<>());
      baselines.put(c.id(), baseline);
    }
    for (int i = 0; i < watched.size(); i++) {
      MountEntry m = watched.get(i);
      String key = keys.get(i);
      boolean added = !baseline.initial().contains(key);
      boolean notDockers = firstRead && !(key.endsWith(" #1") && dockersPlace(c, m));
      if ((added || notDockers)
          && !cameWithHostBind(c, m, hostMounts, mounts)
          && !baseline.reported().contains(key)) {
        if (baseline.reported().size() >= MAX_PER_CONTAINER) {
          full.increment();
          continue;
        }
        baseline.reported().add(key);
        Optional<ContainerMountAdded.BlockDevice> device =
            isBlockDevice(m.device())
                ? Optional.of(new ContainerMountAdded.BlockDevice(m.source(), m.device()))
                : Optional.empty();
        out.add(
            new ContainerMountAdded(
                now,
                HostWatch.SOURCE,
                m.fsType(),
                m.mountPoint(),
                m.root(),
                m.options(),
                pid,
                device,
                Optional.of(c)));
      }
    }
    baseline
        .reported()
        .retainAll(new HashSet<>(keys)); // an unmounted one, mounted again, is news again
  }

  /** Forgets the containers not running any more. */
  void retain(Set<String> alive) {
    baselines.keySet().retainAll(alive);
  }

  /** New mounts not remembered because a container had too many. */
  long full() {
    return full.sum();
  }

  /**
   * Where Docker itself puts a mount of a block device: the root, its own files, the container's
   * mounts.
   */
  private static boolean dockersPlace(ContainerInfo c, MountEntry m) {
    if (DEBUG_FILE_SYSTEMS.contains(m.fsType())) {
      return false; // Docker never mounts these
    }
    if (m.mountPoint().equals("/") || DOCKERS_FILES.contains(m.mountPoint())) {
      return true;
    }
    for (MountInfo mount : c.mounts()) {
      if (trimSlash(mount.destination()).equals(trimSlash(m.mountPoint()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the mount lies below one of the container's binds of a host directory and is a copy the
   * recursive bind brought, not the container's act: at the matching place below the bind's source
   * the host has a mount of the same device and root, or the container has Docker's own mount of
   * the same device and root (with {@code -v /:/host} and the vfs driver, the container's root
   * directory shows again below {@code /host/var/lib/docker/vfs/dir/}, where runc had bound it).
   *
   * @param own the container's mounts
   */
  static boolean cameWithHostBind(
      ContainerInfo c, MountEntry m, List<MountEntry> hostMounts, List<MountEntry> own) {
    for (MountInfo bind : c.mounts()) {
      if (!"bind".equals(bind.type())
          || !bind.source().startsWith("/")
          || !bind.destination().startsWith("/")) {
        continue;
      }
      String destination = trimSlash(bind.destination());
      String point = m.mountPoint();
      if (!point.startsWith(destination + "/")) {
        continue; // the bind's own mount point is its destination: Docker's place, not a copy
      }
      String source = trimSlash(bind.source());
      String hostPoint = (source.equals("/") ? "" : source) + point.substring(destination.length());
      for (MountEntry h : hostMounts) {
        if (h.mountPoint().equals(hostPoint) && sameFiles(h, m)) {
          return true;
        }
      }
      for (MountEntry o : own) {
        if (o != m
            && sameFiles(o, m)
            && !o.mountPoint().startsWith(destination + "/")
            && dockersPlace(c, o)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether two mounts show the same directory of the same file system. */
  private static boolean sameFiles(MountEntry a, MountEntry b) {
    return a.device().equals(b.device())
        && a.root().equals(b.root())
        && a.fsType().equals(b.fsType());
  }

  private boolean isBlockDevice(String device) {
    if (device.startsWith("0:")) {
      return false; // an anonymous device: proc, tmpfs, overlay, cgroup…
    }
    Boolean known = blockDevices.get(device);
    if (known != null) {
      return known;
    }
    boolean block = Files.exists(host.sys().resolve("dev/block/" + device));
    if (blockDevices.size() < MAX_PER_CONTAINER) {
      blockDevices.put(
          device, block); // a name made up by a mounter's numbers is not kept past the bound
    }
    return block;
  }

  private static String trimSlash(String path) {
    String p = path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
