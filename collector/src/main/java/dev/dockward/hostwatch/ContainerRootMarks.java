package dev.dockward.hostwatch;

import dev.dockward.event.ContainerInfo;
import dev.dockward.host.HostFs;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which running containers' root file systems the write watch has marked, through {@code
 * /proc/<init pid>/root}. With the vfs storage driver a container's root is a directory of the
 * host's file system, already marked with it (a second mark of the same file system changes
 * nothing); with overlay2 it is an overlay mount, a file system of its own that no host mark hears.
 * A mark goes with its file system: the kernel drops it when the container's overlay is unmounted.
 * Used by the watch's thread only.
 */
final class ContainerRootMarks {
  /** Container id to the init pid its root was marked through. */
  private final Map<String, Long> marked = new HashMap<>();

  /**
   * Marks the root file system of each running container not marked yet (or restarted since);
   * forgets the containers no longer running.
   *
   * @param mark marks the file system a path is on; false when it could not
   */
  void refresh(List<ContainerInfo> running, HostFs host, Predicate<Path> mark) {
    Set<String> alive = new HashSet<>();
    for (ContainerInfo c : running) {
      if (c.initPid().isEmpty()) {
        continue;
      }
      long pid = c.initPid().getAsLong();
      alive.add(c.id());
      Long done = marked.get(c.id());
      if (done == null || done != pid) {
        mark.test(
            host.pidDir((int) pid)
                .resolve("root")); // tried once per run: a failure is counted and said once
        marked.put(c.id(), pid);
      }
    }
    marked.keySet().retainAll(alive);
  }

  int marked() {
    return marked.size();
  }
}
