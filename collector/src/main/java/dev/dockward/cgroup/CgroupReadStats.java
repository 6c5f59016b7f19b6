package dev.dockward.cgroup;

import java.util.concurrent.atomic.LongAdder;

/** What went wrong while reading cgroup files, counted since the reader was made. Thread-safe. */
public final class CgroupReadStats {
  private final LongAdder missing = new LongAdder();
  private final LongAdder unreadable = new LongAdder();
  private final LongAdder parseErrors = new LongAdder();
  private final LongAdder vanished = new LongAdder();

  CgroupReadStats() {}

  /** Files (or keys inside them) that were not there although the controller is mounted. */
  public long missing() {
    return missing.sum();
  }

  /** Files that could not be read (permission denied, other I/O errors). */
  public long unreadable() {
    return unreadable.sum();
  }

  /** Files whose content was not what the kernel writes (garbage, empty). */
  public long parseErrors() {
    return parseErrors.sum();
  }

  /** Reads that found the container's cgroup gone (it stopped meanwhile). */
  public long vanished() {
    return vanished.sum();
  }

  void countMissing() {
    missing.increment();
  }

  void countUnreadable() {
    unreadable.increment();
  }

  void countParseError() {
    parseErrors.increment();
  }

  void countVanished() {
    vanished.increment();
  }

  @Override
  public String toString() {
    return "CgroupReadStats[missing="
        + missing()
        + ", unreadable="
        + unreadable()
        + ", parseErrors="
        + parseErrors()
        + ", vanished="
        + vanished()
        + "]";
  }
}
