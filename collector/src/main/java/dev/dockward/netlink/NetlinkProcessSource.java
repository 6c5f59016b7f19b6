package dev.dockward.netlink;

import dev.dockward.execfile.ExecFiles;
import dev.dockward.proc.ProcReader;
import dev.dockward.proc.RuntimeBinaries;
import dev.dockward.proc.SeenProcesses;
import dev.dockward.source.EventSink;
import dev.dockward.source.Source;
import dev.dockward.source.SourceHealth;
import dev.dockward.source.SupervisedThread;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real-time process events from the kernel's process connector (source {@value #NAME}): exec, fork,
 * exit, uid_change and ptrace, each attributed to its container.
 *
 * <p>Two threads. The <em>reader</em> receives, parses, reads each exec'd process from /proc at
 * once (a short-lived one is gone within milliseconds) and queues: it never waits for downstream
 * work, so the kernel's socket buffer drains as fast as it fills. The queue is bounded; when it is
 * full the event is dropped and counted ({@link NetlinkStats#queueDrops()}). When the kernel itself
 * dropped messages (ENOBUFS, counted as {@link NetlinkStats#overruns()}), the <em>worker</em>
 * reconciles its process cache with /proc and asks the /proc scan for an immediate rescan, which
 * reports the processes that were missed. The worker handles the events and may block on the sink;
 * it takes them in batches, because waking a thread per event cost more CPU than handling it (a
 * virtual machine's context switch is expensive).
 */
public final class NetlinkProcessSource implements Source {
  /** The source's name in events, logs and metrics. */
  public static final String NAME = "netlink";

  private static final Logger LOG = LoggerFactory.getLogger(NetlinkProcessSource.class);
  private static final Duration RECEIVE_TIMEOUT = Duration.ofMillis(250);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

  /** Events the worker takes at once. */
  private static final int MAX_BATCH = 256;

  /**
   * How long the worker waits, once woken, for more events to join the batch: it turns a wake-up
   * per event into one per millisecond in a burst of forks and exits. An exec ends the wait at once
   * (the reader wakes the worker for it): an exec is what alerts, and the wait would be added to
   * every exec's time to its alert.
   */
  private static final long LINGER_NANOS = 1_000_000;

  /** The most estimated bytes of exec'd processes, as read, waiting for the worker. */
  private static final long QUEUE_BUDGET_BYTES = 64L << 20;

  /**
   * Sizes.
   *
   * @param socketBufferBytes the kernel receive buffer asked for (default 8 MiB: at ~76 bytes a
   *     message plus kernel overhead, tens of thousands of events of slack)
   * @param queueCapacity events between the reader and the worker (default 65,536)
   * @param tableCapacity processes cached (default 1,048,576, above Linux's default pid_max)
   * @param tableBudgetBytes the estimated heap the process cache may keep (default 64 MiB): over
   *     it, the largest cached command lines are cut (counted as {@code table_shed}), then new
   *     processes are not cached (counted as {@code table_full})
   */
  public record Settings(
      int socketBufferBytes, int queueCapacity, int tableCapacity, long tableBudgetBytes) {
    private static final long DEFAULT_TABLE_BUDGET = 64L << 20;
    public static final Settings DEFAULT =
        new Settings(8 << 20, 65_536, 1 << 20, DEFAULT_TABLE_BUDGET);

    public Settings {
      if (socketBufferBytes <= 0
          || queueCapacity <= 0
          || tableCapacity <= 0
          || tableBudgetBytes <= 0) {
        throw new IllegalArgumentException(
            "sizes must be positive: "
                + socketBufferBytes
                + ", "
                + queueCapacity
                + ", "
                + tableCapacity
                + ", "
                + tableBudgetBytes);
      }
    }

    /** The default cache budget. */
    public Settings(int socketBufferBytes, int queueCapacity, int tableCapacity) {
      this(socketBufferBytes, queueCapacity, tableCapacity, DEFAULT_TABLE_BUDGET);
    }
  }

  private final ProcConnectorSocket socket;
  private final ProcEventParser parser = new ProcEventParser();
  private final NetlinkStats stats = new NetlinkStats(parser);
  private final BlockingQueue<ProcEventHandler.Received> queue;
  private final AtomicBoolean overrun = new AtomicBoolean();

  /** Set by the reader when it queued an exec: the worker takes its batch without lingering. */
  private final AtomicBoolean execQueued = new AtomicBoolean();

  /** The worker's thread while it runs (a restart runs it on a new one), for the reader to wake. */
  private volatile Thread worker;

  private final ProcEventHandler handler;
  private final Runnable rescan;
  private final SeenProcesses seen;
  private final BooleanSupplier execsReportedElsewhere;
  private volatile boolean stopping;
  private SupervisedThread readerThread;
  private SupervisedThread workerThread;

  private NetlinkProcessSource(
      ProcConnectorSocket socket,
      ProcReader reader,
      SeenProcesses seen,
      Runnable rescan,
      Clock clock,
      Settings settings,
      BooleanSupplier execsReportedElsewhere,
      ExecFiles execFiles) {
    this.socket = socket;
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.rescan = rescan;
    this.seen = seen;
    this.execsReportedElsewhere = execsReportedElsewhere;
    ProcessTable table =
        new ProcessTable(
            settings.tableCapacity(), settings.tableBudgetBytes(), stats.tableShed::increment);
    this.handler =
        new ProcEventHandler(
            reader,
            seen,
            table,
            kernelTime -> wallTime(clock, kernelTime),
            stats,
            QUEUE_BUDGET_BYTES,
            execsReportedElsewhere,
            new RuntimeBinaries(reader.host()),
            execFiles);
  }

  /**
   * Subscribes to the process connector. Needs root (CAP_NET_ADMIN) and a kernel with {@code
   * CONFIG_PROC_EVENTS}.
   *
   * @param reader reads processes at exec
   * @param seen what was reported, shared with the /proc scan so neither reports a process twice
   * @param rescan asks the /proc scan for an immediate rescan (after lost messages)
   * @throws NetlinkUnavailableException when the connector cannot be used here
   */
  public static NetlinkProcessSource open(
      ProcReader reader, SeenProcesses seen, Runnable rescan, Clock clock, Settings settings)
      throws NetlinkUnavailableException {
    return open(reader, seen, rescan, clock, settings, () -> false);
  }

  /**
   * As {@link #open(ProcReader, SeenProcesses, Runnable, Clock, Settings)}, sharing exec events
   * with another source.
   *
   * @param execsReportedElsewhere true while another source (the audit source) reports exec events;
   *     this source then handles every exec but does not emit its {@code exec} event
   */
  public static NetlinkProcessSource open(
      ProcReader reader,
      SeenProcesses seen,
      Runnable rescan,
      Clock clock,
      Settings settings,
      BooleanSupplier execsReportedElsewhere)
      throws NetlinkUnavailableException {
    return open(reader, seen, rescan, clock, settings, execsReportedElsewhere, ExecFiles.NONE);
  }

  /**
   * As {@link #open(ProcReader, SeenProcesses, Runnable, Clock, Settings, BooleanSupplier)}, with
   * the files of execs recorded at exec time.
   *
   * @param execFiles each exec event takes its exec's file from it (process {@code exec_file}), and
   *     its exe when the process was gone before it was read
   */
  public static NetlinkProcessSource open(
      ProcReader reader,
      SeenProcesses seen,
      Runnable rescan,
      Clock clock,
      Settings settings,
      BooleanSupplier execsReportedElsewhere,
      ExecFiles execFiles)
      throws NetlinkUnavailableException {
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(execFiles, "execFiles");
    Objects.requireNonNull(execsReportedElsewhere, "execsReportedElsewhere");
    Objects.requireNonNull(seen, "seen");
    Objects.requireNonNull(rescan, "rescan");
    Objects.requireNonNull(clock, "clock");
    ProcConnectorSocket socket =
        ProcConnectorSocket.open(settings.socketBufferBytes(), RECEIVE_TIMEOUT);
    LOG.info(
        "{}: subscribed to the process connector (receive buffer {} bytes)",
        NAME,
        socket.receiveBufferBytes());
    return new NetlinkProcessSource(
        socket, reader, seen, rescan, clock, settings, execsReportedElsewhere, execFiles);
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Degradations by reason. The {@code …_drops} keys are events lost for good (see {@link
   * #losses}): kernel overruns (each may have lost several messages), a full queue, and events
   * about processes nobody could attribute.
   */
  @Override
  public Map<String, Long> counters() {
    NetlinkStats s = stats();
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("overrun_drops", s.overruns());
    out.put("queue_drops", s.queueDrops());
    out.put("unattributed_drops", s.unattributed());
    out.put("vanished_at_exec", s.vanishedAtExec());
    out.put("exe_from_exec_file", s.exeFromExecFile());
    out.put("table_full", s.tableFull());
    out.put("table_shed", s.tableShed());
    out.put("queue_shed", s.queueShed());
    out.put("unknown_messages", s.unknownMessages());
    out.put("malformed_messages", s.malformedMessages());
    out.put("execs_left_to_audit", s.execsLeftToAudit());
    return out;
  }

  @Override
  public Set<String> losses() {
    return Set.of("overrun_drops", "queue_drops", "unattributed_drops");
  }

  /** The reader's and the worker's threads; none before start. */
  private synchronized List<SupervisedThread> threads() {
    return readerThread == null ? List.of() : List.of(readerThread, workerThread);
  }

  @Override
  public SourceHealth health() {
    return threads().stream()
        .map(SupervisedThread::health)
        .reduce(SourceHealth.running(), SourceHealth::and);
  }

  @Override
  public long restarts() {
    return threads().stream().mapToLong(SupervisedThread::restarts).sum();
  }

  @Override
  public boolean alive() {
    return threads().stream().allMatch(SupervisedThread::alive);
  }

  public NetlinkStats stats() {
    return stats;
  }

  @Override
  public synchronized void start(EventSink sink) {
    Objects.requireNonNull(sink, "sink");
    if (readerThread != null) {
      throw new IllegalStateException(NAME + " already started");
    }
    // Short names: Linux keeps 15 characters of a thread name, and per-thread CPU figures need them
    // apart.
    // Restarted after a failure: a bug on one message must not end real-time process events.
    // The reader drains the kernel's buffer: it must not lose the CPU to the worker under load.
    readerThread =
        new SupervisedThread("dockward-nl-reader", this::receiveLoop).priority(Thread.MAX_PRIORITY);
    workerThread = new SupervisedThread("dockward-nl-worker", () -> workLoop(sink));
    workerThread.start();
    readerThread.start();
    seen.realTimeReporting(true);
  }

  private void receiveLoop() {
    byte[] buffer = new byte[8192];
    try {
      while (!stopping) {
        int n = socket.receive(buffer);
        if (n == ProcConnectorSocket.TIMED_OUT) {
          continue;
        }
        if (n == ProcConnectorSocket.OVERRUN) {
          stats.overruns.increment();
          overrun.set(true);
          continue;
        }
        stats.datagrams.increment();
        List<ProcEvent> events = parser.parse(buffer, n);
        for (ProcEvent event : events) {
          if (isThreadEvent(event)) {
            stats.threadEvents
                .increment(); // most of the stream on a JVM host: keep it out of the queue
          } else {
            Optional<ProcEventHandler.Received> received =
                handler.receive(event); // empty: over the byte budget
            if (received.isEmpty() || !queue.offer(received.get())) {
              received.ifPresent(handler::notQueued);
              stats.queueDrops.increment();
              overrun.set(true); // what was dropped is found by the rescan
            } else if (event instanceof ProcEvent.Exec && !execsReportedElsewhere.getAsBoolean()) {
              // Its event waits for no batch. (While audit reports execs no exec event comes from
              // here, and the worker batches them with forks and exits: a wake-up less per exec.)
              execQueued.set(true);
              Thread w = worker;
              if (w != null) {
                LockSupport.unpark(w); // ends its linger: the exec goes on now
              }
            }
          }
        }
      }
    } catch (RuntimeException e) {
      if (!stopping) {
        overrun.set(true); // what it was handling is lost: the worker rescans /proc
      }
      throw e;
    }
  }

  private void workLoop(EventSink sink) throws InterruptedException {
    List<ProcEventHandler.Received> batch = new ArrayList<>(MAX_BATCH);
    worker = Thread.currentThread();
    try {
      while (!stopping) {
        if (overrun.getAndSet(false)) {
          int dropped = handler.reconcile();
          LOG.warn(
              "{}: events lost ({}); dropped {} stale cached processes, rescanning /proc",
              NAME,
              stats,
              dropped);
          rescan.run();
        }
        ProcEventHandler.Received first =
            queue.poll(RECEIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        boolean execWaits =
            execQueued.get()
                || (first.event() instanceof ProcEvent.Exec
                    && !execsReportedElsewhere.getAsBoolean());
        if (queue.size() < MAX_BATCH && !execWaits) {
          LockSupport.parkNanos(LINGER_NANOS); // an exec queued meanwhile unparks it
        }
        execQueued.set(false); // the drain below takes every exec queued so far
        batch.clear();
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        handler.handleBatch(batch, sink);
      }
    } catch (RuntimeException e) {
      if (!stopping) {
        overrun.set(true); // the batch it failed on is lost: rescan /proc when restarted
      }
      throw e;
    }
  }

  /**
   * Thread forks, thread exits and thread-level id changes: the process-level events carry the
   * news.
   */
  static boolean isThreadEvent(ProcEvent event) {
    if (event instanceof ProcEvent.Fork f) {
      return !f.isProcess();
    }
    if (event instanceof ProcEvent.Exit x) {
      return !x.isProcess();
    }
    if (event instanceof ProcEvent.Comm c) {
      return c.pid() != c.tgid();
    }
    return false;
  }

  /**
   * The wall-clock time of a kernel monotonic timestamp: System.nanoTime uses the same clock on
   * Linux.
   */
  private static Instant wallTime(Clock clock, long kernelNs) {
    long ago = System.nanoTime() - kernelNs;
    return clock.instant().minusNanos(Math.max(0, ago));
  }

  @Override
  public void close() {
    SupervisedThread reader;
    SupervisedThread worker;
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
      reader = readerThread;
      worker = workerThread;
    }
    seen.realTimeReporting(false);
    if (worker != null) {
      worker.stop(JOIN_TIMEOUT); // interrupted: it may wait on a full sink
    }
    if (reader != null && !reader.join(JOIN_TIMEOUT)) {
      LOG.warn("{}: reader did not end within {}", NAME, JOIN_TIMEOUT);
    }
    socket.close();
    LOG.info("{}: stopped: {}", NAME, stats);
  }
}
