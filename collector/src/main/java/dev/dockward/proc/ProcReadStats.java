package dev.dockward.proc;

import java.util.concurrent.atomic.LongAdder;

/** What went wrong while reading /proc, counted since the reader was made. Thread-safe. */
public final class ProcReadStats {
  private final LongAdder vanished = new LongAdder();
  private final LongAdder unreadable = new LongAdder();
  private final LongAdder parseErrors = new LongAdder();
  private final LongAdder truncatedCmdlines = new LongAdder();
  private final LongAdder emptyCmdlineRereads = new LongAdder();
  private final LongAdder execsDuringRead = new LongAdder();

  ProcReadStats() {}

  /** Processes that ended while being read (their files were gone). */
  public long vanished() {
    return vanished.sum();
  }

  /** Files or links that could not be read (permission denied, other I/O errors). */
  public long unreadable() {
    return unreadable.sum();
  }

  /** Files whose content was not what the kernel writes. */
  public long parseErrors() {
    return parseErrors.sum();
  }

  /** Command lines cut at {@link ProcReader#CMDLINE_CAP} bytes. */
  public long truncatedCmdlines() {
    return truncatedCmdlines.sum();
  }

  /**
   * Empty command lines of user processes read again (a process caught in the middle of an exec
   * shows none).
   */
  public long emptyCmdlineRereads() {
    return emptyCmdlineRereads.sum();
  }

  /** Processes that executed another program while they were read, and were read again. */
  public long execsDuringRead() {
    return execsDuringRead.sum();
  }

  void countExecDuringRead() {
    execsDuringRead.increment();
  }

  void countEmptyCmdlineReread() {
    emptyCmdlineRereads.increment();
  }

  void countVanished() {
    vanished.increment();
  }

  void countUnreadable() {
    unreadable.increment();
  }

  void countParseError() {
    parseErrors.increment();
  }

  void countTruncatedCmdline() {
    truncatedCmdlines.increment();
  }

  @Override
  public String toString() {
    return "ProcReadStats[vanished="
        + vanished()
        + ", unreadable="
        + unreadable()
        + ", parseErrors="
        + parseErrors()
        + ", truncatedCmdlines="
        + truncatedCmdlines()
        + ", emptyCmdlineRereads="
        + emptyCmdlineRereads()
        + ", execsDuringRead="
        + execsDuringRead()
        + "]";
  }
}
