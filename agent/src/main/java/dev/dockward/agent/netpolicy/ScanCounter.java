package dev.dockward.agent.netpolicy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts, per flow source, the distinct destination ports and addresses of the flows it started
 * within a sliding window — the facts a scan rule compares with a threshold (rule windows are not
 * the rules engine's job yet). Bounded: at most {@code maxSources} sources (the one seen least
 * recently is forgotten) and {@code maxPerSource} starts per source (the oldest is forgotten).
 */
final class ScanCounter {
  /** Distinct destination ports and hosts in the window, the new start included. */
  record Counts(long ports, long hosts) {}

  private record Start(long millis, String host, int port) {}

  private static final class Window {
    final ArrayDeque<Start> starts = new ArrayDeque<>();
    final Map<Integer, Integer> ports = new HashMap<>();
    final Map<String, Integer> hosts = new HashMap<>();
  }

  private final long windowMillis;
  private final int maxSources;
  private final int maxPerSource;
  private final LinkedHashMap<String, Window> bySource;

  ScanCounter(Duration window, int maxSources, int maxPerSource) {
    this.windowMillis = window.toMillis();
    this.maxSources = maxSources;
    this.maxPerSource = maxPerSource;
    this.bySource = new LinkedHashMap<>(16, 0.75f, true);
  }

  long windowSeconds() {
    return windowMillis / 1000;
  }

  /**
   * Records a flow start from {@code src} to {@code dst}:{@code port} (addresses as text, port -1
   * when none).
   */
  Counts started(String src, String dst, int port, long nowMillis) {
    Window w = bySource.get(src);
    if (w == null) {
      if (bySource.size() >= maxSources) {
        Iterator<String> eldest = bySource.keySet().iterator();
        eldest.next();
        eldest.remove();
      }
      w = new Window();
      bySource.put(src, w);
    }
    expire(w, nowMillis);
    if (w.starts.size() >= maxPerSource) {
      forget(w, w.starts.pollFirst());
    }
    Start s = new Start(nowMillis, dst, port);
    w.starts.addLast(s);
    if (port >= 0) {
      w.ports.merge(port, 1, Integer::sum);
    }
    w.hosts.merge(dst, 1, Integer::sum);
    return new Counts(w.ports.size(), w.hosts.size());
  }

  /** Drops sources with nothing left in their window. */
  void sweep(long nowMillis) {
    Iterator<Window> it = bySource.values().iterator();
    while (it.hasNext()) {
      Window w = it.next();
      expire(w, nowMillis);
      if (w.starts.isEmpty()) {
        it.remove();
      }
    }
  }

  int sources() {
    return bySource.size();
  }

  private void expire(Window w, long nowMillis) {
    while (!w.starts.isEmpty() && w.starts.peekFirst().millis() <= nowMillis - windowMillis) {
      forget(w, w.starts.pollFirst());
    }
  }

  private static void forget(Window w, Start s) {
    if (s.port() >= 0) {
      w.ports.computeIfPresent(s.port(), (k, n) -> n == 1 ? null : n - 1);
    }
    w.hosts.computeIfPresent(s.host(), (k, n) -> n == 1 ? null : n - 1);
  }
}
