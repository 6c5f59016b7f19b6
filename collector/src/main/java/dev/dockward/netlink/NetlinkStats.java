package dev.dockward.netlink;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the netlink source received, dropped and could not read, counted since it started.
 * Thread-safe. Every event the kernel sent is either handled or in one of the drop counters.
 */
public final class NetlinkStats {
  final LongAdder datagrams = new LongAdder();
  final LongAdder overruns = new LongAdder();
  final LongAdder queueDrops = new LongAdder();
  final LongAdder threadEvents = new LongAdder();
  final LongAdder handled = new LongAdder();
  final LongAdder emitted = new LongAdder();
  final LongAdder vanishedAtExec = new LongAdder();
  final LongAdder attributedToParent = new LongAdder();

  /**
   * Exec events whose exe came from the file recorded at exec time: the process was gone before its
   * exe was read.
   */
  final LongAdder exeFromExecFile = new LongAdder();

  final LongAdder unattributed = new LongAdder();
  final LongAdder pidReuses = new LongAdder();
  final LongAdder tableFull = new LongAdder();
  final LongAdder tableShed = new LongAdder();
  final LongAdder queueShed = new LongAdder();
  final LongAdder reconciliations = new LongAdder();
  final LongAdder execsLeftToAudit = new LongAdder();
  private final ProcEventParser parser;

  NetlinkStats(ProcEventParser parser) {
    this.parser = parser;
  }

  /** Datagrams received from the kernel. */
  public long datagrams() {
    return datagrams.sum();
  }

  /** Times the kernel reported lost messages (ENOBUFS: our socket buffer was full). */
  public long overruns() {
    return overruns.sum();
  }

  /** Events dropped because the queue to the worker was full. */
  public long queueDrops() {
    return queueDrops.sum();
  }

  /** Thread (not process) forks and exits, skipped on purpose. */
  public long threadEvents() {
    return threadEvents.sum();
  }

  /** Events the worker took from the queue and handled. */
  public long handled() {
    return handled.sum();
  }

  /** Events delivered to the sink. */
  public long emitted() {
    return emitted.sum();
  }

  /** Processes that ended before their exec could be read. */
  public long vanishedAtExec() {
    return vanishedAtExec.sum();
  }

  /** Of those, the ones attributed to their parent's container (or the host) from the cache. */
  public long attributedToParent() {
    return attributedToParent.sum();
  }

  /**
   * Exec events whose exe came from the file recorded at exec time (the process was gone before its
   * exe was read).
   */
  public long exeFromExecFile() {
    return exeFromExecFile.sum();
  }

  /**
   * Events about a process neither /proc nor the cache knew: not emitted, since the container is
   * unknown.
   */
  public long unattributed() {
    return unattributed.sum();
  }

  /**
   * Cached processes replaced because their pid now belongs to a process with another start time.
   */
  public long pidReuses() {
    return pidReuses.sum();
  }

  /** Processes not cached because the cache was full. */
  public long tableFull() {
    return tableFull.sum();
  }

  /**
   * Cached processes whose long text (command line, long paths) was dropped to keep the cache
   * within its byte budget.
   */
  public long tableShed() {
    return tableShed.sum();
  }

  /** Exec'd processes queued without their long text because the queue's byte budget was spent. */
  public long queueShed() {
    return queueShed.sum();
  }

  /** Cache reconciliations with /proc after an overrun. */
  public long reconciliations() {
    return reconciliations.sum();
  }

  /** Execs handled without an {@code exec} event of ours because the audit source reported them. */
  public long execsLeftToAudit() {
    return execsLeftToAudit.sum();
  }

  /** Messages of kinds the parser does not know. */
  public long unknownMessages() {
    return parser.unknown();
  }

  /** Messages too short or with broken framing. */
  public long malformedMessages() {
    return parser.malformed();
  }

  @Override
  public String toString() {
    return "NetlinkStats[datagrams="
        + datagrams()
        + ", handled="
        + handled()
        + ", emitted="
        + emitted()
        + ", threadEvents="
        + threadEvents()
        + ", overruns="
        + overruns()
        + ", queueDrops="
        + queueDrops()
        + ", vanishedAtExec="
        + vanishedAtExec()
        + ", attributedToParent="
        + attributedToParent()
        + ", exeFromExecFile="
        + exeFromExecFile()
        + ", unattributed="
        + unattributed()
        + ", pidReuses="
        + pidReuses()
        + ", tableFull="
        + tableFull()
        + ", tableShed="
        + tableShed()
        + ", queueShed="
        + queueShed()
        + ", reconciliations="
        + reconciliations()
        + ", unknown="
        + unknownMessages()
        + ", malformed="
        + malformedMessages()
        + "]";
  }
}
