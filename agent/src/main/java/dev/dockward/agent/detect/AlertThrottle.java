package dev.dockward.agent.detect;

import dev.dockward.agent.pipeline.Detector;
import dev.dockward.rules.RecordTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Noise control in front of a detector: one alert per (rule, container) per window, a cap per rule
 * per minute, and one over all rules per minute. What is held back is counted; the next alert that
 * goes out for the same (rule, container) carries {@code suppressed: N}. Time is the event's own
 * time, so replaying a journal suppresses exactly what the live agent did. For {@code
 * posture_finding} events the finding (id and instance) is part of the key as well.
 *
 * <p>Keys come from what containers do (a port scan of many neighbours makes a key per edge), so
 * the state is bounded: a key's window is forgotten once it has passed (a count it held back waits
 * for the key's next alert), and at most {@link #DEFAULT_MAX_KEYS} windows and as many waiting
 * counts are kept. Past the cap the oldest is forgotten and counted ({@link
 * #noiseControlEvictions()}): forgetting a window can only let its next repeat out, never hold an
 * alert back, so a flood of keys fails open.
 */
public final class AlertThrottle extends ForwardingDetector {
  /**
   * The most dedupe windows kept, and the most held-back counts waiting: about 30 MB at both caps.
   */
  public static final int DEFAULT_MAX_KEYS = 65_536;

  private final Duration dedupeWindow;
  private final int perRulePerMinute;
  private final int globalPerMinute;
  private Window global;
  private final int maxKeys;

  /** The windows that may still hold repeats back, oldest start first. */
  private final LinkedHashMap<String, Window> byKey = new LinkedHashMap<>();

  /** Counts held back by windows that have passed, waiting for their key's next alert. */
  private final LinkedHashMap<String, Long> waitingCounts = new LinkedHashMap<>();

  private long windowsEvicted;
  private long countsEvicted;
  private final Map<String, Window> byRule = new HashMap<>();
  private final Map<String, LongAdder> suppressedByRule = new ConcurrentHashMap<>();

  /** What a key emitted last and held back since. */
  private static final class Window {
    Instant start;
    long count;
    long heldBack;

    Window(Instant start) {
      this.start = start;
    }
  }

  /**
   * @param dedupeWindow how long a (rule, container) stays quiet after an alert; zero turns dedupe
   *     off
   * @param perRulePerMinute the most alerts one rule may raise per minute; 0 means no cap
   */
  public AlertThrottle(Detector inner, Duration dedupeWindow, int perRulePerMinute) {
    this(inner, dedupeWindow, perRulePerMinute, 0);
  }

  /**
   * @param globalPerMinute the most alerts of all rules together per minute (a flood of many rules
   *     at once); 0 means no cap
   */
  public AlertThrottle(
      Detector inner, Duration dedupeWindow, int perRulePerMinute, int globalPerMinute) {
    this(inner, dedupeWindow, perRulePerMinute, globalPerMinute, DEFAULT_MAX_KEYS);
  }

  /**
   * @param maxKeys the most windows, and the most waiting counts, kept at once
   */
  AlertThrottle(
      Detector inner,
      Duration dedupeWindow,
      int perRulePerMinute,
      int globalPerMinute,
      int maxKeys) {
    super(inner);
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be at least 1: " + maxKeys);
    }
    this.dedupeWindow = dedupeWindow;
    this.perRulePerMinute = perRulePerMinute;
    this.globalPerMinute = globalPerMinute;
    this.maxKeys = maxKeys;
  }

  @Override
  public synchronized List<Map<String, Object>> alertsFor(
      Map<String, Object> event, Supplier<String> alertIds) {
    List<Map<String, Object>> alerts = inner.alertsFor(event, alertIds);
    if (alerts.isEmpty()) {
      return alerts;
    }
    Instant now = timeOf(event);
    expire(now);
    List<Map<String, Object>> out = new ArrayList<>(alerts.size());
    for (Map<String, Object> alert : alerts) {
      String rule = String.valueOf(alert.get("rule"));
      String key = key(event, alert);
      Window w = byKey.get(key);
      boolean duplicate =
          !dedupeWindow.isZero() && w != null && now.isBefore(w.start.plus(dedupeWindow));
      if (duplicate || overRuleCap(rule, now) || overGlobalCap(now)) {
        if (w == null) {
          w = new Window(now);
          open(key, w);
        }
        w.heldBack++;
        suppressedByRule.computeIfAbsent(rule, r -> new LongAdder()).increment();
        continue;
      }
      Long waiting = waitingCounts.remove(key);
      long heldBack = (w == null ? 0 : w.heldBack) + (waiting == null ? 0 : waiting);
      byKey.remove(key); // re-inserted last: the order stays that of the windows' starts
      open(key, new Window(now));
      out.add(heldBack == 0 ? alert : withSuppressed(alert, heldBack));
    }
    return out;
  }

  /**
   * Closes the window an alert the journal refused had opened, and gives back its place under the
   * caps: the next repeat goes out and carries what was held back meanwhile.
   */
  @Override
  public synchronized void refused(Map<String, Object> event, Map<String, Object> alert) {
    Window w = byKey.remove(key(event, alert));
    if (w != null) {
      keepWaiting(key(event, alert), w.heldBack);
    }
    Window rule = byRule.get(String.valueOf(alert.get("rule")));
    if (rule != null && rule.count > 0) {
      rule.count--;
    }
    if (global != null && global.count > 0) {
      global.count--;
    }
    inner.refused(event, alert);
  }

  private static String key(Map<String, Object> event, Map<String, Object> alert) {
    return alert.get("rule")
        + "\u0000"
        + containerId(alert)
        + "\u0000"
        + findingKey(event)
        + edgeKey(alert);
  }

  /** Forgets the windows that have passed; their held-back counts wait for the key's next alert. */
  private void expire(Instant now) {
    // Event time is the record's: a late record may leave an older window behind a newer one; it
    // goes at the cap.
    for (Iterator<Map.Entry<String, Window>> it = byKey.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Window> oldest = it.next();
      if (now.isBefore(oldest.getValue().start.plus(dedupeWindow))) {
        return;
      }
      it.remove();
      keepWaiting(oldest.getKey(), oldest.getValue().heldBack);
    }
  }

  /** Adds a window, forgetting the oldest one at the cap (its next repeat then goes out). */
  private void open(String key, Window w) {
    if (byKey.size() >= maxKeys) {
      Iterator<Map.Entry<String, Window>> it = byKey.entrySet().iterator();
      Map.Entry<String, Window> oldest = it.next();
      it.remove();
      windowsEvicted++;
      keepWaiting(oldest.getKey(), oldest.getValue().heldBack);
    }
    byKey.put(key, w);
  }

  private void keepWaiting(String key, long heldBack) {
    if (heldBack == 0) {
      return;
    }
    waitingCounts.merge(key, heldBack, Long::sum);
    if (waitingCounts.size() > maxKeys) {
      Iterator<String> it = waitingCounts.keySet().iterator();
      it.next();
      it.remove(); // that key's next alert goes out without its count; the per-rule total keeps it
      countsEvicted++;
    }
  }

  private boolean overRuleCap(String rule, Instant now) {
    if (perRulePerMinute <= 0) {
      return false;
    }
    Window w = byRule.get(rule);
    if (w == null || !now.isBefore(w.start.plusSeconds(60))) {
      w = new Window(now);
      byRule.put(rule, w);
    }
    if (w.count >= perRulePerMinute) {
      return true;
    }
    w.count++;
    return false;
  }

  private boolean overGlobalCap(Instant now) {
    if (globalPerMinute <= 0) {
      return false;
    }
    if (global == null || !now.isBefore(global.start.plusSeconds(60))) {
      global = new Window(now);
    }
    if (global.count >= globalPerMinute) {
      return true;
    }
    global.count++;
    return false;
  }

  private static Map<String, Object> withSuppressed(Map<String, Object> alert, long heldBack) {
    // Keep the contract's field order: the count goes right after the summary.
    Map<String, Object> copy = new LinkedHashMap<>();
    alert.forEach(
        (k, v) -> {
          copy.put(k, v);
          if ("summary".equals(k)) {
            copy.put("suppressed", heldBack);
          }
        });
    copy.putIfAbsent("suppressed", heldBack);
    return copy;
  }

  /**
   * One posture rule covers many findings (of the host, most of them): each finding is its own
   * subject, so two different weaknesses opened by one audit are not taken for repeats.
   */
  private static String findingKey(Map<String, Object> event) {
    if (!"posture_finding".equals(event.get("type"))
        || !(event.get("finding") instanceof Map<?, ?> f)) {
      return "";
    }
    return f.get("id") + "\u0000" + f.get("instance");
  }

  /**
   * A network rule that names an {@code edge} in its evidence (an unexpected edge, a sensitive
   * port) treats each edge as its own subject: one container may open several. A scan rule names
   * none and stays deduped per container.
   */
  private static String edgeKey(Map<String, Object> alert) {
    return alert.get("evidence") instanceof Map<?, ?> e && e.get("edge") != null
        ? "\u0000" + e.get("edge")
        : "";
  }

  private static String containerId(Map<String, Object> alert) {
    return alert.get("container") instanceof Map<?, ?> c ? String.valueOf(c.get("id")) : "";
  }

  private static Instant timeOf(Map<String, Object> event) {
    // Records are ours and always timed; never fail detection on one that is not.
    return RecordTime.of(event).orElseGet(Instant::now);
  }

  /**
   * Noise-control state forgotten early because a cap was reached: {@code window} (a dedupe window:
   * its next repeat went out) and {@code count} (a held-back count that no later alert carried; the
   * per-rule total still has it).
   */
  @Override
  public synchronized Map<String, Long> noiseControlEvictions() {
    Map<String, Long> out = new TreeMap<>(inner.noiseControlEvictions());
    out.merge("window", windowsEvicted, Long::sum);
    out.merge("count", countsEvicted, Long::sum);
    return out;
  }

  /** Dedupe windows kept now. */
  synchronized int windows() {
    return byKey.size();
  }

  /** Held-back counts waiting for their key's next alert. */
  synchronized int waitingCounts() {
    return waitingCounts.size();
  }

  @Override
  public Map<String, Long> suppressedAlerts() {
    Map<String, Long> out = new TreeMap<>();
    suppressedByRule.forEach((rule, n) -> out.put(rule, n.sum()));
    return out;
  }
}
