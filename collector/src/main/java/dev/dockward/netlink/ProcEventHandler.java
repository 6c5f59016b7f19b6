package dev.dockward.netlink;

import dev.dockward.cgroup.ContainerIdResolver;
import dev.dockward.event.CapabilityChanged;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.event.ExeSource;
import dev.dockward.event.ExecFile;
import dev.dockward.event.NamespaceChanged;
import dev.dockward.event.ProcessExited;
import dev.dockward.event.ProcessForked;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessInfoSize;
import dev.dockward.event.ProcessObserved;
import dev.dockward.event.ProcessOrigin;
import dev.dockward.event.ProcessRelative;
import dev.dockward.event.ProcessTraced;
import dev.dockward.event.UidChanged;
import dev.dockward.execfile.ExecFiles;
import dev.dockward.netlink.ProcessTable.Entry;
import dev.dockward.proc.Ancestor;
import dev.dockward.proc.ProcReader;
import dev.dockward.proc.RuntimeBinaries;
import dev.dockward.proc.SeenProcesses;
import dev.dockward.source.EventSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns connector events into Dockward events, keeping the {@link ProcessTable}. At exec it reads
 * the whole process from /proc at once; a process already gone is attributed to the container its
 * parent had at fork. Used by the source's worker thread only.
 */
final class ProcEventHandler {
  /** USER_HZ: /proc start times are in these ticks on every Linux architecture Dockward runs on. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private static final Logger LOG = LoggerFactory.getLogger(ProcEventHandler.class);
  private static final List<String> NAMESPACE_ORDER =
      List.of("mnt", "pid", "net", "uts", "ipc", "user", "cgroup", "time");

  private final ProcReader reader;
  private final SeenProcesses seen;
  private final ProcessTable table;
  private final LongFunction<Instant> timeOf;
  private final NetlinkStats stats;
  private final long queueBudgetBytes;

  /** Added by the reader's thread, taken off by the worker's. */
  private final AtomicLong queuedBytes = new AtomicLong();

  private final BooleanSupplier execsReportedElsewhere;
  private final RuntimeBinaries runtimes;
  private final ExecFiles execFiles;

  /**
   * A handler for tests: a 64 MiB queue budget, execs always its own, no runtime binary known, no
   * exec files recorded.
   */
  ProcEventHandler(
      ProcReader reader,
      SeenProcesses seen,
      ProcessTable table,
      LongFunction<Instant> timeOf,
      NetlinkStats stats) {
    this(
        reader,
        seen,
        table,
        timeOf,
        stats,
        64L << 20,
        () -> false,
        RuntimeBinaries.NONE,
        ExecFiles.NONE);
  }

  /** A handler without exec files recorded at exec time. */
  ProcEventHandler(
      ProcReader reader,
      SeenProcesses seen,
      ProcessTable table,
      LongFunction<Instant> timeOf,
      NetlinkStats stats,
      long queueBudgetBytes,
      BooleanSupplier execsReportedElsewhere,
      RuntimeBinaries runtimes) {
    this(
        reader,
        seen,
        table,
        timeOf,
        stats,
        queueBudgetBytes,
        execsReportedElsewhere,
        runtimes,
        ExecFiles.NONE);
  }

  /**
   * @param timeOf the wall-clock instant of a kernel monotonic timestamp
   * @param queueBudgetBytes the most estimated bytes of exec reads waiting for the worker
   * @param execsReportedElsewhere true while another source (audit) reports exec events: execs are
   *     then handled (read, cached, claimed, changes reported) but their {@code exec} event is not
   *     emitted
   * @param runtimes tells which exec'd processes and ancestors run an installed runtime binary
   * @param execFiles the files execs opened, recorded at exec time: an exec event takes its own,
   *     and fills the exe from it when the process was gone before its exe was read
   */
  ProcEventHandler(
      ProcReader reader,
      SeenProcesses seen,
      ProcessTable table,
      LongFunction<Instant> timeOf,
      NetlinkStats stats,
      long queueBudgetBytes,
      BooleanSupplier execsReportedElsewhere,
      RuntimeBinaries runtimes,
      ExecFiles execFiles) {
    this.runtimes = runtimes;
    this.execFiles = execFiles;
    this.reader = reader;
    this.seen = seen;
    this.table = table;
    this.timeOf = timeOf;
    this.stats = stats;
    this.queueBudgetBytes = queueBudgetBytes;
    this.execsReportedElsewhere = execsReportedElsewhere;
  }

