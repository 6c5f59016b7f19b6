package dev.dockward.proc;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who started a process: looks processes up by pid for the ancestry of alerts, so that the pipeline
 * needs neither the netlink source nor /proc itself. A pid is reused once its process is gone, so
 * every lookup names the latest start time the answer may have: a parent never started after its
 * child, and a process that did is another one that took the pid.
 */
@FunctionalInterface
public interface ProcessLineage {
  /** Knows no process. */
  ProcessLineage NONE = (pid, startedBy) -> Optional.empty();

  /**
   * The process that has (or had) {@code pid} and started no later than {@code startedBy} (clock
   * ticks since boot), if this lineage knows it.
   */
  Optional<Ancestor> process(int pid, long startedBy);

  /** This lineage, and {@code other} for what this one does not know. */
  default ProcessLineage orElse(ProcessLineage other) {
    return (pid, startedBy) -> {
      Optional<Ancestor> found = process(pid, startedBy);
      return found.isPresent() ? found : other.process(pid, startedBy);
    };
  }

  /** The processes of the live /proc (a process that is gone is not found). */
  static ProcessLineage live(ProcReader reader) {
    return (pid, startedBy) ->
        reader.read(pid).map(Ancestor::of).filter(a -> a.startTime() <= startedBy);
  }

  /**
   * Up to {@code max} ancestors of a process, its parent first. The chain stops at the first
   * ancestor that is unknown (gone and not remembered), at pid 0, and on a loop.
   *
   * @param ppid the process's parent pid
   * @param startTime the process's start time; {@link Long#MAX_VALUE} when unknown
   */
  default List<Ancestor> ancestors(int ppid, long startTime, int max) {
    List<Ancestor> out = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    int pid = ppid;
    long bound = startTime;
    while (out.size() < max && pid > 0 && seen.add(pid)) {
      Optional<Ancestor> next = process(pid, bound);
      if (next.isEmpty()) {
        break;
      }
      out.add(next.get());
      pid = next.get().ppid();
      bound = next.get().startTime();
    }
    return out;
  }
}
