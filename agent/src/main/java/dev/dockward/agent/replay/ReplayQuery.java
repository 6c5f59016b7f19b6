package dev.dockward.agent.replay;

import dev.dockward.rules.RecordTime;
import dev.dockward.rules.Severity;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which records a replay prints. Every part is optional; an absent part selects everything.
 *
 * @param since records at or after this time
 * @param until records at or before this time
 * @param kinds {@code event}, {@code alert} or both
 * @param container a container name, or a prefix (4+ characters) of its id
 * @param types event types (an alert is kept when its kinds allow it)
 * @param rule only alerts of this rule
 * @param minSeverity only alerts at least this severe
 */
public record ReplayQuery(
    Optional<Instant> since,
    Optional<Instant> until,
    Set<String> kinds,
    Optional<String> container,
    Set<String> types,
    Optional<String> rule,
    Optional<Severity> minSeverity) {

  public ReplayQuery {
    kinds = Set.copyOf(kinds);
    types = Set.copyOf(types);
  }

  /** Everything. */
  public static ReplayQuery all() {
    return new ReplayQuery(
        Optional.empty(),
        Optional.empty(),
        Set.of("event", "alert"),
        Optional.empty(),
        Set.of(),
        Optional.empty(),
        Optional.empty());
  }

  /** The same query selecting any container (to filter by container after resolving it). */
  public ReplayQuery anyContainer() {
    return new ReplayQuery(since, until, kinds, Optional.empty(), types, rule, minSeverity);
  }

  /** The record's own time, when it has a readable one. */
  static Optional<Instant> timeOf(Map<String, Object> record) {
    return RecordTime.of(record);
  }

  public boolean matches(Map<String, Object> record) {
    String kind = String.valueOf(record.get("kind"));
    return kinds.contains(kind) && inTime(timeOf(record)) && matchesBody(kind, record);
  }

  /**
   * The same decision on a journalled record, parsing it only when a filter needs more than its
   * envelope.
   */
  public boolean matches(RecordView record) {
    String kind = record.kind();
    boolean timed = since.isPresent() || until.isPresent();
    return kinds.contains(kind)
        && (!timed || inTime(record.time()))
        && (selectsByEnvelopeOnly() || matchesBody(kind, record.map()));
  }

  private boolean selectsByEnvelopeOnly() {
    return container.isEmpty() && types.isEmpty() && rule.isEmpty() && minSeverity.isEmpty();
  }

  private boolean inTime(Optional<Instant> time) {
    if (since.isPresent() && (time.isEmpty() || time.get().isBefore(since.get()))) {
      return false;
    }
    return until.isEmpty() || (time.isPresent() && !time.get().isAfter(until.get()));
  }

  private boolean matchesBody(String kind, Map<String, Object> record) {
    if (!types.isEmpty()
        && "event".equals(kind)
        && !types.contains(String.valueOf(record.get("type")))) {
      return false;
    }
    if (rule.isPresent() && !rule.get().equals(record.get("rule"))) {
      return false;
    }
    if (minSeverity.isPresent()) {
      Optional<Severity> s = Severity.parse(String.valueOf(record.get("severity")));
      if (s.isEmpty() || s.get().compareTo(minSeverity.get()) < 0) {
        return false;
      }
    }
    return container.isEmpty() || sameContainer(record, container.get());
  }

  private static boolean sameContainer(Map<String, Object> record, String wanted) {
    if (!(record.get("container") instanceof Map<?, ?> c)) {
      return false;
    }
    return wanted.equals(c.get("name"))
        || (wanted.length() >= 4 && String.valueOf(c.get("id")).startsWith(wanted));
  }
}
