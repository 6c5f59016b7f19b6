package dev.dockward.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code window:} state of one rule: per key, the matching events (or distinct values) seen
 * within the window, on the events' own time, so a replayed journal gives the same alerts as the
 * live run. Fires once per burst: when the count reaches the threshold, and again only after it has
 * fallen below. Events are taken in the order they come (the journal's order).
 *
 * <p>Bounded: a key keeps at most {@code atLeast} entries — the newest — which is enough to tell
 * whether {@code atLeast} of them are in the window; beyond {@link #MAX_KEYS} the least recently
 * seen key goes.
 */
final class WindowTracker {
  /** Evidence a {@code window:} rule's alert carries, usable in its output template. */
  static final List<String> EVIDENCE = List.of("window_count", "window_since");

  static final int MAX_KEYS = 10_000;

  /** The rule fires: {@code count} in the window, the oldest of them seen at {@code since}. */
  record Fired(int count, Instant since) {}

  private final Duration within;
  private final int atLeast;
  private final Map<String, KeyWindow> windows =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, KeyWindow> eldest) {
          return size() > MAX_KEYS;
        }
      };

  /** One key's window: entries by value, in the order last seen, with the time last seen. */
  private static final class KeyWindow {
    final LinkedHashMap<Object, Instant> seen = new LinkedHashMap<>();
    long events;
    boolean fired;
  }

  WindowTracker(Window window) {
    this.within = window.within();
    this.atLeast = window.atLeast();
  }

  /**
   * Counts one matching event.
   *
   * @param value the distinct value it carries, or empty to count it as an event of its own
   * @return the count when the rule fires now
   */
  synchronized Optional<Fired> add(String key, Instant time, Optional<Object> value) {
    KeyWindow w = windows.computeIfAbsent(key, k -> new KeyWindow());
    Instant horizon = time.minus(within);
    for (Iterator<Instant> it = w.seen.values().iterator(); it.hasNext(); ) {
      if (it.next().isAfter(horizon)) {
        break;
      }
      it.remove();
    }
    if (w.seen.size() < atLeast) {
      w.fired = false; // the burst is over: the next crossing is a new one
    }
    Object entry = value.isPresent() ? value.get() : Long.valueOf(w.events++);
    w.seen.remove(entry); // re-seen: it moves to the newest end
    w.seen.put(entry, time);
    if (w.seen.size() > atLeast) {
      Iterator<Object> eldest = w.seen.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
    if (w.seen.size() < atLeast || w.fired) {
      return Optional.empty();
    }
    w.fired = true;
    return Optional.of(new Fired(w.seen.size(), w.seen.values().iterator().next()));
  }

  /** Keys with a window under way. */
  synchronized int size() {
    return windows.size();
  }
}
