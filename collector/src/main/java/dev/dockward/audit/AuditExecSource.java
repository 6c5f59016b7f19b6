package dev.dockward.audit;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.event.ExeSource;
import dev.dockward.event.FileLinked;
import dev.dockward.event.PacketSocketSeen;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessObserved;
import dev.dockward.event.ProcessOrigin;
import dev.dockward.event.StdioKind;
import dev.dockward.event.StdioRedirected;
import dev.dockward.event.TraceRequested;
import dev.dockward.event.WatchedFileOpened;
import dev.dockward.fileopen.SensitiveFiles;
import dev.dockward.host.HostFs;
import dev.dockward.proc.ProcReader;
import dev.dockward.source.EventSink;
import dev.dockward.source.PeriodicWorker;
import dev.dockward.source.SocketClaims;
import dev.dockward.source.Source;
import dev.dockward.source.SourceHealth;
import dev.dockward.source.SupervisedThread;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exec events from the Linux audit subsystem (source {@value #NAME}): every successful {@code
 * execve}/{@code execveat} with the program, every argument, the working directory and the user,
 * recorded by the kernel at the syscall's exit, so a process that ends at once is reported whole.
 * See the package documentation for how it shares exec events with the netlink source.
 *
 * <p>Beside the exec rules, read watches on the credentials files of the host and of each running
 * container ({@link #containerStarted}, {@link #containerEnded}) give {@code watched_file_open}
 * events with the name the program passed.
 *
 * <p>Three threads. The <em>reader</em> receives records, assembles each exec, reads the process
 * from /proc at once without its command line (a short-lived one is gone within milliseconds; what
 * it gives — namespaces, capabilities, descriptors — the audit records do not carry), attributes it
 * to its container, compares it with the same process's previous exec (namespace and capability
 * changes) and queues the events; it never waits for the pipeline. When the queue is full the event
 * is dropped and counted. The <em>worker</em> hands events to the sink and may block there. The
 * <em>keeper</em> puts the rule back when something deleted it and reads the kernel's lost counter.
 */
public final class AuditExecSource implements Source {
  /** The source's name in events, logs and metrics. */
  public static final String NAME = "audit";

  private static final Logger LOG = LoggerFactory.getLogger(AuditExecSource.class);

  /** The type bits of socket()'s second argument (the rest are SOCK_NONBLOCK, SOCK_CLOEXEC). */
  private static final long SOCK_TYPE_MASK = 0xf;

  /** What a descriptor put on 0–2 must be to be reported. */
  private static final Set<StdioKind> SOCKETS =
      EnumSet.of(StdioKind.TCP, StdioKind.UDP, StdioKind.UNIX, StdioKind.SOCKET);

  private static final Duration RECEIVE_TIMEOUT = Duration.ofMillis(250);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
  private static final String BOOT_NOTE =
      "the kernel was booted with audit=0: processes started before the "
          + "agent turned auditing on are not audited (their execs are missed until they fork)";

  /**
   * Sizes and pace.
   *
   * @param socketBufferBytes the records socket's kernel buffer (default 8 MiB)
   * @param queueCapacity events between the reader and the worker (default 65,536)
   * @param maxOpenEvents execs whose records are still coming (default 4,096)
   * @param attributionCapacity pids whose container is remembered (default 65,536)
   * @param ruleCheckInterval how often the rule's presence and the lost counter are checked
   *     (default 5 s)
   * @param maxReadWatches read watches on sensitive files at most, host and containers together
   *     (default 2,048; past it a file is not watched and {@code read_watches_capped} counts it)
   */
  public record Settings(
      int socketBufferBytes,
      int queueCapacity,
      int maxOpenEvents,
      int attributionCapacity,
      Duration ruleCheckInterval,
      int maxReadWatches) {
    public static final Settings DEFAULT =
        new Settings(
            8 << 20, 65_536, 4_096, 65_536, Duration.ofSeconds(5), AuditReadWatches.DEFAULT_CAP);

    public Settings {
      if (socketBufferBytes <= 0
          || queueCapacity <= 0
          || maxOpenEvents <= 0
          || attributionCapacity <= 0
          || maxReadWatches < 0) {
        throw new IllegalArgumentException("sizes must be positive");
      }
      Objects.requireNonNull(ruleCheckInterval, "ruleCheckInterval");
    }
  }

  private final AuditControl control;
  private final ProcReader reader;
  private final SocketClaims packetSockets;
  private final AuditStats stats = new AuditStats();
  private final AuditEventAssembler assembler;
  private final AuditCallAssembler calls;
  private final ExecAttribution attribution;
  private final BlockingQueue<Event> queue;
  private final ExecChanges changes;
  private final AuditReadWatches watches;
  private final HostFs hostFs;
  private final AtomicBoolean reporting;
  private final PeriodicWorker keeper;
  private final boolean disabledAtBoot;
  private volatile boolean stopping;
  private volatile String problem = "";

  /** The assembler's counts, published by the reader thread after each datagram. */
  private volatile long evictedSnapshot;

  private volatile long failedSnapshot;
  private SupervisedThread readerThread;
  private SupervisedThread workerThread;

  private AuditExecSource(
      AuditControl control,
      ProcReader reader,
      Settings settings,
      AtomicBoolean reporting,
      SocketClaims packetSockets,
      HostFs hostFs,
      boolean disabledAtBoot) {
    this.control = control;
    this.hostFs = hostFs;
    this.watches =
        new AuditReadWatches(
            new AuditReadWatches.Table() {
              @Override
              public Optional<String> add(String path) {
                return control.addWatch(path);
              }

              @Override
              public void remove(String path) {
                control.removeWatch(path);
              }
            },
            SensitiveFiles.DEFAULT,
            settings.maxReadWatches());
    this.packetSockets = packetSockets;
    this.disabledAtBoot = disabledAtBoot;
    this.problem = disabledAtBoot ? BOOT_NOTE : "";
    this.reader = reader;
    this.assembler = new AuditEventAssembler(settings.maxOpenEvents());
    this.calls = new AuditCallAssembler(settings.maxOpenEvents());
    this.attribution = new ExecAttribution(reader, settings.attributionCapacity());
    this.changes = new ExecChanges(settings.attributionCapacity());
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.reporting = reporting;
    this.keeper = new PeriodicWorker("audit-keeper", "rule check", settings.ruleCheckInterval());
    control
        .status()
        .ifPresent(
            s -> {
              stats.kernelLostAtStart = s.lost();
              stats.kernelLostNow = s.lost();
            });
  }

  /**
   * Takes the audit pid or joins the multicast group, turns auditing on if needed and adds the exec
   * rule (see {@link AuditControl}). Needs CAP_AUDIT_CONTROL, and CAP_AUDIT_READ beside an audit
   * daemon.
   *
   * @param reader reads processes at exec, for what audit does not record
   * @param reporting set while this source reports exec events, so that the netlink source does not
   *     report them too; cleared when it closes
   * @param kernelCommandLine the host's {@code /proc/cmdline}: {@code audit=0} there leaves
   *     processes older than our enabling unaudited, which health reports
   * @throws AuditUnavailableException when audit cannot be used here (nothing is left changed)
   */
  public static AuditExecSource open(
      ProcReader reader, Settings settings, AtomicBoolean reporting, String kernelCommandLine)
      throws AuditUnavailableException {
    return open(
        reader, settings, reporting, new SocketClaims(), HostFs.system(), kernelCommandLine);
  }

  /**
   * As {@link #open(ProcReader, Settings, AtomicBoolean, String)}, sharing with the host watch the
   * packet sockets already reported ({@code packetSockets}), so that a socket both see is reported
   * once, and reaching the host's sensitive files and the containers' roots through {@code hostFs}
   * for the read watches.
   */
  public static AuditExecSource open(
      ProcReader reader,
      Settings settings,
      AtomicBoolean reporting,
      SocketClaims packetSockets,
      HostFs hostFs,
      String kernelCommandLine)
      throws AuditUnavailableException {
    Objects.requireNonNull(hostFs, "hostFs");
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(reporting, "reporting");
    Objects.requireNonNull(packetSockets, "packetSockets");
    AuditControl control = AuditControl.take(settings.socketBufferBytes(), RECEIVE_TIMEOUT);
    return new AuditExecSource(
        control,
        reader,
        settings,
        reporting,
        packetSockets,
        hostFs,
        disabledAtBoot(kernelCommandLine));
  }

  /**
   * Whether a kernel command line turns audit off at boot ({@code audit=0} or {@code audit=off}).
   */
  static boolean disabledAtBoot(String kernelCommandLine) {
    for (String word : kernelCommandLine.strip().split("\\s+")) {
      if (word.equals("audit=0") || word.equals("audit=off")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * The {@code …_drops} keys are exec events lost for good (see {@link #losses}): the kernel's own
   * losses since we started ({@code kernel_lost_drops}, from its {@code lost} counter: it cannot
   * say whose records they were), overruns of our socket, a full queue, events given up unfinished
   * and execs no container could be found for.
   */
  @Override
  public Map<String, Long> counters() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("kernel_lost_drops", stats.kernelLost());
    m.put("overrun_drops", stats.overruns.sum());
    m.put("queue_drops", stats.queueDrops.sum());
    m.put("incomplete_drops", evictedSnapshot);
    m.put("unattributed_drops", stats.unattributed.sum());
    m.put("argv_incomplete", stats.argvIncomplete.sum());
    m.put("failed_execs", failedSnapshot);
    m.put("unparsable_records", stats.unparsable.sum());
    m.put("rule_reinstalls", stats.ruleReinstalls.sum());
    m.put("attributed_from_parent", stats.fromParent.sum());
    m.put("attributed_from_memory", stats.fromMemory.sum());
    m.put("links", stats.links.sum());
    m.put("tracemes", stats.tracemes.sum());
    m.put("host_links_ignored", stats.hostLinks.sum());
    m.put("packet_sockets", stats.packets.sum());
    m.put("host_packet_sockets_ignored", stats.hostPackets.sum());
    m.put("packet_sockets_seen_already", stats.packetsSeenAlready.sum());
    m.put("stdio_dups", stats.stdioDups.sum());
    m.put("stdio_dups_unread", stats.stdioDupsUnread.sum());
    m.put("host_stdio_dups_ignored", stats.hostStdioDups.sum());
    m.put("stdio_redirects", stats.stdioRedirects.sum());
    m.put("read_watches", (long) watches.placed());
    m.put("read_watches_refused", watches.refused());
    m.put("read_watches_capped", watches.capped());
    m.put("read_watches_gone", control.watchesGoneOnReinstall());
    m.put("watched_opens", stats.watchedOpens.sum());
    m.put("host_watched_opens_ignored", stats.hostWatchedOpens.sum());
    return m;
  }

  @Override
  public Set<String> losses() {
    return Set.of(
        "kernel_lost_drops",
        "overrun_drops",
        "queue_drops",
        "incomplete_drops",
        "unattributed_drops");
  }

  @Override
  public SourceHealth health() {
    SupervisedThread r;
    SupervisedThread w;
    synchronized (this) {
      r = readerThread;
      w = workerThread;
    }
    SourceHealth h = problem.isEmpty() ? SourceHealth.running() : SourceHealth.degraded(problem);
    if (r != null) {
      h = h.and(r.health()).and(w.health()).and(keeper.health());
    }
    return h;
  }

  @Override
  public boolean alive() {
    SupervisedThread r;
    SupervisedThread w;
    synchronized (this) {
      r = readerThread;
      w = workerThread;
    }
    return r == null || (r.alive() && w.alive() && keeper.alive());
  }

  /** {@code owner} or {@code reader}: whether we are the audit pid or read beside auditd. */
  public String mode() {
    return control.mode().label();
  }

  @Override
  public synchronized void start(EventSink sink) {
    Objects.requireNonNull(sink, "sink");
    if (readerThread != null) {
      throw new IllegalStateException(NAME + " already started");
    }
    readerThread =
        new SupervisedThread("dockward-au-reader", this::receiveLoop).priority(Thread.MAX_PRIORITY);
    workerThread = new SupervisedThread("dockward-au-worker", () -> workLoop(sink));
    workerThread.start();
    readerThread.start();
    keeper.start(this::keep);
    reporting.set(true);
    int host = watches.watch(AuditReadWatches.HOST, hostFs.root());
    LOG.info("{}: read watches on {} sensitive files of the host", NAME, host);
    LOG.info(
        "{}: exec events come from audit ({}); netlink keeps fork, exit, uid and ptrace",
        NAME,
        mode());
  }

  /**
   * Watches the sensitive files of a container that started, through its init's root: a read of one
   * gives a {@code watched_file_open} event with the name as passed. Called from the Docker
   * inventory's thread; a dozen rule requests, answered by the kernel at once.
   */
  public void containerStarted(String id, long initPid) {
    Objects.requireNonNull(id, "id");
    if (stopping || id.isEmpty() || initPid <= 0 || initPid > Integer.MAX_VALUE) {
      return;
    }
    watches.watch(id, hostFs.pidDir((int) initPid).resolve("root"));
  }

  /** Deletes the read watches of a container that stopped or was removed. */
  public void containerEnded(String id) {
    Objects.requireNonNull(id, "id");
    if (!id.isEmpty()) {
      watches.unwatch(id);
    }
  }

  private void receiveLoop() {
    byte[] buffer = new byte[AuditSocket.RECEIVE_BUFFER];
    AuditSocket socket = control.records();
    while (!stopping) {
      int n = socket.receive(buffer);
      if (n == AuditSocket.TIMED_OUT) {
        continue;
      }
      if (n == AuditSocket.OVERRUN) {
        stats.overruns.increment();
        continue;
      }
      stats.datagrams.increment();
      for (AuditSocket.Message m : AuditSocket.messages(buffer, n)) {
        if (m.type() < 1300 || m.type() >= 1400) {
          continue; // acknowledgements, user and configuration messages: not exec records
        }
        stats.records.increment();
        String text =
            new String(buffer, m.offset(), textLength(buffer, m), StandardCharsets.ISO_8859_1);
        Optional<AuditRecord> record = AuditRecordParser.parse(m.type(), text);
        if (record.isEmpty()) {
          stats.unparsable.increment();
          continue;
        }
        assembler.accept(record.get()).ifPresent(this::received);
        calls.accept(record.get()).ifPresent(this::receivedCall);
      }
      evictedSnapshot = assembler.evicted() + calls.evicted();
      failedSnapshot = assembler.failedExecs();
    }
  }

  /** The text's length without the NULs and newline the kernel may end it with. */
  private static int textLength(byte[] b, AuditSocket.Message m) {
    int end = m.offset() + m.length();
    while (end > m.offset() && (b[end - 1] == 0 || b[end - 1] == '\n')) {
      end--;
    }
    return end - m.offset();
  }

  /** Reads, attributes and queues one exec (reader thread). */
  private void received(AuditExec exec) {
    stats.execs.increment();
    if (!exec.argvComplete()) {
      stats.argvIncomplete.increment();
    }
    // Everything but the command line: the records carry every argument, and the program.
    Optional<ProcessInfo> read = reader.readWithoutCmdline(exec.pid());
    ExecAttribution.Result where = attribution.attribute(exec, read);
    switch (where.how()) {
      case PARENT -> stats.fromParent.increment();
      case MEMORY -> stats.fromMemory.increment();
      case PROC -> stats.fromProc.increment();
      case NONE -> {
        stats.unattributed.increment();
        return;
      }
    }
    Instant time = Instant.ofEpochMilli(exec.epochMillis());
    Optional<ContainerInfo> container = where.containerId().map(ContainerInfo::unresolved);
    ProcessInfo process = AuditProcess.of(exec, read, where.cgroup());
    // e.g. nsenter: setns, then this exec; the changes go before the exec, as netlink orders them
    for (Event change : changes.at(time, process, container)) {
      if (!queue.offer(change)) {
        stats.queueDrops.increment();
      }
    }
    ProcessObserved event =
        new ProcessObserved(
            time,
            NAME,
            process,
            container,
            ProcessOrigin.UNKNOWN,
            Optional.empty(),
            process.exe().isEmpty() ? Optional.empty() : Optional.of(ExeSource.AUDIT));
    if (!queue.offer(event)) {
      stats.queueDrops.increment();
    }
  }

  /**
   * Reads, attributes and queues one link, PTRACE_TRACEME or packet socket call (reader thread).
   * The process is usually still running (it is in the middle of its work); when it is gone, what
   * the records say.
   */
  private void receivedCall(AuditCall call) {
    if (call.call() == AuditCall.Call.DUP2 || call.call() == AuditCall.Call.DUP3) {
      receivedDup(call);
      return;
    }
    if (call.call() == AuditCall.Call.OPEN
        || call.call() == AuditCall.Call.OPENAT
        || call.call() == AuditCall.Call.OPENAT2) {
      receivedOpen(call);
      return;
    }
    Optional<AuditLinks.Link> link = AuditLinks.of(call);
    boolean packet = call.call() == AuditCall.Call.PACKET_SOCKET;
    if (call.call() != AuditCall.Call.PTRACE_TRACEME && !packet && link.isEmpty()) {
      return; // a link call whose records lack its names: nothing to judge
    }
    // The new socket's inode, read first: a one-shot program closes it at once (then it stays
    // unknown).
    OptionalLong socket =
        packet && call.exit() >= 0 && call.exit() <= Integer.MAX_VALUE
            ? reader.socketInode(call.pid(), (int) call.exit())
            : OptionalLong.empty();
    Optional<ProcessInfo> read = reader.read(call.pid()).filter(p -> p.exe().equals(call.exe()));
    ExecAttribution.Result where = attribution.attribute(call, read);
    if (!where.known()) {
      stats.unattributed.increment();
      return;
    }
    if (link.isPresent() && where.containerId().isEmpty()) {
      // Host links are not judged, and the runtime makes thousands when it unpacks or copies an
      // image.
      stats.hostLinks.increment();
      return;
    }
    if (packet && where.containerId().isEmpty()) {
      stats.hostPackets.increment(); // DHCP clients, capture tools: the host's own, no container's
      return;
    }
    if (socket.isPresent() && !packetSockets.claim(socket.getAsLong())) {
      stats.packetsSeenAlready.increment(); // the host watch's pass found it open first
      return;
    }
    ProcessInfo proc = read.orElseGet(() -> fromRecords(call, where.cgroup()));
    Optional<ContainerInfo> container = where.containerId().map(ContainerInfo::unresolved);
    Instant time = Instant.ofEpochMilli(call.epochMillis());
    Event event;
    if (link.isPresent()) {
      AuditLinks.Link l = link.get();
      stats.links.increment();
      event =
          new FileLinked(
              time,
              NAME,
              Optional.of(proc),
              l.kind(),
              l.call(),
              l.path(),
              l.target(),
              l.pathAsWritten(),
              l.targetAsWritten(),
              container);
    } else if (packet) {
      stats.packets.increment();
      // A record always has euid; were it unparsable, root is the more cautious reading.
      event =
          new PacketSocketSeen(
              time,
              NAME,
              Optional.of(proc),
              socket,
              PacketSocketSeen.typeName((int) (call.argValue(1).orElse(0) & SOCK_TYPE_MASK)),
              protocol(call.argValue(2).orElse(0)),
              0,
              Integer.toUnsignedLong(call.euid().orElse(0)),
              container);
    } else {
      stats.tracemes.increment();
      event = new TraceRequested(time, NAME, Optional.of(proc), call.ppid(), container);
    }
    if (!queue.offer(event)) {
      stats.queueDrops.increment();
    }
  }

  /**
   * A dup2/dup3 onto descriptor 0, 1 or 2 (reader thread). Every shell redirection and every
   * program start by the runtime makes one, so the cheapest test goes first: one readlink of the
   * descriptor now, and nothing more unless it is a socket (then its family from the socket
   * tables). The record has the descriptors, not what they are; the descriptor is read while the
   * process usually still runs (a reverse shell lives on its connection; after an exec the
   * descriptor stays). A process gone first, or one that put something else there meanwhile, is not
   * judged (counted as {@code stdio_dups_unread}).
   */
  private void receivedDup(AuditCall call) {
    long newFd = call.argValue(1).orElse(-1);
    long oldFd = call.argValue(0).orElse(-1);
    if (newFd < 0 || newFd > 2 || newFd == oldFd) {
      return; // not onto a standard descriptor (another rule's record), or dup2(n, n), which
      // changes nothing
    }
    stats.stdioDups.increment();
    Optional<StdioKind> kind = reader.descriptorKind(call.pid(), (int) newFd);
    if (kind.isEmpty()) {
      stats.stdioDupsUnread
          .increment(); // gone (or closed it) before it was read: what it put there is unknown
      return;
    }
    if (!SOCKETS.contains(kind.get())) {
      return; // a pipe, file or terminal: an ordinary redirection
    }
    Optional<ProcessInfo> read = reader.read(call.pid()).filter(p -> p.exe().equals(call.exe()));
    ExecAttribution.Result where = attribution.attribute(call, read);
    if (!where.known() || where.containerId().isEmpty()) {
      stats.hostStdioDups
          .increment(); // the host's own (systemd hands sockets to services): no container's
      return;
    }
    ProcessInfo proc = read.orElseGet(() -> fromRecords(call, where.cgroup()));
    stats.stdioRedirects.increment();
    Event event =
        new StdioRedirected(
            Instant.ofEpochMilli(call.epochMillis()),
            NAME,
            Optional.of(proc),
            call.call() == AuditCall.Call.DUP2 ? "dup2" : "dup3",
            (int) newFd,
            (int) oldFd,
            kind.get(),
            where.containerId().map(ContainerInfo::unresolved));
    if (!queue.offer(event)) {
      stats.queueDrops.increment();
    }
  }

  /**
   * An open of a watched sensitive file (reader thread): reported with the name the program passed
   * when the opener is in a container; the host's own reads (PAM, sshd) are counted and dropped.
   */
  private void receivedOpen(AuditCall call) {
    Optional<AuditOpens.Open> open = AuditOpens.of(call);
    if (open.isEmpty()) {
      return; // no PATH record with a name: nothing to report
    }
    Optional<ProcessInfo> read = reader.read(call.pid()).filter(p -> p.exe().equals(call.exe()));
    ExecAttribution.Result where = attribution.attribute(call, read);
    if (!where.known()) {
      stats.unattributed.increment();
      return;
    }
    if (where.containerId().isEmpty()) {
      stats.hostWatchedOpens.increment();
      return;
    }
    stats.watchedOpens.increment();
    ProcessInfo proc = read.orElseGet(() -> fromRecords(call, where.cgroup()));
    AuditOpens.Open o = open.get();
    Event event =
        new WatchedFileOpened(
            Instant.ofEpochMilli(call.epochMillis()),
            NAME,
            Optional.of(proc),
            call.pid(),
            o.call(),
            o.requestedPath(),
            call.cwd(),
            o.path(),
            where.containerId().map(ContainerInfo::unresolved));
    if (!queue.offer(event)) {
      stats.queueDrops.increment();
    }
  }

  /**
   * socket()'s protocol argument (network byte order) as net/packet prints it: {@code 0003} for
   * ETH_P_ALL.
   */
  static String protocol(long argument) {
    int v = (int) (argument & 0xffff);
    return String.format("%04x", ((v & 0xff) << 8) | (v >> 8));
  }

  /** A process already gone: what its call's records say, and its container's cgroup. */
  private static ProcessInfo fromRecords(AuditCall c, String cgroup) {
    return new ProcessInfo(
        c.pid(),
        c.ppid(),
        0L,
        c.comm(),
        c.exe(),
        "",
        false,
        c.uid(),
        c.euid(),
        OptionalLong.empty(),
        Map.of(),
        cgroup,
        Optional.empty(),
        List.of(),
        Optional.empty(),
        c.cwd().isEmpty() ? Optional.empty() : Optional.of(c.cwd()));
  }

  private void workLoop(EventSink sink) throws InterruptedException {
    while (!stopping) {
      Event event = queue.poll(RECEIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (event != null) {
        sink.accept(event);
        stats.emitted.increment();
      }
    }
  }

  /** The keeper's pass: the rule back if it went, the lost counter, the pid still ours. */
  private void keep() {
    List<String> problems = new ArrayList<>();
    try {
      if (control.ensureRule()) {
        stats.ruleReinstalls.increment();
        LOG.warn(
            "{}: our audit rule had been deleted (auditctl -D, or auditd loading its rules): added again; "
                + "execs in between were not recorded",
            NAME);
      }
    } catch (AuditSocket.RequestFailed e) {
      stats.ruleCheckFailures.increment();
      problems.add("cannot check or restore the exec rule: " + e.getMessage());
    }
    Optional<AuditStatus> status = control.status();
    if (status.isPresent()) {
      long before = stats.kernelLost();
      stats.kernelLostNow = status.get().lost();
      if (stats.kernelLost() > before) {
        LOG.warn(
            "{}: the kernel lost {} audit records since the last check (backlog limit {})",
            NAME,
            stats.kernelLost() - before,
            status.get().backlogLimit());
        problems.add(
            "the kernel lost "
                + (stats.kernelLost() - before)
                + " audit records since the last check "
                + "(backlog limit "
                + status.get().backlogLimit()
                + ")");
      }
      if (status.get().enabled() == 0) {
        problems.add("auditing was turned off (auditctl -e 0)");
      }
      if (control.mode() == AuditControl.Mode.OWNER && status.get().pid() != control.ourPid()) {
        problems.add(
            "no longer the audit pid (now "
                + status.get().pid()
                + "): records do not reach the agent");
      }
    }
    boolean working = problems.isEmpty();
    if (disabledAtBoot) {
      problems.add(BOOT_NOTE);
    }
    problem = String.join("; ", problems);
    reporting.set(working && !stopping);
  }

  @Override
  public void close() {
    SupervisedThread r;
    SupervisedThread w;
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
      r = readerThread;
      w = workerThread;
    }
    reporting.set(false);
    keeper.stop();
    if (w != null) {
      w.stop(JOIN_TIMEOUT);
    }
    if (r != null && !r.join(JOIN_TIMEOUT)) {
      LOG.warn("{}: reader did not end within {}", NAME, JOIN_TIMEOUT);
    }
    control.close();
    LOG.info("{}: stopped: {}", NAME, stats);
  }
}
