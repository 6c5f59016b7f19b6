package dev.dockward.rules;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON contract document of an {@link Alert}, with keys in the documented order. */
public final class AlertDocuments {
  /** The {@code schema} version of alert documents. */
  public static final long SCHEMA = 1L;

  private AlertDocuments() {}

  /**
   * {@code {"schema":1,"kind":"alert","id","time","host","rule","rule_title","rule_description"?,
   * "severity","tags","summary","container"?,"process"?,"evidence","event_id"}}; the description
   * only when the rule has one, container and process only when present.
   */
  public static Map<String, Object> of(Alert alert) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", SCHEMA);
    doc.put("kind", "alert");
    doc.put("id", alert.id());
    doc.put("time", alert.time());
    doc.put("host", alert.host());
    doc.put("rule", alert.rule());
    doc.put("rule_title", alert.ruleTitle());
    if (!alert.ruleDescription().isBlank()) {
      doc.put("rule_description", alert.ruleDescription());
    }
    doc.put("severity", alert.severity().label());
    doc.put("tags", alert.tags());
    doc.put("summary", alert.summary());
    alert.container().ifPresent(c -> doc.put("container", c));
    alert.process().ifPresent(p -> doc.put("process", p));
    doc.put("evidence", alert.evidence());
    doc.put("event_id", alert.eventId());
    return doc;
  }
}
