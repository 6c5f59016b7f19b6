package dev.dockward.agent.ship.format;

import dev.dockward.rules.RecordTime;
import java.time.Instant;
import java.util.List;
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
    return list.stream().map(String::valueOf).filter(t -> t.startsWith("mitre.")).map(t -> t.substring(6)).toList();
  }

  /** info … critical → 1 … 5. */
  static int severityLevel(String severity) {
    switch (severity) {
      case "critical": return 5;
      case "high": return 4;
      case "medium": return 3;
      case "low": return 2;
      case "info": return 1;
      default: return 0;
    }
  }
}
