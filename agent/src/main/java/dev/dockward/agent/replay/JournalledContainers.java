package dev.dockward.agent.replay;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The containers a journal knew, from the snapshots it holds ({@code container_start} and {@code
 * container_stop} records carry the whole container), so that a replay names the container of a
 * record journalled with its id alone (a process seen before the daemon reported its container),
 * even when the container is long gone. Bounded by {@link #CAPACITY} containers; past that, new
 * ones are not learned.
 */
public final class JournalledContainers {
  static final int CAPACITY = 100_000;
  private static final Set<String> SNAPSHOT_TYPES = Set.of("container_start", "container_stop");

  private final Map<String, Map<String, Object>> byId = new HashMap<>();

  /**
   * Learns the snapshots of the journal up to {@code until} (all of it when absent), from its
   * start.
   */
  public static JournalledContainers of(Replayer replayer, Optional<Instant> until) {
    JournalledContainers known = new JournalledContainers();
    ReplayQuery snapshots =
        new ReplayQuery(
            Optional.empty(),
            until,
            Set.of("event"),
            Optional.empty(),
            SNAPSHOT_TYPES,
            Optional.empty(),
            Optional.empty());
    // A cheap text test first: most records are not snapshots and need no parsing.
    replayer.replay(
        snapshots,
        r -> known.learn(r.map()),
        false,
        () -> true,
        json -> json.contains("\"type\":\"container_st"));
    return known;
  }

  /** Remembers the record's container if it is resolved (has a name or an image); later wins. */
  public void learn(Map<String, Object> record) {
    if (record.get("container") instanceof Map<?, ?> c
        && resolved(c)
        && c.get("id") instanceof String id
        && (byId.size() < CAPACITY || byId.containsKey(id))) {
      Map<String, Object> copy = new LinkedHashMap<>();
      c.forEach((k, v) -> copy.put(String.valueOf(k), v));
      byId.put(id, copy);
    }
  }

  /**
   * The record with its container's fields filled in from the snapshot, when it was journalled
   * unresolved and the journal knows it; otherwise the record itself. Only the fields the record's
   * container object has are filled (an alert keeps its identity fields only).
   */
  public Map<String, Object> resolve(Map<String, Object> record) {
    if (!(record.get("container") instanceof Map<?, ?> c) || resolved(c)) {
      return record;
    }
    Map<String, Object> snapshot = byId.get(String.valueOf(c.get("id")));
    if (snapshot == null) {
      return record;
    }
    Map<String, Object> container = new LinkedHashMap<>();
    c.forEach(
        (k, v) -> container.put(String.valueOf(k), snapshot.getOrDefault(String.valueOf(k), v)));
    Map<String, Object> copy = new LinkedHashMap<>(record);
    copy.put("container", container);
    return copy;
  }

  /** The snapshot of the container with this id, when the journal holds one. */
  public Optional<Map<String, Object>> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public int size() {
    return byId.size();
  }

  private static boolean resolved(Map<?, ?> container) {
    return !"".equals(container.get("name")) && container.get("name") != null
        || !"".equals(container.get("image")) && container.get("image") != null;
  }
}
