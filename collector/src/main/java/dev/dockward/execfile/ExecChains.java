package dev.dockward.execfile;

import dev.dockward.event.ExecFile;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The files each pid's execs opened, in order, grouped into one chain per exec and kept until the
 * exec event takes them. One exec opens, in this order: the scripts it was given ({@code #!}, each
 * followed by its interpreter), the ELF program the process will run, and that program's dynamic
 * loader when it has one ({@code PT_INTERP}). The chain keeps the program (what {@code
 * /proc/<pid>/exe} names) and the first script; the loader (a position-independent ELF file without
 * a loader of its own, right after a dynamic program) is recognised and dropped. Not thread-safe:
 * its owner serialises calls.
 *
 * <p>The kernel merges an event into an identical one (same pid, same file) still queued unread: a
 * loader so merged never comes, and the next file that pid opens is taken for a new exec unless it
 * looks like a loader (a static-pie program would be taken for the loader); an exec of the same
 * file by the same pid so merged leaves its exec event without a file.
 *
 * <p>A pid's chains are a queue: an exec event takes the oldest, or, when the process was read and
 * its exe's device and inode are known, the first whose program is that file (older ones were execs
 * that failed, and are dropped). Chains read before a process with that pid was forked, or after it
 * exited, belong to another process: {@link #forgetBefore} drops them.
 */
final class ExecChains {
  /** One exec's files, as far as they were read. */
  private static final class Chain {
    final OpenedExec first;
    final long readNanos;
    OpenedExec program;

    Chain(OpenedExec first, long readNanos) {
      this.first = first;
      this.readNanos = readNanos;
    }

    ExecFile file() {
      OpenedExec p = program == null ? first : program;
      Optional<String> script =
          first.kind() == ExecHeader.Kind.SCRIPT && program != null
              ? Optional.of(first.path())
              : Optional.empty();
      return new ExecFile(p.path(), p.device(), p.inode(), p.ctime(), script);
    }
  }

  /** What the next file a pid opens for an exec is. */
  private enum Expect {
    /** The first file of a new exec. */
    NEW,
    /** The interpreter of the script just opened. */
    INTERPRETER,
    /** The dynamic loader of the program just opened. */
    LOADER
  }

  /**
   * A pid's chains not taken yet, oldest first; the newest chain (taken or not) and what its next
   * file is.
   */
  private static final class PidChains {
    final Deque<Chain> chains = new ArrayDeque<>();
    Chain building;
    Expect expect = Expect.NEW;
  }

  private final int maxPids;
  private final int maxChainsPerPid;
  private final Map<Integer, PidChains> byPid = new LinkedHashMap<>();
  private long evicted;
  private long skipped;

  /**
   * @param maxPids pids with chains kept at most: past it, the pid that opened its first file
   *     longest ago is forgotten (counted in {@link #evicted})
   * @param maxChainsPerPid chains kept per pid at most: past it, the oldest is dropped (counted)
   */
  ExecChains(int maxPids, int maxChainsPerPid) {
    if (maxPids <= 0 || maxChainsPerPid <= 0) {
      throw new IllegalArgumentException(
          "sizes must be positive: " + maxPids + ", " + maxChainsPerPid);
    }
    this.maxPids = maxPids;
    this.maxChainsPerPid = maxChainsPerPid;
  }

  /**
   * A file a pid opened for an exec, read from the kernel at {@code readNanos} (monotonic clock).
   */
  void opened(int pid, OpenedExec file, long readNanos) {
    PidChains p = byPid.get(pid);
    if (p == null) {
      p = new PidChains();
      byPid.put(pid, p);
      if (byPid.size() > maxPids) {
        Iterator<Map.Entry<Integer, PidChains>> eldest = byPid.entrySet().iterator();
        evicted += eldest.next().getValue().chains.size();
        eldest.remove();
      }
    }
    Chain current = p.building;
    if (current != null && p.expect == Expect.INTERPRETER) {
      if (file.kind() != ExecHeader.Kind.SCRIPT) { // a script's interpreter may be a script again
        current.program = file;
        p.expect = file.kind() == ExecHeader.Kind.DYNAMIC_ELF ? Expect.LOADER : Expect.NEW;
      }
      return;
    }
    if (current != null && p.expect == Expect.LOADER && file.kind() == ExecHeader.Kind.LOADER_ELF) {
      p.expect = Expect.NEW; // the loader: no program of its own
      return;
    }
    // A new exec (also after a program whose loader never came: that exec failed).
    Chain chain = new Chain(file, readNanos);
    switch (file.kind()) {
      case SCRIPT -> p.expect = Expect.INTERPRETER;
      case DYNAMIC_ELF -> {
        chain.program = file;
        p.expect = Expect.LOADER;
      }
      default -> {
        chain.program = file;
        p.expect = Expect.NEW;
      }
    }
    p.building = chain;
    p.chains.addLast(chain);
    if (p.chains.size() > maxChainsPerPid) {
      p.chains.removeFirst();
      evicted++;
    }
  }

  /**
   * The file of the pid's oldest exec not taken yet; or, when {@code dev} and {@code inode} are
   * given (the exe the process was read running), the first whose program is that file, dropping
   * the older ones (counted in {@link #skipped}). Empty when there is none: then nothing is
   * dropped.
   */
  Optional<ExecFile> take(int pid, OptionalLong dev, OptionalLong inode) {
    PidChains p = byPid.get(pid);
    if (p == null || p.chains.isEmpty()) {
      return Optional.empty();
    }
    Chain found = null;
    if (dev.isPresent() && inode.isPresent()) {
      int older = 0;
      for (Chain c : p.chains) {
        OpenedExec program = c.program == null ? c.first : c.program;
        if (program.dev() == dev.getAsLong() && program.inode() == inode.getAsLong()) {
          found = c;
          break;
        }
        older++;
      }
      if (found == null) {
        return Optional.empty();
      }
      for (int i = 0; i < older; i++) {
        p.chains.removeFirst();
        skipped++;
      }
    }
    Chain taken = p.chains.removeFirst();
    forgetIfDone(pid, p);
    return Optional.of(taken.file());
  }

  /**
   * Drops the pid's chains read before {@code nanos}: another process's (its fork or exit was at
   * {@code nanos}).
   */
  void forgetBefore(int pid, long nanos) {
    PidChains p = byPid.get(pid);
    if (p == null) {
      return;
    }
    while (!p.chains.isEmpty() && p.chains.peekFirst().readNanos - nanos < 0) {
      p.chains.removeFirst();
      evicted++;
    }
    if (p.building != null && p.building.readNanos - nanos < 0) {
      p.building = null;
      p.expect = Expect.NEW;
    }
    forgetIfDone(pid, p);
  }

  /** Forgets a pid with no chain left to take and none under way. */
  private void forgetIfDone(int pid, PidChains p) {
    if (p.chains.isEmpty() && p.expect == Expect.NEW) {
      byPid.remove(pid);
    }
  }

  /** Pids with chains (or a chain under way) now. */
  int pids() {
    return byPid.size();
  }

  /** Chains dropped untaken: their pid forgotten for room, or known to be another process's. */
  long evicted() {
    return evicted;
  }

  /**
   * Chains dropped because a newer one matched what the process was read running (failed execs).
   */
  long skipped() {
    return skipped;
  }
}