  /** Receives and handles one event at once (tests). */
  void handle(ProcEvent event, EventSink sink) throws InterruptedException {
    Optional<Received> received = receive(event);
    if (received.isPresent()) {
      queuedBytes.addAndGet(-received.get().bytes());
      handle(received.get(), sink);
    }
  }

  /**
   * An event as the reader received it: an exec'd process is read from /proc right then, on the
   * reader's thread, since a short-lived one is gone within milliseconds and its read must not wait
   * for the worker to wake up or for the events queued before it. (A pid reused before the read is
   * read as its newer process; the start time check then counts it as a reuse.) Which installed
   * runtime binary it runs is told right after the read, while it still runs it: runc's init
   * executes the container's program milliseconds later. The process is claimed from the /proc
   * rescan at the read, not when the worker handles it: the worker may be seconds behind a busy
   * pipeline, and the rescan would report the process meanwhile.
   *
   * @param exeFile the device and inode of the file the process was read running
   * @param bytes the read's estimated size, counted against the queue's budget until handled
   */
  record Received(
      ProcEvent event,
      Optional<ProcessInfo> read,
      Optional<String> runtime,
      Optional<ProcReader.ExeFile> exeFile,
      long bytes,
      Optional<ProcReader.Brief> brief) {
    Received(
        ProcEvent event,
        Optional<ProcessInfo> read,
        Optional<String> runtime,
        Optional<ProcReader.ExeFile> exeFile,
        long bytes) {
      this(event, read, runtime, exeFile, bytes, Optional.empty());
    }

    /** An exec left to the audit source: only its identity and cgroup were read. */
    boolean leftToAudit() {
      return brief.isPresent();
    }
  }

  /**
   * Reads the process of an exec at once; any other event is queued as it is. A process chooses the
   * size of its command line, so what waits for the worker is held to a byte budget: past it, the
   * read is kept without its long text ({@link ProcessTable#shed}, counted as {@code queue_shed});
   * when even that does not fit, empty: the caller drops the event as from a full queue, and the
   * /proc rescan looks for what was missed.
   */
  Optional<Received> receive(ProcEvent event) {
    if (!(event instanceof ProcEvent.Exec x)) {
      return Optional.of(
          new Received(event, Optional.empty(), Optional.empty(), Optional.empty(), 0));
    }
    if (execsReportedElsewhere.getAsBoolean()) {
      // The audit source reads what rules need and reports the exec; what this source keeps of it
      // (identity for the rescan's claim, container for forks and exits) is two files, not ~17.
      Optional<ProcReader.Brief> brief = reader.brief(x.tgid());
      if (brief.isPresent()) {
        seen.claim(brief.get().pid(), brief.get().startTime());
        return Optional.of(
            new Received(event, Optional.empty(), Optional.empty(), Optional.empty(), 0, brief));
      }
      return Optional.of(
          new Received(event, Optional.empty(), Optional.empty(), Optional.empty(), 0));
    }
    Optional<ProcReader.ProcessRead> full = reader.readWithExeFile(x.tgid());
    Optional<String> runtime = full.flatMap(runtimes::identify);
    Optional<ProcessInfo> read = full.map(ProcReader.ProcessRead::info);
    long bytes = read.map(ProcessInfoSize::of).orElse(0L);
    if (queuedBytes.get() + bytes > queueBudgetBytes) {
      read = read.map(ProcessTable::shed);
      bytes = read.map(ProcessInfoSize::of).orElse(0L);
      if (queuedBytes.get() + bytes > queueBudgetBytes) {
        return Optional.empty();
      }
      stats.queueShed.increment();
    }
    queuedBytes.addAndGet(bytes);
    read.ifPresent(p -> seen.claim(p.pid(), p.startTime()));
    return Optional.of(
        new Received(event, read, runtime, full.flatMap(ProcReader.ProcessRead::exeFile), bytes));
  }

