package dev.dockward.hostwatch;

import dev.dockward.cgroup.MountInfoParser;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.MountInfo;
import dev.dockward.host.HostFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The kernel's mount ids of the running containers' mounts, read from each container's {@code
 * /proc/<init pid>/mountinfo}, and of the host's own mounts. A written file's descriptor names the
 * mount it was written through, so a write is attributed by its mount even when its writer has
 * already ended. The kernel reuses a mount id as soon as its mount is gone, so an entry counts only
 * while its container still runs with the init process it was read from. Used by the watch's thread
 * only.
 */
final class BindMountIndex {
  /** A container's bind mount. */
  record Binding(ContainerInfo container, MountInfo mount) {}

  /**
   * What a container mount id stands for; {@code binding} empty for its own mounts (root, volumes,
   * tmpfs); {@code root} for the container's root file system (mounted at {@code /}).
   */
  private record Entry(String containerId, long initPid, Optional<Binding> binding, boolean root) {}

  private final HostFs host;
  private final Supplier<Path> hostMountInfo;

  /** The init pid the inventory gives a container now, empty when it does not run. */
  private final Function<String, OptionalLong> currentInitPid;

  private final Map<Integer, Entry> byMountId = new HashMap<>();
  private final Map<String, Long> indexedInitPid = new HashMap<>();
  private final Map<String, Set<Integer>> mountIdsByContainer = new HashMap<>();
  private Set<Integer> hostMountIds = Set.of();
  private long unreadable;

  /**
   * @param hostMountInfo the host's mountinfo: its reference process's (the agent may have a mount
   *     namespace of its own)
   */
  BindMountIndex(
      HostFs host, Supplier<Path> hostMountInfo, Function<String, OptionalLong> currentInitPid) {
    this.host = host;
    this.hostMountInfo = hostMountInfo;
    this.currentInitPid = currentInitPid;
  }

  /**
   * Indexes the running containers not indexed yet (or restarted since); forgets those not running.
   */
  void refresh(List<ContainerInfo> running) {
    Set<String> alive = new HashSet<>();
    for (ContainerInfo c : running) {
      if (c.initPid().isEmpty()) {
        continue;
      }
      alive.add(c.id());
      Long indexed = indexedInitPid.get(c.id());
      if (indexed == null || indexed != c.initPid().getAsLong()) {
        forget(c.id());
        index(c);
      }
    }
    for (String id : Set.copyOf(indexedInitPid.keySet())) {
      if (!alive.contains(id)) {
        forget(id);
      }
    }
  }

  /** Re-reads the host's own mounts. */
  void refreshHost() {
    try {
      hostMountIds =
          new HashSet<>(MountInfoParser.mountIds(Files.readString(hostMountInfo.get())).values());
    } catch (IOException | RuntimeException e) {
      unreadable++;
    }
  }

  private void index(ContainerInfo c) {
    long initPid = c.initPid().getAsLong();
    String mountinfo;
    try {
      mountinfo = Files.readString(host.pidDir((int) initPid).resolve("mountinfo"));
    } catch (IOException | RuntimeException e) {
      unreadable++; // it ended already; its writes are attributed by their writers
      return;
    }
    Map<String, Integer> ids = MountInfoParser.mountIds(mountinfo);
    Map<Integer, Binding> bindings = new HashMap<>();
    for (MountInfo m : c.mounts()) {
      Integer id = "bind".equals(m.type()) ? ids.get(BindMounts.mountPoint(m.destination())) : null;
      if (id != null) {
        bindings.put(id, new Binding(c, m));
      }
    }
    Integer root = ids.get("/");
    for (int id : ids.values()) {
      byMountId.put(
          id,
          new Entry(
              c.id(), initPid, Optional.ofNullable(bindings.get(id)), root != null && root == id));
    }
    indexedInitPid.put(c.id(), initPid);
    mountIdsByContainer.put(c.id(), new HashSet<>(ids.values()));
  }

  private void forget(String containerId) {
    indexedInitPid.remove(containerId);
    Set<Integer> ids = mountIdsByContainer.remove(containerId);
    if (ids != null) {
      ids.forEach(
          id ->
              byMountId.computeIfPresent(
                  id, (k, e) -> e.containerId().equals(containerId) ? null : e));
    }
  }

  /**
   * The entry of a mount id, if its container still runs with the init process it was read from.
   */
  private Optional<Entry> valid(int mountId) {
    Entry e = byMountId.get(mountId);
    if (e == null) {
      return Optional.empty();
    }
    OptionalLong now = currentInitPid.apply(e.containerId());
    return now.isPresent() && now.getAsLong() == e.initPid() ? Optional.of(e) : Optional.empty();
  }

  Optional<Binding> byMountId(int mountId) {
    return valid(mountId).flatMap(Entry::binding);
  }

  /**
   * Whether the mount is one of a running container's own: its root file system, a volume, a tmpfs,
   * Docker's files.
   */
  boolean isContainersOwnMount(int mountId) {
    return valid(mountId).map(e -> e.binding().isEmpty()).orElse(false);
  }

  /**
   * The container whose root file system the mount is, while it runs with the init process it was
   * read from.
   */
  Optional<String> rootOf(int mountId) {
    return valid(mountId).filter(Entry::root).map(Entry::containerId);
  }

  /**
   * Whether a write through the mount may be to a container's root file system: it is one, or the
   * mount is not indexed (its container's mounts were never read: it ended at once, or it started
   * since the last refresh).
   */
  boolean mayBeRoot(int mountId) {
    return valid(mountId).map(Entry::root).orElse(true);
  }

  /** Whether the mount is one of the host's own (as of the last {@link #refreshHost}). */
  boolean isHostMount(int mountId) {
    return hostMountIds.contains(mountId);
  }

  /** mountinfo files that could not be read. */
  long unreadable() {
    return unreadable;
  }
}
