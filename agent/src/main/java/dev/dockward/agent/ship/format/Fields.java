package dev.dockward.agent.ship.format;

import dev.dockward.rules.RecordTime;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reading the native record's fields for the mappers. */
final class Fields {
  private Fields() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** The objects of a list field; anything else in it is skipped. */
  static List<Map<String, Object>> list(Map<String, Object> m, String key) {
    if (!(m.get(key) instanceof List<?> list)) {
      return List.of();
    }
    return list.stream().filter(o -> o instanceof Map<?, ?>).map(Fields::map).toList();
  }

  static String text(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? "" : String.valueOf(v);
  }

  static Optional<Object> get(Map<String, Object> m, String key) {
    return Optional.ofNullable(m.get(key));
  }

  static long epochMillis(Map<String, Object> record) {
    return RecordTime.of(record).map(Instant::toEpochMilli).orElse(0L);
  }

  /** {@code mitre.T1611} tags → {@code T1611}. */
  static List<String> techniques(Map<String, Object> record) {
    Object tags = record.get("tags");
    if (!(tags instanceof List<?> list)) {
      return List.of();
    }
    return list.stream()
        .map(String::valueOf)
        .filter(t -> t.startsWith("mitre."))
        .map(t -> t.substring(6))
        .toList();
  }

  /** The tags that are not ATT&CK ids. */
  static List<String> plainTags(Map<String, Object> record) {
    Object tags = record.get("tags");
    if (!(tags instanceof List<?> list)) {
      return List.of();
    }
    return list.stream().map(String::valueOf).filter(t -> !t.startsWith("mitre.")).toList();
  }

  /** The alert and the repeats noise control held back ({@code suppressed}), as an int count. */
  static int occurrences(Object suppressed) {
    return (int) Math.min(Integer.MAX_VALUE, ((Number) suppressed).longValue() + 1);
  }

  /**
   * An agent lifecycle record: {@code agent_started}, {@code agent_heartbeat}, {@code
   * agent_stopped}, …
   */
  static boolean isLifecycle(Map<String, Object> record) {
    return "event".equals(record.get("kind")) && text(record, "type").startsWith("agent_");
  }

  /** The text after the last {@code /}: a path's file name. */
  /**
   * The file an alert is about: its evidence's {@code path} (the file as the container names it, on
   * {@code sensitive_file_read_in_container} and {@code host_file_written_from_container}), when a
   * rule gives one.
   */
  static Optional<String> evidenceFile(Map<String, Object> alert) {
    return get(map(alert.get("evidence")), "path")
        .filter(p -> p instanceof String s && !s.isEmpty())
        .map(String::valueOf);
  }

  static String baseName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** info … critical → 1 … 5 (the same ids in OCSF's severity_id); 0 when unknown. */
  static int severityLevel(String severity) {
    switch (severity) {
      case "critical":
        return 5;
      case "high":
        return 4;
      case "medium":
        return 3;
      case "low":
        return 2;
      case "info":
        return 1;
      default:
        return 0;
    }
  }

  /** {@code agent_journal_overflow} → {@code Journal overflow}. */
  static String phaseName(String type) {
    String phase = type.startsWith("agent_") ? type.substring(6) : type;
    phase = phase.replace('_', ' ');
    return phase.isEmpty() ? "Other" : Character.toUpperCase(phase.charAt(0)) + phase.substring(1);
  }

  /** One line for a lifecycle record: the phase, events newly lost, sensors newly degraded. */
  static String lifecycleMessage(String type, Map<String, Object> agent) {
    StringBuilder m =
        new StringBuilder("Dockward agent ").append(phaseName(type).toLowerCase(Locale.ROOT));
    Fields.get(agent, "drops_new")
        .filter(n -> ((Number) n).longValue() > 0)
        .ifPresent(n -> m.append("; ").append(n).append(" events lost since the last record"));
    String degraded = Fields.text(agent, "degraded_summary");
    if (!degraded.isEmpty()) {
      m.append("; degraded: ").append(degraded);
    }
    return m.toString();
  }
}