  /**
   * A received event the queue did not take: its bytes no longer wait, and an exec'd process it
   * claimed is left to the /proc rescan again (the drop asks for one).
   */
  void notQueued(Received received) {
    queuedBytes.addAndGet(-received.bytes());
    received.read().ifPresent(p -> seen.release(p.pid(), p.startTime()));
    received.brief().ifPresent(b -> seen.release(b.pid(), b.startTime()));
  }

  /** The estimated bytes of the reads waiting for the worker. */
  long queuedBytes() {
    return queuedBytes.get();
  }

  /** Handles received events in their order. */
  void handleBatch(List<Received> batch, EventSink sink) throws InterruptedException {
    for (Received received : batch) {
      queuedBytes.addAndGet(-received.bytes());
      try {
        handle(received, sink);
      } catch (RuntimeException e) {
        LOG.warn("{}: could not handle {}", NetlinkProcessSource.NAME, received.event(), e);
      }
    }
  }

  /** One received event: an exec with what was read of it when it was received. */
  private void handle(Received received, EventSink sink) throws InterruptedException {
    stats.handled.increment();
    ProcEvent event = received.event();
    // Java 17: no pattern switch.
    if (event instanceof ProcEvent.Fork f) {
      fork(f, sink);
    } else if (event instanceof ProcEvent.Exec x && received.leftToAudit()) {
      execLeftToAudit(x, received.brief().get());
    } else if (event instanceof ProcEvent.Exec x) {
      exec(x, sink, received);
    } else if (event instanceof ProcEvent.Exit x) {
      exit(x, sink);
    } else if (event instanceof ProcEvent.Uid u) {
      uid(u, sink);
    } else if (event instanceof ProcEvent.Ptrace p) {
      ptrace(p, sink);
    }
    // gid, sid, comm and coredump: counted as handled; no event of their own yet.
  }

  private void fork(ProcEvent.Fork f, EventSink sink) throws InterruptedException {
    if (!f.isProcess()) {
      stats.threadEvents.increment();
      return;
    }
    execFiles.forgetBefore(f.childTgid(), f.timestampNs()); // an earlier process's with that pid
    Optional<Entry> parent = known(f.parentTgid());
    Optional<String> containerId = parent.flatMap(Entry::containerId);
    Entry child =
        new Entry(
            f.childTgid(),
            f.parentTgid(),
            f.timestampNs(),
            OptionalLong.empty(),
            containerId,
            Optional.empty());
    if (!table.put(child)) {
      stats.tableFull.increment();
    }
    emit(
        sink,
        new ProcessForked(
            timeOf.apply(f.timestampNs()),
            NetlinkProcessSource.NAME,
            parent.flatMap(Entry::info),
            f.parentTgid(),
            f.childTgid(),
            container(containerId)));
  }

