package dev.dockward.proc;

import dev.dockward.cgroup.ContainerIdResolver;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.ExeSource;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessObserved;
import dev.dockward.event.ProcessOrigin;
import dev.dockward.event.ProcessRelative;
import dev.dockward.host.HostFs;
import dev.dockward.source.EventSink;
import dev.dockward.source.PeriodicSource;
import dev.dockward.source.PeriodicWorker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rescans /proc every {@code interval} and emits a {@link ProcessObserved} (source {@value #NAME})
 * for each process not seen before: the safety net that finds processes a real-time source missed,
 * and every process already running when the agent starts (the first scan emits them all).
 *
 * <p>A process is identified by its pid and start time, so a reused pid is a new process. A known
 * process costs one {@code stat} call on its procfs directory, and a read of its {@code stat} file
 * only when that directory is not the one its start time was read under (see {@link
 * ProcReader#identity}); processes that are gone are forgotten, so the memory used follows the
 * number of live processes. The container is attached as {@link ContainerInfo#unresolved(String)}
 * when the cgroup path names one; the pipeline enriches it. Like the real-time source, it tells the
 * installed runtime binary a process runs and reads its ancestors (each parent once per scan), so
 * an exception on those facts holds whichever source reports a process first.
 *
 * <p>Beside a real-time source (netlink) the scan is the reconciliation rescan: both share one
 * {@link SeenProcesses}, so it reports only the processes the real-time source missed, one scan
 * after it first found them unclaimed (see {@link #scanOnce}), and {@link #rescanNow()} runs it at
 * once when that source lost events.
 */
public final class ProcScanSource implements PeriodicSource {
  /** The source's name in events, logs and metrics. */
  public static final String NAME = "proc_scan";

  private static final Logger LOG = LoggerFactory.getLogger(ProcScanSource.class);

  private final ProcReader reader;
  private final RuntimeBinaries runtimes;
  private final Clock clock;

  /**
   * (pid, start time) of every process reported and still alive; shared with a real-time source.
   */
  private final SeenProcesses seen;

  /**
   * The identity ({@link ProcReader#identity}) under which each live pid's start time was last
   * read: while it is unchanged the pid is the same process and its {@code stat} is not read again.
   * Used by the scan's thread only.
   */
  private final Map<Integer, Verified> verified = new HashMap<>();

  /**
   * New processes the last scan found unclaimed beside a live real-time source and left to it: pid
   * to start time. Used by the scan's thread only.
   */
  private Map<Integer, Long> deferred = new HashMap<>();

  /**
   * Set for the first scan and by {@link #rescanNow()}: that pass reports what it finds at once.
   */
  private final AtomicBoolean reportAtOnce = new AtomicBoolean(true);

  private final PeriodicWorker worker;

  /**
   * @param host where /proc is
   * @param interval the pause between the end of one scan and the start of the next; positive
   * @param clock stamps the events
   */
  public ProcScanSource(HostFs host, Duration interval, Clock clock) {
    this(
        new ProcReader(Objects.requireNonNull(host, "host")), interval, clock, new SeenProcesses());
  }

  /**
   * A scan that shares what was reported with a real-time source: it reports only the (pid, start
   * time) pairs that source has not.
   *
   * @param reader reads /proc (with the host namespace reference the events should carry)
   * @param seen the pairs reported so far, by either source
   */
  public ProcScanSource(ProcReader reader, Duration interval, Clock clock, SeenProcesses seen) {
    this.worker = new PeriodicWorker(NAME, "scan", interval);
    this.reader = Objects.requireNonNull(reader, "reader");
    this.runtimes = new RuntimeBinaries(reader.host());
    this.clock = Objects.requireNonNull(clock, "clock");
    this.seen = Objects.requireNonNull(seen, "seen");
  }

  /**
   * Starts the next scan now instead of after the pause: a real-time source that lost events asks
   * for it, so the processes it missed are found at once.
   */
  public void rescanNow() {
    reportAtOnce.set(true);
    worker.passNow();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The reader's counters (vanished processes, unreadable files, …). */
  public ProcReadStats readStats() {
    return reader.stats();
  }

  /** Scans that ended with an unexpected exception (logged; the loop went on). */
  public long failedScans() {
    return worker.failedPasses();
  }

  @Override
  public Map<String, Long> counters() {
    ProcReadStats s = readStats();
    return Map.of(
        "vanished",
        s.vanished(),
        "unreadable",
        s.unreadable(),
        "parse_errors",
        s.parseErrors(),
        "truncated_cmdlines",
        s.truncatedCmdlines(),
        "empty_cmdline_rereads",
        s.emptyCmdlineRereads(),
        "execs_during_read",
        s.execsDuringRead(),
        "failed_scans",
        failedScans());
  }

  @Override
  public void start(EventSink sink) {
    Objects.requireNonNull(sink, "sink");
    worker.start(() -> scanOnce(sink));
  }

  @Override
  public PeriodicWorker worker() {
    return worker;
  }

  /**
   * One scan: emits every process whose (pid, start time) was not seen by an earlier scan, and
   * forgets the processes that are gone. Not thread-safe: the source's thread calls it, or a test
   * does before {@link #start}.
   *
   * <p>Beside a live real-time source a new process is reported only when the scan before found it
   * unclaimed too: the real-time source claims a process at its exec, so a process found between
   * its fork and its exec (still running its parent's program), or read as it exits before the
   * real-time source's read, would otherwise be reported twice, the second time wrongly. What the
   * real-time source missed is reported one scan later; the first scan and a {@link #rescanNow()}
   * report at once.
   *
   * @throws InterruptedException when the sink was interrupted; the remaining processes are emitted
   *     by the next scan
   */
  void scanOnce(EventSink sink) throws InterruptedException {
    boolean atOnce = reportAtOnce.getAndSet(false) || !seen.realTimeReporting();
    Map<Integer, Long> lastDeferred = deferred;
    deferred = new HashMap<>();
    int[] listed = reader.pids().toArray();
    Set<Integer> alive = new HashSet<>(listed.length * 2);
    Map<Integer, Optional<Relative>> relatives = new HashMap<>(); // ancestors read in this scan
    for (int pid : listed) {
      long known = seen.startTime(pid);
      // Taken before the start time is read: a pid reused in between then shows a changed identity
      // at the next scan, never an unchanged one.
      Optional<Object> identity = reader.identity(pid);
      if (known >= 0) {
        Verified last = verified.get(pid);
        if (last != null
            && last.startTime() == known
            && identity.isPresent()
            && last.identity().equals(identity.get())) {
          alive.add(pid); // the same process as when its start time was read: no file read
          continue;
        }
        OptionalLong startTime = reader.startTime(pid);
        if (startTime.isEmpty()) {
          continue; // gone since the listing
        }
        if (startTime.getAsLong() == known) {
          alive.add(pid);
          remember(pid, known, identity);
          continue;
        }
        // the pid was reused by a new process: read it in full below
      }
      if (!atOnce && !leftLongEnough(pid, lastDeferred)) {
        continue;
      }
      Optional<ProcReader.ProcessRead> read = reader.readWithExeFile(pid);
      if (read.isEmpty()) {
        continue;
      }
      ProcessInfo proc = read.get().info();
      alive.add(pid);
      remember(pid, proc.startTime(), identity);
      // Claimed before delivery, so a real-time source reading the same process meanwhile does
      // not report it too; released if the delivery fails, for the next scan to retry.
      if (!seen.claim(pid, proc.startTime())) {
        continue;
      }
      Optional<ContainerInfo> container =
          ContainerIdResolver.containerId(proc.cgroup()).map(ContainerInfo::unresolved);
      try {
        ProcessOrigin origin =
            new ProcessOrigin(
                runtimes.identify(read.get()), ancestors(proc.ppid(), proc.startTime(), relatives));
        sink.accept(
            new ProcessObserved(
                clock.instant(),
                NAME,
                proc,
                container,
                origin,
                Optional.empty(),
                proc.exe().isEmpty() ? Optional.empty() : Optional.of(ExeSource.PROC)));
      } catch (InterruptedException | RuntimeException e) {
        seen.release(pid, proc.startTime()); // not delivered: the next scan tries again
        throw e;
      }
    }
    forgetEnded(alive);
  }

  /**
   * Whether a new process was left to the real-time source by the scan before (same start time),
   * which did not claim it since; if not, it is left for one scan now (its start time, one file).
   */
  private boolean leftLongEnough(int pid, Map<Integer, Long> lastDeferred) {
    OptionalLong startTime = reader.startTime(pid);
    if (startTime.isEmpty()) {
      return false; // gone since the listing
    }
    Long before = lastDeferred.get(pid);
    if (before != null && before == startTime.getAsLong()) {
      return true;
    }
    deferred.put(pid, startTime.getAsLong());
    return false;
  }

  /** An ancestor as read in one scan, with what its own parent is. */
  private record Relative(ProcessRelative facts, int ppid, long startTime) {}

  /**
   * Up to {@link ProcessOrigin#MAX_ANCESTORS} ancestors, parent first, read from /proc (each once
   * per scan); the chain ends at a process gone, pid 0, a loop, or one younger than its child.
   */
  private List<ProcessRelative> ancestors(
      int ppid, long startTime, Map<Integer, Optional<Relative>> relatives) {
    List<ProcessRelative> out = new ArrayList<>();
    Set<Integer> visited = new HashSet<>();
    int pid = ppid;
    long bound = startTime;
    while (out.size() < ProcessOrigin.MAX_ANCESTORS && pid > 0 && visited.add(pid)) {
      Optional<Relative> r =
          relatives.computeIfAbsent(
              pid,
              p ->
                  reader
                      .readWithExeFile(p)
                      .map(
                          read -> {
                            Ancestor a = Ancestor.of(read.info());
                            return new Relative(
                                new ProcessRelative(
                                    a.pid(),
                                    a.name(),
                                    a.exe(),
                                    a.cmdline(),
                                    a.cmdlineTruncated(),
                                    runtimes.identify(read)),
                                a.ppid(),
                                a.startTime());
                          }));
      if (r.isEmpty() || r.get().startTime() > bound) {
        break;
      }
      out.add(r.get().facts());
      pid = r.get().ppid();
      bound = r.get().startTime();
    }
    return out;
  }

  private void remember(int pid, long startTime, Optional<Object> identity) {
    if (identity.isPresent()) {
      verified.put(pid, new Verified(startTime, identity.get()));
    } else {
      verified.remove(pid);
    }
  }

  /** A start time and the pid directory's identity it was read under. */
  private record Verified(long startTime, Object identity) {}

  /**
   * Forgets the pairs whose pid was not listed. A process that started after the listing (a
   * real-time source may have claimed it meanwhile) is kept: its pid still has that start time.
   */
  private void forgetEnded(Set<Integer> alive) {
    verified.keySet().retainAll(alive);
    for (int pid : seen.pids()) {
      if (alive.contains(pid)) {
        continue;
      }
      long known = seen.startTime(pid);
      if (known < 0) {
        continue;
      }
      OptionalLong now = reader.startTime(pid);
      if (now.isEmpty() || now.getAsLong() != known) {
        seen.forget(pid, known);
      }
    }
  }

  /** The number of processes remembered (the live ones that were emitted). */
  int remembered() {
    return seen.size();
  }

  @Override
  public void close() {
    worker.stop();
  }
}
