package dev.dockward.execfile;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which containers' mounts the exec file watch has marked, through which process, and what each
 * mark was made for: a container's start (its run reported by Docker, {@link #started}) or the slow
 * reconciliation pass ({@link #reconcile}), which marks the containers no start was heard for and
 * the mounts added inside a container since. Not thread-safe: the watch's thread alone calls it.
 */
final class ContainerMarks {
  /**
   * Marks the mounts of a container seen through {@code pid} not in {@code marked}; the ids of all
   * marked now.
   */
  @FunctionalInterface
  interface Marker {
    Set<Integer> mark(String containerId, long pid, Set<Integer> marked);
  }

  /** A container whose mounts are marked, through which pid. */
  private record Watched(long pid, Set<Integer> mountIds) {}

  private final Marker marker;
  private final Map<String, Watched> watched = new HashMap<>();
  private long byEvent;
  private long byReconcile;
  private long missedStarts;

  ContainerMarks(Marker marker) {
    this.marker = marker;
  }

  /**
   * A container's run began, its init is {@code pid}: marks its mounts now, unless marked through
   * that pid already.
   */
  void started(String containerId, long pid) {
    Watched w = watched.get(containerId);
    if (w != null && w.pid() == pid) {
      return;
    }
    Set<Integer> now = marker.mark(containerId, pid, Set.of());
    byEvent += now.size();
    watched.put(containerId, new Watched(pid, now));
  }

  /** A container's run ended: forgotten (the kernel drops a mark with its mount). */
  void ended(String containerId) {
    watched.remove(containerId);
  }

  /**
   * The safety net: marks the containers of {@code running} (id to init pid) that no start marked,
   * and each one's mounts not marked yet; forgets those no longer running.
   */
  void reconcile(Map<String, Long> running) {
    for (Map.Entry<String, Long> c : running.entrySet()) {
      Watched w = watched.get(c.getKey());
      long pid = c.getValue();
      Set<Integer> before = w != null && w.pid() == pid ? w.mountIds() : Set.of();
      if (w == null || w.pid() != pid) {
        missedStarts++;
      }
      Set<Integer> now = marker.mark(c.getKey(), pid, before);
      Set<Integer> added = new HashSet<>(now);
      added.removeAll(before);
      byReconcile += added.size();
      watched.put(c.getKey(), new Watched(pid, now));
    }
    watched.keySet().retainAll(running.keySet());
  }

  /** The mount marks held now. */
  long marks() {
    return watched.values().stream().mapToLong(w -> w.mountIds().size()).sum();
  }

  /** Mount marks made when a container's start was heard. */
  long byEvent() {
    return byEvent;
  }

  /**
   * Mount marks made by the reconciliation pass: a start not heard (or heard too late), or a mount
   * added since.
   */
  long byReconcile() {
    return byReconcile;
  }

  /**
   * Containers the reconciliation pass found running that no start had marked (through their
   * current init).
   */
  long missedStarts() {
    return missedStarts;
  }
}
