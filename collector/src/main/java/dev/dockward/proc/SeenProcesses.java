package dev.dockward.proc;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The processes already reported, by pid and start time, shared by the sources that report
 * processes (the netlink source and the /proc rescan) so that a process is reported once, by
 * whichever saw it first. A reused pid has another start time: it is a new process. Thread-safe.
 */
public final class SeenProcesses {
  private final ConcurrentMap<Integer, Long> startTimes = new ConcurrentHashMap<>();
  private volatile boolean realTime;

  /**
   * Said by a real-time source (netlink) while it reports processes as they start and claims them
   * here: the /proc rescan then leaves a new process to it for one scan before reporting it itself.
   */
  public void realTimeReporting(boolean on) {
    realTime = on;
  }

  /** Whether a real-time source reports and claims processes as they start. */
  public boolean realTimeReporting() {
    return realTime;
  }

  /**
   * Marks (pid, start time) as reported.
   *
   * @return whether it was new, i.e. the caller is the one to report it
   */
  public boolean claim(int pid, long startTime) {
    Long previous = startTimes.put(pid, startTime);
    return previous == null || previous != startTime;
  }

  /** Whether (pid, start time) was reported. */
  public boolean contains(int pid, long startTime) {
    Long known = startTimes.get(pid);
    return known != null && known == startTime;
  }

  /** Undoes a claim whose report did not go out. */
  public void release(int pid, long startTime) {
    startTimes.remove(pid, startTime);
  }

  /** Forgets (pid, start time): the process ended. Another process that took the pid is kept. */
  public void forget(int pid, long startTime) {
    startTimes.remove(pid, startTime);
  }

  /** The start time remembered for a pid, or -1. */
  public long startTime(int pid) {
    Long known = startTimes.get(pid);
    return known == null ? -1 : known;
  }

  /** The pids remembered now (a snapshot). */
  public int[] pids() {
    return startTimes.keySet().stream().mapToInt(Integer::intValue).toArray();
  }

  public int size() {
    return startTimes.size();
  }
}
