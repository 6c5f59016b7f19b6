package dev.dockward.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An alert: a rule that fired, with enough of the event to stand on its own in a SIEM. {@link
 * AlertDocuments#of(Alert)} gives its JSON contract document.
 *
 * @param id unique alert id
 * @param time the event's time, as the event document wrote it (RFC 3339, UTC)
 * @param host the event's host object
 * @param rule the rule id
 * @param severity the rule's severity
 * @param tags the rule's tags
 * @param summary the rendered output
 * @param container the event's container (identity fields only), absent for host events
 * @param process the event's process (identity fields only), absent when the event has none
 * @param evidence the rule's evidence
 * @param eventId the id of the event that fired the rule
 * @param ruleTitle the rule's title
 * @param ruleDescription the rule's description, empty when it has none
 */
public record Alert(
    String id,
    String time,
    Map<String, Object> host,
    String rule,
    Severity severity,
    List<String> tags,
    String summary,
    Optional<Map<String, Object>> container,
    Optional<Map<String, Object>> process,
    Map<String, Object> evidence,
    String eventId,
    String ruleTitle,
    String ruleDescription) {

  // Identity, not the whole inventory: the full container (mounts, networks …) is in the event.
  private static final List<String> CONTAINER_FIELDS =
      List.of("id", "name", "image", "image_id", "labels");
  private static final List<String> PROCESS_FIELDS =
      List.of("pid", "ppid", "name", "exe", "program", "cmdline", "uid", "euid");

  /** Rejects nulls; copies collections. */
  public Alert {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(ruleTitle, "ruleTitle");
    ruleDescription = Objects.requireNonNullElse(ruleDescription, "");
    host = Collections.unmodifiableMap(new LinkedHashMap<>(host));
    tags = List.copyOf(tags);
    evidence = Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
  }

  static Alert of(String alertId, RuleMatch match, Map<String, ?> eventDocument) {
    Map<String, Object> event = ValueNormaliser.normalise(eventDocument);
    return new Alert(
        alertId,
        stringOr(event.get("time"), ""),
        mapOr(event.get("host")),
        match.rule().id(),
        match.rule().severity(),
        match.rule().tags(),
        match.summary(),
        pick(event.get("container"), CONTAINER_FIELDS),
        pick(event.get("process"), PROCESS_FIELDS),
        match.evidence(),
        stringOr(event.get("id"), ""),
        match.rule().title(),
        match.rule().description());
  }

  private static String stringOr(Object value, String fallback) {
    return value instanceof String ? (String) value : fallback;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapOr(Object value) {
    return value instanceof Map ? (Map<String, Object>) value : Map.of();
  }

  private static Optional<Map<String, Object>> pick(Object value, List<String> fields) {
    if (!(value instanceof Map)) {
      return Optional.empty();
    }
    Map<?, ?> source = (Map<?, ?>) value;
    Map<String, Object> out = new LinkedHashMap<>();
    for (String field : fields) {
      if (source.containsKey(field)) {
        out.put(field, source.get(field));
      }
    }
    return Optional.of(Collections.unmodifiableMap(out));
  }
}
