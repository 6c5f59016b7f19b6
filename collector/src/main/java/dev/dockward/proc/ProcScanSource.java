package dev.dockward.proc;

import dev.dockward.cgroup.ContainerIdResolver;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessObserved;
import dev.dockward.hostfs.HostFs;
import dev.dockward.source.EventSink;
import dev.dockward.source.Source;
import dev.dockward.source.Workers;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rescans /proc every {@code interval} and emits a {@link ProcessObserved} (source
 * {@value #NAME}) for each process not seen before: the safety net that finds processes a
 * real-time source missed, and every process already running when the agent starts (the first
 * scan emits them all).
 *
 * <p>A process is identified by its pid and start time, so a reused pid is a new process. A
 * known process costs one read of its {@code stat}; processes that are gone are forgotten, so
 * the memory used follows the number of live processes. The container is attached as
 * {@link ContainerInfo#unresolved(String)} when the cgroup path names one; the pipeline enriches it.
 */
public final class ProcScanSource implements Source {
  /** The source's name in events, logs and metrics. */
  public static final String NAME = "proc_scan";

  private static final Logger LOG = LoggerFactory.getLogger(ProcScanSource.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

  private final ProcReader reader;
  private final Duration interval;
  private final Clock clock;
  /** pid → start time of every process emitted and still alive; used by the scan thread only. */
  private final Map<Integer, Long> seen = new HashMap<>();
  private final LongAdder failedScans = new LongAdder();
  private final CountDownLatch stop = new CountDownLatch(1);
  private Thread thread;

  /**
   * @param host where /proc is
   * @param interval the pause between the end of one scan and the start of the next; positive
   * @param clock stamps the events
   */
  public ProcScanSource(HostFs host, Duration interval, Clock clock) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    this.reader = new ProcReader(Objects.requireNonNull(host, "host"));
    this.interval = interval;
    this.clock = Objects.requireNonNull(clock, "clock");
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
    return failedScans.sum();
  }

  @Override
  public java.util.Map<String, Long> counters() {
    ProcReadStats s = readStats();
    return java.util.Map.of("vanished", s.vanished(), "unreadable", s.unreadable(), "parse_errors", s.parseErrors(),
        "truncated_cmdlines", s.truncatedCmdlines(), "failed_scans", failedScans());
  }

  @Override
  public synchronized void start(EventSink sink) {
    Objects.requireNonNull(sink, "sink");
    if (thread != null) {
      throw new IllegalStateException(NAME + " already started");
    }
    thread = new Thread(() -> run(sink), "dockward-" + NAME);
    thread.setDaemon(true);
    thread.start();
  }

  private void run(EventSink sink) {
    try {
      do {
        try {
          scanOnce(sink);
        } catch (RuntimeException e) {
          failedScans.increment();
          LOG.warn("{}: scan failed, next one in {}", NAME, interval, e);
        }
      } while (!stop.await(interval.toNanos(), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      // The sink or the pause was interrupted: the agent is shutting down.
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One scan: emits every process whose (pid, start time) was not seen by an earlier scan, and
   * forgets the processes that are gone. Not thread-safe: the source's thread calls it, or a test
   * does before {@link #start}.
   *
   * @throws InterruptedException when the sink was interrupted; the remaining processes are
   *     emitted by the next scan
   */
  void scanOnce(EventSink sink) throws InterruptedException {
    Set<Integer> alive = new HashSet<>();
    for (int pid : reader.pids().toArray()) {
      Long known = seen.get(pid);
      if (known != null) {
        OptionalLong startTime = reader.startTime(pid);
        if (startTime.isEmpty()) {
          continue; // gone since the listing
        }
        if (startTime.getAsLong() == known) {
          alive.add(pid);
          continue;
        }
        // the pid was reused by a new process: read it in full below
      }
      Optional<ProcessInfo> info = reader.read(pid);
      if (info.isEmpty()) {
        continue;
      }
      ProcessInfo proc = info.get();
      Optional<ContainerInfo> container =
          ContainerIdResolver.containerId(proc.cgroup()).map(ContainerInfo::unresolved);
      sink.accept(new ProcessObserved(clock.instant(), NAME, proc, container));
      // Remembered only once delivered: an interrupted delivery is retried by the next scan.
      seen.put(pid, proc.startTime());
      alive.add(pid);
    }
    seen.keySet().retainAll(alive);
  }

  /** The number of processes remembered (the live ones that were emitted). */
  int remembered() {
    return seen.size();
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      t = thread;
    }
    stop.countDown();
    if (t == null || t == Thread.currentThread()) {
      return;
    }
    // The pause ends at once through the latch; a sink that blocks needs the interrupt.
    t.interrupt();
    if (!Workers.join(t, JOIN_TIMEOUT)) {
      LOG.warn("{}: scan thread did not end within {}", NAME, JOIN_TIMEOUT);
    }
  }
}
