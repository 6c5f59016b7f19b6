package dev.dockward.fileopen;

import dev.dockward.cgroup.MountInfoParser;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which container each mount id belongs to, from each running container's mount table, and which
 * mount ids are the host's. An opened file's descriptor names the mount the open went through, and
 * a container's mounts are its own (a bind mount of a host directory is a new mount in the
 * container's namespace), so the mount tells the container even after the opener has ended. The
 * kernel reuses a mount id once its mount is gone: a container's entries are dropped when it stops
 * and read again when it restarts. Used by the watch's thread only.
 */
final class MountOwners {
  private final Map<Integer, String> owner = new HashMap<>();
  private final Map<String, Set<Integer>> byContainer = new HashMap<>();
  private Set<Integer> host = Set.of();

  /** Replaces what is known of a container's mounts with those of its mount table. */
  void index(String containerId, String mountinfo) {
    forget(containerId);
    Set<Integer> ids = new HashSet<>(MountInfoParser.mountIds(mountinfo).values());
    byContainer.put(containerId, ids);
    for (int id : ids) {
      owner.put(id, containerId);
    }
  }

  void forget(String containerId) {
    Set<Integer> ids = byContainer.remove(containerId);
    if (ids != null) {
      for (int id : ids) {
        owner.remove(id, containerId);
      }
    }
  }

  /** Replaces the host's mounts with those of its mount table. */
  void indexHost(String mountinfo) {
    host = new HashSet<>(MountInfoParser.mountIds(mountinfo).values());
  }

  boolean isHost(int mountId) {
    return host.contains(mountId);
  }

  Optional<String> container(int mountId) {
    return Optional.ofNullable(owner.get(mountId));
  }

  Set<String> containers() {
    return byContainer.keySet();
  }
}