  private void exec(ProcEvent.Exec x, EventSink sink, Received received)
      throws InterruptedException {
    Optional<String> runtime = received.runtime();
    int pid = x.tgid();
    Optional<ProcReader.ExeFile> exe = received.exeFile();
    Optional<ExecFile> execFile =
        execFiles.take(
            pid,
            longOf(exe.map(ProcReader.ExeFile::dev)),
            longOf(exe.map(ProcReader.ExeFile::ino)));
    Optional<ProcessInfo> read = received.read().map(r -> withExe(r, execFile));
    Optional<Entry> cached = table.get(pid);
    Instant time = timeOf.apply(x.timestampNs());
    if (read.isPresent()) {
      ProcessInfo info = read.get();
      long forkNs = -1;
      if (cached.isPresent()) {
        OptionalLong cachedStart = cached.get().startTime();
        if (cachedStart.isPresent() && cachedStart.getAsLong() != info.startTime()) {
          stats.pidReuses.increment(); // the old process's exit was lost
        } else {
          forkNs = cached.get().forkNs();
        }
      }
      Optional<String> containerId = ContainerIdResolver.containerId(info.cgroup());
      if (runtime.isEmpty() && received.read().get().exe().isEmpty()) {
        // Read as it exits (its memory, with the exe link, already released): what it ran is what
        // this same process (pid and start time) was found running when read before, if it was.
        runtime =
            cached
                .filter(c -> c.startTime().orElse(-1) == info.startTime())
                .flatMap(Entry::runtime);
      }
      remember(
          new Entry(
              pid,
              info.ppid(),
              forkNs,
              OptionalLong.of(info.startTime()),
              containerId,
              read,
              runtime));
      seen.claim(pid, info.startTime()); // the /proc rescan need not report it again
      emitChanges(cached, info, time, containerId, sink); // e.g. nsenter: setns, then this exec
      if (execsReportedElsewhere.getAsBoolean()) {
        stats.execsLeftToAudit.increment();
        return;
      }
      ProcessOrigin origin = new ProcessOrigin(runtime, ancestors(info.ppid(), info.startTime()));
      emit(
          sink,
          new ProcessObserved(
              time,
              NetlinkProcessSource.NAME,
              info,
              container(containerId),
              origin,
              execFile,
              exeSource(received.read().get(), info)));
      return;
    }
    stats.vanishedAtExec.increment();
    if (execsReportedElsewhere.getAsBoolean()) {
      stats.execsLeftToAudit.increment(); // audit recorded it whole: nothing to guess here
      return;
    }
    if (cached.isEmpty()) {
      stats.unattributed.increment(); // neither its fork nor its parent known: no container to name
      return;
    }
    Entry entry = cached.get();
    if (entry.containerId().isEmpty() && startedByRuntime(entry)) {
      // The runtime forks on the host, then moves the child into the container's cgroup and
      // namespaces before it executes: "host" inherited from the fork would be a wrong container.
      stats.unattributed.increment();
      return;
    }
    stats.attributedToParent.increment();
    // What is known: pid, parent, and the container inherited at fork. Its start time is the
    // fork's time in clock ticks (the kernel stamps both from the same clock, ticks apart at most).
    long startTime =
        entry.startTime().orElse(entry.forkNs() >= 0 ? entry.forkNs() / NANOS_PER_TICK : 0);
    ProcessInfo partial =
        new ProcessInfo(
            pid,
            entry.ppid(),
            startTime,
            "",
            execFile.map(ExecFile::path).orElse(""),
            "",
            false,
            OptionalInt.empty(),
            OptionalInt.empty(),
            OptionalLong.empty(),
            Map.of(),
            "",
            Optional.empty(),
            List.of(),
            execFile.flatMap(ExecFile::ctime));
    if (execFile.isPresent()) {
      stats.exeFromExecFile.increment();
    }
    emit(
        sink,
        new ProcessObserved(
            time,
            NetlinkProcessSource.NAME,
            partial,
            container(entry.containerId()),
            new ProcessOrigin(Optional.empty(), ancestors(entry.ppid(), startTime)),
            execFile,
            execFile.map(f -> ExeSource.EXEC_FILE)));
  }

