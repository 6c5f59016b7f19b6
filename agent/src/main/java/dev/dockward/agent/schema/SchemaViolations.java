package dev.dockward.agent.schema;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records that broke the published schema on their way out, counted by sink and by kind of record
 * ({@code alert}, or the event's type), and logged once per sink and kind so a broken producer does
 * not flood the log. Thread-safe.
 */
public final class SchemaViolations {
  /** A sink and a kind of record, the labels violations are counted by. */
  public record Key(String sink, String kind) {}

  private static final Logger log = LoggerFactory.getLogger(SchemaViolations.class);
  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

  /** Counts one broken record; logs the first of its sink and kind. */
  void count(String sink, Map<String, Object> record, List<String> problems) {
    Key key = new Key(sink, kindOf(record));
    LongAdder n = counts.computeIfAbsent(key, k -> new LongAdder());
    n.increment();
    if (n.sum() == 1) {
      log.error(
          "sink {}: a {} record breaks the published schema, shipped marked with schema_errors (logged once "
              + "per kind, counted in dockward_schema_violations_total): record {}: {}",
          sink,
          key.kind(),
          record.get("id"),
          problems);
    }
  }

  /** Counts so far. */
  public Map<Key, Long> counts() {
    Map<Key, Long> out = new TreeMap<>(Comparator.comparing(Key::sink).thenComparing(Key::kind));
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private static String kindOf(Map<String, Object> record) {
    Object kind = record.get("kind");
    if ("event".equals(kind)) {
      return "event/" + record.get("type");
    }
    return String.valueOf(kind);
  }
}
