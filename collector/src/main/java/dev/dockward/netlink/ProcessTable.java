package dev.dockward.netlink;

import dev.dockward.event.ProcessInfo;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * The live processes the netlink worker knows, by pid. The netlink stream orders a pid's life
 * (fork, exec…, exit), so a fork replaces whatever the pid meant before; where events were lost, a
 * start time read from /proc that differs from the cached one marks the entry stale. Used by one
 * thread.
 *
 * <p>Bounded twice: by entry count, and by a budget of estimated retained bytes ({@link
 * RetainedSize}), since a process chooses the size of its own command line (64 KiB of bytes that
 * are not UTF-8 are 256 KiB of {@code \xNN} text). Over budget, the largest details are shed first:
 * the entry keeps its identity (pid, parent, start time, fork time, container) and what detection
 * compares (name, uids, capabilities, namespaces), and loses its long text (command line cut to
 * {@value #SHED_CMDLINE_CHARS} characters and marked truncated; an executable path or cgroup longer
 * than {@value #SHED_PATH_CHARS} characters becomes unknown). Each shed is counted. When only
 * identities and short details are left and the budget is still spent, a new pid is refused, as
 * when the table is full.
 */
final class ProcessTable {
  /** The command line characters an entry keeps once its details are shed. */
  static final int SHED_CMDLINE_CHARS = 256;

  /** The longest executable path or cgroup an entry keeps once its details are shed. */
  static final int SHED_PATH_CHARS = 512;

  /**
   * One process.
   *
   * @param forkNs the kernel's monotonic time of its fork, -1 when the fork was not seen
   * @param startTime its start time from /proc (with the pid, its identity), once read
   * @param containerId its container, from its cgroup once read, else inherited from its parent at
   *     fork
   * @param info the process as last read (its long text cut when the table was over budget)
   */
  record Entry(
      int pid,
      int ppid,
      long forkNs,
      OptionalLong startTime,
      Optional<String> containerId,
      Optional<ProcessInfo> info,
      Optional<String> runtime) {
    /** A process not known to run an installed runtime binary. */
    Entry(
        int pid,
        int ppid,
        long forkNs,
        OptionalLong startTime,
        Optional<String> containerId,
        Optional<ProcessInfo> info) {
      this(pid, ppid, forkNs, startTime, containerId, info, Optional.empty());
    }
  }

  /** An entry as stored, with its estimated size. Compared by identity: a replaced one is stale. */
  private static final class Stored {
    final Entry entry;
    final long bytes;

    Stored(Entry entry) {
      this.entry = entry;
      this.bytes = RetainedSize.of(entry);
    }
  }

  private final Map<Integer, Stored> byPid = new HashMap<>();

  /** Entries whose details can be shed, largest first; stale ones are skipped when met. */
  private final PriorityQueue<Stored> sheddable =
      new PriorityQueue<>(Comparator.comparingLong((Stored s) -> s.bytes).reversed());

  private final int capacity;
  private final long budgetBytes;
  private final Runnable onShed;
  private long bytes;

  /**
   * @param capacity the most entries
   * @param budgetBytes the most estimated bytes of all entries together
   * @param onShed told once for each entry whose details are shed
   */
  ProcessTable(int capacity, long budgetBytes, Runnable onShed) {
    if (capacity <= 0 || budgetBytes <= 0) {
      throw new IllegalArgumentException(
          "capacity and budget must be positive: " + capacity + ", " + budgetBytes);
    }
    this.capacity = capacity;
    this.budgetBytes = budgetBytes;
    this.onShed = onShed;
  }

  Optional<Entry> get(int pid) {
    return Optional.ofNullable(byPid.get(pid)).map(s -> s.entry);
  }

  /**
   * Adds or replaces; false (and nothing kept) when the pid is new and the table is full, by count
   * or by a budget that shedding details could not bring back.
   */
  boolean put(Entry entry) {
    boolean fresh = !byPid.containsKey(entry.pid());
    if (fresh && byPid.size() >= capacity) {
      return false;
    }
    Stored stored = new Stored(entry);
    store(stored);
    if (entry.info().filter(ProcessTable::hasLongText).isPresent()) {
      sheddable.add(stored);
    }
    shedWhileOverBudget();
    if (bytes > budgetBytes && fresh) {
      remove(entry.pid()); // identities alone fill the budget
      return false;
    }
    compactQueue();
    return true;
  }

  Optional<Entry> remove(int pid) {
    Stored removed = byPid.remove(pid);
    if (removed == null) {
      return Optional.empty();
    }
    bytes -= removed.bytes;
    return Optional.of(removed.entry);
  }

  /** Removes every entry {@code stale} accepts; returns how many. */
  int removeIf(Predicate<Entry> stale) {
    int removed = 0;
    for (Iterator<Stored> it = byPid.values().iterator(); it.hasNext(); ) {
      Stored s = it.next();
      if (stale.test(s.entry)) {
        it.remove();
        bytes -= s.bytes;
        removed++;
      }
    }
    compactQueue();
    return removed;
  }

  int size() {
    return byPid.size();
  }

  /** The estimated bytes the entries keep now. */
  long bytes() {
    return bytes;
  }

  long budgetBytes() {
    return budgetBytes;
  }

  private void store(Stored stored) {
    Stored previous = byPid.put(stored.entry.pid(), stored);
    if (previous != null) {
      bytes -= previous.bytes;
    }
    bytes += stored.bytes;
  }

  private void shedWhileOverBudget() {
    while (bytes > budgetBytes && !sheddable.isEmpty()) {
      Stored largest = sheddable.poll();
      if (byPid.get(largest.entry.pid()) != largest) {
        continue; // removed or replaced since
      }
      Entry e = largest.entry;
      store(
          new Stored(
              new Entry(
                  e.pid(),
                  e.ppid(),
                  e.forkNs(),
                  e.startTime(),
                  e.containerId(),
                  e.info().map(ProcessTable::shed))));
      onShed.run();
    }
  }

  /** Drops stale queue slots once they outnumber the entries, so the queue stays bounded too. */
  private void compactQueue() {
    if (sheddable.size() > 2 * byPid.size() + 1024) {
      sheddable.removeIf(s -> byPid.get(s.entry.pid()) != s);
    }
  }

  private static boolean hasLongText(ProcessInfo p) {
    return p.cmdline().length() > SHED_CMDLINE_CHARS
        || p.exe().length() > SHED_PATH_CHARS
        || p.cgroup().length() > SHED_PATH_CHARS;
  }

  /** The details without their long text; see the class comment. */
  static ProcessInfo shed(ProcessInfo p) {
    boolean cut = p.cmdline().length() > SHED_CMDLINE_CHARS;
    String cmdline = cut ? cutAt(p.cmdline(), SHED_CMDLINE_CHARS) : p.cmdline();
    return new ProcessInfo(
        p.pid(),
        p.ppid(),
        p.startTime(),
        p.name(),
        shortOrUnknown(p.exe()),
        cmdline,
        p.cmdlineTruncated() || cut,
        p.uid(),
        p.euid(),
        p.capEff(),
        p.namespaces(),
        shortOrUnknown(p.cgroup()),
        p.hostNamespaces(),
        p.stdio(),
        p.exeChanged());
  }

  private static String shortOrUnknown(String path) {
    return path.length() > SHED_PATH_CHARS ? "" : path;
  }

  private static String cutAt(String s, int max) {
    // Never split a surrogate pair: half of one is not text a JSON writer can encode.
    int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, end);
  }
}