  /**
   * An exec the audit source reports, with its program, arguments, namespaces and capabilities (and
   * the changes of those at the exec): here only the table learns it, from the process's start time
   * and cgroup. Its cached details described the program before the exec, so they go; they are read
   * again when the process is needed as a parent or an ancestor ({@link #known}).
   */
  private void execLeftToAudit(ProcEvent.Exec x, ProcReader.Brief brief) {
    stats.execsLeftToAudit.increment();
    Optional<Entry> cached = table.get(brief.pid());
    long forkNs =
        cached
            .filter(c -> c.startTime().orElse(brief.startTime()) == brief.startTime())
            .map(Entry::forkNs)
            .orElse(-1L);
    remember(
        new Entry(
            brief.pid(),
            brief.ppid(),
            forkNs,
            OptionalLong.of(brief.startTime()),
            ContainerIdResolver.containerId(brief.cgroup()),
            Optional.empty(),
            Optional.empty()));
    seen.claim(brief.pid(), brief.startTime()); // the /proc rescan need not report it again
  }

  private void exit(ProcEvent.Exit x, EventSink sink) throws InterruptedException {
    if (!x.isProcess()) {
      stats.threadEvents.increment();
      return;
    }
    int pid = x.tgid();
    execFiles.forgetBefore(pid, x.timestampNs()); // what it left untaken: execs that failed
    Optional<Entry> entry = table.remove(pid);
    OptionalLong startTime =
        entry
            .map(Entry::startTime)
            .filter(OptionalLong::isPresent)
            .orElseGet(
                () -> {
                  long s = seen.startTime(pid); // a process the /proc scan reported
                  return s >= 0 ? OptionalLong.of(s) : OptionalLong.empty();
                });
    startTime.ifPresent(s -> seen.forget(pid, s));
    OptionalLong lifetimeMs = OptionalLong.empty();
    if (entry.isPresent() && entry.get().forkNs() >= 0) {
      lifetimeMs = OptionalLong.of((x.timestampNs() - entry.get().forkNs()) / 1_000_000L);
    } else if (startTime.isPresent()) {
      // monotonic ns vs boot-time ticks: equal clocks unless the host was suspended
      lifetimeMs =
          OptionalLong.of(
              Math.max(0, (x.timestampNs() - startTime.getAsLong() * NANOS_PER_TICK) / 1_000_000L));
    }
    Optional<String> containerId = entry.flatMap(Entry::containerId);
    emit(
        sink,
        new ProcessExited(
            timeOf.apply(x.timestampNs()),
            NetlinkProcessSource.NAME,
            entry.flatMap(Entry::info),
            pid,
            x.exitStatus(),
            x.terminatingSignal(),
            lifetimeMs,
            container(containerId)));
  }

  private void uid(ProcEvent.Uid u, EventSink sink) throws InterruptedException {
    if (u.pid() != u.tgid()) {
      // glibc changes every thread's ids one by one: the leader's event stands for the process
      stats.threadEvents.increment();
      return;
    }
    int pid = u.tgid();
    Optional<Entry> cached = table.get(pid);
    OptionalInt previousEuid =
        cached.flatMap(Entry::info).map(ProcessInfo::euid).orElse(OptionalInt.empty());
    Optional<ProcessInfo> read = reader.read(pid);
    Optional<ProcessInfo> info = read.or(() -> cached.flatMap(Entry::info));
    if (info.isEmpty()) {
      stats.unattributed.increment();
      return;
    }
    Optional<String> containerId =
        read.isPresent()
            ? ContainerIdResolver.containerId(read.get().cgroup())
            : cached.flatMap(Entry::containerId);
    if (read.isPresent()) {
      long forkNs =
          cached
              .filter(c -> c.startTime().orElse(read.get().startTime()) == read.get().startTime())
              .map(Entry::forkNs)
              .orElse(-1L);
      Optional<String> runtime =
          cached
              .filter(c -> c.startTime().orElse(-1) == read.get().startTime())
              .flatMap(Entry::runtime); // a uid change is no exec: the same program runs
      remember(
          new Entry(
              pid,
              read.get().ppid(),
              forkNs,
              OptionalLong.of(read.get().startTime()),
              containerId,
              read,
              runtime));
    }
    emit(
        sink,
        new UidChanged(
            timeOf.apply(u.timestampNs()),
            NetlinkProcessSource.NAME,
            info.get(),
            u.ruid(),
            u.euid(),
            previousEuid,
            container(containerId)));
    if (read.isPresent()) {
      emitChanges(
          cached,
          read.get(),
          timeOf.apply(u.timestampNs()),
          containerId,
          sink); // the caps that came with it
    }
  }

