package dev.dockward.netlink;

import dev.dockward.event.ProcessInfo;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * The live processes the netlink worker knows, by pid. The netlink stream orders a pid's life
 * (fork, exec…, exit), so a fork replaces whatever the pid meant before; where events were lost,
 * a start time read from /proc that differs from the cached one marks the entry stale. Used by
 * one thread.
 */
final class ProcessTable {
  /**
   * One process.
   *
   * @param forkNs the kernel's monotonic time of its fork, -1 when the fork was not seen
   * @param startTime its start time from /proc (with the pid, its identity), once read
   * @param containerId its container, from its cgroup once read, else inherited from its parent at fork
   * @param info the process as last read
   */
  record Entry(int pid, int ppid, long forkNs, OptionalLong startTime, Optional<String> containerId,
      Optional<ProcessInfo> info, Optional<String> runtime) {
    /** A process not known to run an installed runtime binary. */
    Entry(int pid, int ppid, long forkNs, OptionalLong startTime, Optional<String> containerId,
        Optional<ProcessInfo> info) {
      this(pid, ppid, forkNs, startTime, containerId, info, Optional.empty());
    }
  }

  private final Map<Integer, Entry> byPid = new HashMap<>();
  private final int capacity;

  ProcessTable(int capacity) {
    this.capacity = capacity;
  }

  Optional<Entry> get(int pid) {
    return Optional.ofNullable(byPid.get(pid));
  }

  /** Adds or replaces; false (and nothing kept) when full and the pid is new. */
  boolean put(Entry entry) {
    if (byPid.size() >= capacity && !byPid.containsKey(entry.pid())) {
      return false;
    }
    byPid.put(entry.pid(), entry);
    return true;
  }

  Optional<Entry> remove(int pid) {
    return Optional.ofNullable(byPid.remove(pid));
  }

  /** Removes every entry {@code stale} accepts; returns how many. */
  int removeIf(Predicate<Entry> stale) {
    int removed = 0;
    for (Iterator<Entry> it = byPid.values().iterator(); it.hasNext();) {
      if (stale.test(it.next())) {
        it.remove();
        removed++;
      }
    }
    return removed;
  }

  int size() {
    return byPid.size();
  }
}
