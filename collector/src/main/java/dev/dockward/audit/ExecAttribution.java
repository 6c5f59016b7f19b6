package dev.dockward.audit;

import dev.dockward.cgroup.ContainerIdResolver;
import dev.dockward.event.ProcessInfo;
import dev.dockward.proc.ProcReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which container an audited exec ran in. The process itself, read from /proc while it lives, says
 * best; a process already gone inherits its parent's container (a process cannot leave its
 * container by forking); when the parent is gone too, the container this pid or its parent had at
 * an earlier exec is remembered here. A parent that is the runtime (runc) says nothing: its
 * children join the container between fork and exec. Used by one thread.
 */
final class ExecAttribution {
  /**
   * The outcome.
   *
   * @param known whether the container (or the host) is known
   * @param containerId the container, empty for the host
   * @param cgroup the cgroup path it was learned from ("" from memory)
   * @param how where it was learned
   */
  record Result(boolean known, Optional<String> containerId, String cgroup, Via how) {
    static final Result UNKNOWN = new Result(false, Optional.empty(), "", Via.NONE);
  }

  /** Where a container was learned: the process, its parent, an earlier exec, or nowhere. */
  enum Via {
    PROC,
    PARENT,
    MEMORY,
    NONE
  }

  /** A pid's container at its last exec, and whether that program was the runtime. */
  private record Seen(Optional<String> containerId, boolean runtime) {}

  private final ProcReader reader;
  private final Map<Integer, Seen> byPid;

  ExecAttribution(ProcReader reader, int capacity) {
    this.reader = reader;
    this.byPid =
        new LinkedHashMap<>(1024, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Integer, Seen> eldest) {
            return size() > capacity;
          }
        };
  }

  /**
   * The container of {@code exec}; {@code self} is the process as read from /proc at receipt (empty
   * when it was gone).
   */
  Result attribute(AuditExec exec, Optional<ProcessInfo> self) {
    Result result = find(exec.pid(), exec.ppid(), self);
    if (result.known()) {
      byPid.put(exec.pid(), new Seen(result.containerId(), isRuntime(exec.comm(), exec.exe())));
    }
    return result;
  }

  /**
   * The container of an audited call other than an exec. The process itself first; when it is gone
   * (a one-shot program ends right after its call), the container of its own last exec comes before
   * its parent's: a process started by {@code docker exec} is the child of the containerd shim, a
   * host process, so its parent would name the host.
   */
  Result attribute(AuditCall call, Optional<ProcessInfo> self) {
    if (self.isEmpty()) {
      Seen mine = byPid.get(call.pid());
      if (mine != null && !mine.runtime()) {
        return new Result(true, mine.containerId(), "", Via.MEMORY);
      }
    }
    return find(call.pid(), call.ppid(), self);
  }

  private Result find(int pid, int ppid, Optional<ProcessInfo> self) {
    if (self.isPresent()) {
      return new Result(
          true,
          ContainerIdResolver.containerId(self.get().cgroup()),
          self.get().cgroup(),
          Via.PROC);
    }
    Seen parentSeen = byPid.get(ppid);
    if (parentSeen == null || !parentSeen.runtime()) {
      // Its name, program and cgroup are all that is needed of the parent: three reads, not ~17.
      Optional<ProcReader.Brief> parent = reader.brief(ppid);
      if (parent.isPresent() && !isRuntime(parent.get().name(), reader.exe(ppid))) {
        return new Result(
            true,
            ContainerIdResolver.containerId(parent.get().cgroup()),
            parent.get().cgroup(),
            Via.PARENT);
      }
    }
    Seen mine = byPid.get(pid);
    if (mine != null && !mine.runtime()) {
      return new Result(
          true, mine.containerId(), "", Via.MEMORY); // it exec'd before: same container
    }
    if (parentSeen != null && !parentSeen.runtime()) {
      return new Result(true, parentSeen.containerId(), "", Via.MEMORY);
    }
    return Result.UNKNOWN;
  }

  /** runc (or runc's own re-exec as {@code runc init}): it moves its children into containers. */
  static boolean isRuntime(String comm, String exe) {
    return comm.startsWith("runc") || exe.endsWith("/runc");
  }
}
