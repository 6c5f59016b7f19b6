package dev.dockward.proc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The processes seen lately, by pid, for ancestry: fed with every process the pipeline handles,
 * kept after they exit (a short-lived {@code sh -c} parent still names the chain of its child), and
 * forgotten when the pid is taken by a new process or when the oldest entries make room. Bounded by
 * entry count; each entry's command line is capped ({@link Ancestor#CMDLINE_CAP}). Not thread-safe:
 * one pipeline thread owns it.
 */
public final class RecentProcesses implements ProcessLineage {
  private final Map<Integer, Ancestor> byPid;

  /**
   * @param capacity the most processes kept; the least recently seen go first
   */
  public RecentProcesses(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.byPid =
        new LinkedHashMap<>(256, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Integer, Ancestor> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Remembers a process (replacing whatever its pid meant before). */
  public void remember(Ancestor process) {
    byPid.remove(process.pid()); // re-insert: the most recently seen are evicted last
    byPid.put(process.pid(), process);
  }

  /** Forgets what {@code pid} meant: a fork gave it to a new process not read yet. */
  public void forget(int pid) {
    byPid.remove(pid);
  }

  @Override
  public Optional<Ancestor> process(int pid, long startedBy) {
    Ancestor known = byPid.get(pid);
    return known != null && known.startTime() <= startedBy ? Optional.of(known) : Optional.empty();
  }

  public int size() {
    return byPid.size();
  }
}