  private void ptrace(ProcEvent.Ptrace p, EventSink sink) throws InterruptedException {
    if (!p.isAttach()) {
      return; // a detach ends what the attach already reported
    }
    Optional<Entry> tracer = known(p.tracerTgid());
    Optional<Entry> target = known(p.tgid());
    Optional<String> tracerContainer = tracer.flatMap(Entry::containerId);
    emit(
        sink,
        new ProcessTraced(
            timeOf.apply(p.timestampNs()),
            NetlinkProcessSource.NAME,
            tracer.flatMap(Entry::info),
            p.tracerTgid(),
            target.flatMap(Entry::info),
            p.tgid(),
            target.flatMap(Entry::containerId).orElse(""),
            container(tracerContainer)));
  }

  /**
   * namespace_change and capability_change: what differs between the cached read of the same
   * process (same start time) and {@code now}. Kinds missing from either read are not compared.
   */
  private void emitChanges(
      Optional<Entry> cached,
      ProcessInfo now,
      Instant time,
      Optional<String> containerId,
      EventSink sink)
      throws InterruptedException {
    Optional<ProcessInfo> before =
        cached.flatMap(Entry::info).filter(b -> b.startTime() == now.startTime());
    if (before.isEmpty()) {
      return;
    }
    List<String> changed = new ArrayList<>();
    for (String kind : NAMESPACE_ORDER) {
      Long old = before.get().namespaces().get(kind);
      Long current = now.namespaces().get(kind);
      if (old != null && current != null && !old.equals(current)) {
        changed.add(kind);
      }
    }
    if (!changed.isEmpty()) {
      emit(
          sink,
          new NamespaceChanged(
              time,
              NetlinkProcessSource.NAME,
              now,
              before.get().namespaces(),
              changed,
              before.get().hostNamespaces(),
              container(containerId)));
    }
    OptionalLong oldCaps = before.get().capEff();
    if (oldCaps.isPresent()
        && now.capEff().isPresent()
        && oldCaps.getAsLong() != now.capEff().getAsLong()) {
      emit(
          sink,
          new CapabilityChanged(
              time, NetlinkProcessSource.NAME, now, oldCaps.getAsLong(), container(containerId)));
    }
  }

  /**
   * Drops cached processes that /proc no longer has, or that a new process with the same pid has
   * replaced: after an overrun their exits may have been lost. Returns how many were dropped.
   */
  int reconcile() {
    stats.reconciliations.increment();
    return table.removeIf(
        e -> {
          OptionalLong now = reader.startTime(e.pid());
          return now.isEmpty()
              || (e.startTime().isPresent() && e.startTime().getAsLong() != now.getAsLong());
        });
  }

  /**
   * Up to {@link ProcessOrigin#MAX_ANCESTORS} ancestors of a process, parent first, from the table
   * (what was read at their exec) or /proc. The chain ends at the first unknown process, at pid 0,
   * on a loop, and at a process younger than its child (the pid was taken by another).
   */
  private List<ProcessRelative> ancestors(int ppid, long startTime) {
    List<ProcessRelative> out = new ArrayList<>();
    Set<Integer> visited = new HashSet<>();
    int pid = ppid;
    long bound = startTime;
    while (out.size() < ProcessOrigin.MAX_ANCESTORS && pid > 0 && visited.add(pid)) {
      Optional<Entry> entry = known(pid);
      Optional<ProcessInfo> info = entry.flatMap(Entry::info);
      if (info.isEmpty() || info.get().startTime() > bound) {
        break;
      }
      Ancestor a = Ancestor.of(info.get()); // the command line cut as an alert's ancestors are
      out.add(
          new ProcessRelative(
              a.pid(),
              a.name(),
              a.exe(),
              a.cmdline(),
              a.cmdlineTruncated(),
              entry.get().runtime()));
      pid = a.ppid();
      bound = a.startTime();
    }
    return out;
  }

