package dev.dockward.execfile;

import dev.dockward.cgroup.ContainerIdResolver;
import dev.dockward.event.ContainerInfo;
import dev.dockward.proc.ProcReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The containers running now, each by the init pid its mounts are marked through: what the exec
 * file watch's reconciliation pass compares its marks with.
 */
@FunctionalInterface
public interface ContainerInits {
  /** Knows no container. */
  ContainerInits NONE = Map::of;

  /** Container id to its init's host pid. */
  Map<String, Long> now();

  /** The containers of a listing (the Docker inventory's running ones) that have an init pid. */
  static ContainerInits of(Supplier<? extends List<ContainerInfo>> running) {
    return () -> {
      Map<String, Long> out = new HashMap<>();
      for (ContainerInfo c : running.get()) {
        c.initPid().ifPresent(pid -> out.put(c.id(), pid));
      }
      return out;
    };
  }

  /**
   * The containers /proc shows, without Docker: each process whose cgroup names a container and
   * whose parent's does not (or names another) was started by the runtime's shim: the container's
   * init or a {@code docker exec} session; the first started is the init. A process that entered
   * other namespaces keeps its cgroup, so only the init, never any process of the container, is
   * taken: its mounts are the container's.
   */
  static ContainerInits fromProc(ProcReader reader) {
    return () -> {
      Map<Integer, ProcReader.Brief> byPid = new HashMap<>();
      Map<Integer, String> containerOf = new HashMap<>();
      reader
          .pids()
          .forEach(
              pid ->
                  reader
                      .brief(pid)
                      .ifPresent(
                          b -> {
                            byPid.put(pid, b);
                            ContainerIdResolver.containerId(b.cgroup())
                                .ifPresent(id -> containerOf.put(pid, id));
                          }));
      Map<String, ProcReader.Brief> init = new HashMap<>();
      containerOf.forEach(
          (pid, id) -> {
            ProcReader.Brief b = byPid.get(pid);
            if (!id.equals(containerOf.get(b.ppid()))) {
              // docker exec sessions are roots too: the first started is the init
              init.merge(id, b, (x, y) -> x.startTime() <= y.startTime() ? x : y);
            }
          });
      Map<String, Long> out = new HashMap<>();
      init.forEach((id, b) -> out.put(id, (long) b.pid()));
      return out;
    };
  }
}
