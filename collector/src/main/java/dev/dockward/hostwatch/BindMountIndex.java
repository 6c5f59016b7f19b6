package dev.dockward.hostwatch;

import dev.dockward.cgroup.MountInfoParser;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.MountInfo;
import dev.dockward.hostfs.HostFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kernel's mount ids of the running containers' bind mounts, read from each container's
 * {@code /proc/<init pid>/mountinfo}, and of the host's own mounts. A written file's descriptor
 * names the mount it was written through, so a write is attributed by its mount even when its
 * writer has already ended. A container that stopped is kept a while: the descriptors of its last
 * writes may still be waiting to be read. Used by the watch's thread only.
 */
final class BindMountIndex {
  /** A container's bind mount. */
  record Binding(ContainerInfo container, MountInfo mount) {}

  /** How long a stopped container's mounts stay indexed (mount ids are reused after that). */
  private static final long KEEP_NANOS = 10_000_000_000L;

  private final HostFs host;
  private final Path ownMountInfo;
  private final Map<Integer, Binding> byMountId = new HashMap<>();
  /** The containers' other mounts (root file system, volumes, Docker's own files): their writes are their own. */
  private final Set<Integer> ownMountIds = new HashSet<>();
  private final Map<String, Set<Integer>> mountIdsByContainer = new HashMap<>();
  private final Map<String, Long> lastRunning = new HashMap<>();
  private Set<Integer> hostMountIds = Set.of();
  private long unreadable;

  /**
   * @param ownMountInfo the agent's own mountinfo: the host's mounts, as the agent runs on the host
   */
  BindMountIndex(HostFs host, Path ownMountInfo) {
    this.host = host;
    this.ownMountInfo = ownMountInfo;
  }

  /** Indexes the running containers not indexed yet; forgets those stopped for a while. */
  void refresh(List<ContainerInfo> running, long nowNanos) {
    for (ContainerInfo c : running) {
      lastRunning.put(c.id(), nowNanos);
      if (!mountIdsByContainer.containsKey(c.id()) && c.initPid().isPresent()) {
        index(c);
      }
    }
    lastRunning.entrySet().removeIf(e -> {
      if (nowNanos - e.getValue() < KEEP_NANOS) {
        return false;
      }
      Set<Integer> ids = mountIdsByContainer.remove(e.getKey());
      if (ids != null) {
        ids.forEach(byMountId::remove);
        ownMountIds.removeAll(ids);
      }
      return true;
    });
  }

  /** Re-reads the host's own mounts. */
  void refreshHost() {
    try {
      hostMountIds = new HashSet<>(MountInfoParser.mountIds(Files.readString(ownMountInfo)).values());
    } catch (IOException | RuntimeException e) {
      unreadable++;
    }
  }

  private void index(ContainerInfo c) {
    String mountinfo;
    try {
      mountinfo = Files.readString(host.pidDir((int) c.initPid().getAsLong()).resolve("mountinfo"));
    } catch (IOException | RuntimeException e) {
      unreadable++; // it ended already; its writes are attributed by their writers
      return;
    }
    Map<String, Integer> ids = MountInfoParser.mountIds(mountinfo);
    Set<Integer> indexed = new HashSet<>(ids.values());
    for (MountInfo m : c.mounts()) {
      Integer id = "bind".equals(m.type()) ? ids.get(trimSlash(m.destination())) : null;
      if (id != null) {
        byMountId.put(id, new Binding(c, m));
      }
    }
    indexed.stream().filter(id -> !byMountId.containsKey(id)).forEach(ownMountIds::add);
    mountIdsByContainer.put(c.id(), indexed);
  }

  Optional<Binding> byMountId(int mountId) {
    return Optional.ofNullable(byMountId.get(mountId));
  }

  /** Whether the mount is one of an indexed container's own: its root file system, a volume, a tmpfs. */
  boolean isContainersOwnMount(int mountId) {
    return ownMountIds.contains(mountId);
  }

  /** Whether the mount is one of the host's own (as of the last {@link #refreshHost}). */
  boolean isHostMount(int mountId) {
    return hostMountIds.contains(mountId);
  }

  /** mountinfo files that could not be read. */
  long unreadable() {
    return unreadable;
  }

  private static String trimSlash(String path) {
    int end = path.length();
    while (end > 1 && path.charAt(end - 1) == '/') {
      end--;
    }
    return path.substring(0, end);
  }
}