  /** Whether the parent is runc, whose children join a container between fork and exec. */
  private boolean startedByRuntime(Entry child) {
    return table
        .get(child.ppid())
        .flatMap(Entry::info)
        .map(p -> p.name().startsWith("runc") || p.exe().endsWith("/runc"))
        .orElse(false);
  }

  /**
   * The cached process, else read from /proc and cached (a process older than the agent). A cached
   * process that was never read (its fork seen, its exec not yet) is read now.
   */
  private Optional<Entry> known(int pid) {
    Optional<Entry> cached = table.get(pid);
    if (cached.isPresent() && cached.get().info().isPresent()) {
      return cached;
    }
    if (cached.isPresent()) {
      Entry c = cached.get();
      Optional<ProcReader.ProcessRead> full = reader.readWithExeFile(pid);
      Optional<ProcessInfo> read = full.map(ProcReader.ProcessRead::info);
      if (read.isEmpty()) {
        return cached;
      }
      Entry entry =
          new Entry(
              pid,
              read.get().ppid(),
              c.forkNs(),
              OptionalLong.of(read.get().startTime()),
              ContainerIdResolver.containerId(read.get().cgroup()).or(c::containerId),
              read,
              full.flatMap(runtimes::identify));
      remember(entry);
      return Optional.of(entry);
    }
    Optional<ProcReader.ProcessRead> full = reader.readWithExeFile(pid);
    Optional<ProcessInfo> read = full.map(ProcReader.ProcessRead::info);
    if (read.isEmpty()) {
      return Optional.empty();
    }
    ProcessInfo info = read.get();
    Entry entry =
        new Entry(
            pid,
            info.ppid(),
            -1,
            OptionalLong.of(info.startTime()),
            ContainerIdResolver.containerId(info.cgroup()),
            read,
            full.flatMap(runtimes::identify));
    remember(entry);
    return Optional.of(entry);
  }

  private void remember(Entry entry) {
    if (!table.put(entry)) {
      stats.tableFull.increment();
    }
  }

  private void emit(EventSink sink, Event event) throws InterruptedException {
    sink.accept(event);
    stats.emitted.increment();
  }

  /**
   * The process as read, its exe (and the exe's ctime) taken from the exec's recorded file when the
   * read found none: it exited as it was read, its memory and exe link already released.
   */
  private ProcessInfo withExe(ProcessInfo read, Optional<ExecFile> execFile) {
    if (!read.exe().isEmpty() || execFile.isEmpty()) {
      return read;
    }
    stats.exeFromExecFile.increment();
    ExecFile f = execFile.get();
    return new ProcessInfo(
        read.pid(),
        read.ppid(),
        read.startTime(),
        read.name(),
        f.path(),
        read.cmdline(),
        read.cmdlineTruncated(),
        read.uid(),
        read.euid(),
        read.capEff(),
        read.namespaces(),
        read.cgroup(),
        read.hostNamespaces(),
        read.stdio(),
        read.exeChanged().or(f::ctime),
        read.cwd(),
        read.loaderEnv());
  }

  /**
   * Where the exe of {@code info} came from: the /proc read, or the recorded exec file when the
   * read had none.
   */
  private static Optional<ExeSource> exeSource(ProcessInfo read, ProcessInfo info) {
    if (!read.exe().isEmpty()) {
      return Optional.of(ExeSource.PROC);
    }
    return info.exe().isEmpty() ? Optional.empty() : Optional.of(ExeSource.EXEC_FILE);
  }

  private static OptionalLong longOf(Optional<Object> value) {
    return value
        .filter(Long.class::isInstance)
        .map(v -> OptionalLong.of((Long) v))
        .orElse(OptionalLong.empty());
  }

  private static Optional<ContainerInfo> container(Optional<String> id) {
    return id.map(ContainerInfo::unresolved);
  }
}
