package dev.dockward.agent.ship.format;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An alert in Elastic Common Schema 8.x field names; docs/output-formats.md lists the mapping. */
final class EcsMapper {
  static final String ECS_VERSION = "8.11.0";

  private EcsMapper() {}

  static Map<String, Object> alert(Map<String, Object> alert) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("@timestamp", Fields.text(alert, "time"));
    e.put("ecs", Map.of("version", ECS_VERSION));
    e.put("message", Fields.text(alert, "summary"));
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("kind", "alert");
    event.put("category", List.of("intrusion_detection"));
    event.put("type", List.of("info"));
    event.put("id", Fields.text(alert, "id"));
    event.put("module", "dockward");
    event.put("dataset", "dockward.alerts");
    event.put("severity", Fields.severityLevel(Fields.text(alert, "severity")));
    Fields.get(alert, "suppressed").ifPresent(n -> event.put("count", ((Number) n).longValue() + 1));
    e.put("event", event);
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("id", Fields.text(alert, "rule"));
    rule.put("name", Fields.text(alert, "rule"));
    rule.put("ruleset", "dockward");
    Fields.get(Fields.map(alert.get("ruleset")), "digest").ifPresent(d -> rule.put("version", d));
    e.put("rule", rule);
    Map<String, Object> host = Fields.map(alert.get("host"));
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("name", Fields.text(host, "name"));
    h.put("id", Fields.text(host, "id"));
    Map<String, Object> os = Fields.map(host.get("os"));
    if (!os.isEmpty()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("type", "linux");
      Fields.get(os, "name").ifPresent(v -> o.put("name", v));
      Fields.get(os, "version").ifPresent(v -> o.put("version", v));
      Fields.get(os, "kernel").ifPresent(v -> o.put("kernel", v));
      h.put("os", o);
    }
    e.put("host", h);
    Map<String, Object> container = Fields.map(alert.get("container"));
    if (!container.isEmpty()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("id", Fields.text(container, "id"));
      c.put("name", Fields.text(container, "name"));
      Map<String, Object> image = new LinkedHashMap<>();
      image.put("name", Fields.text(container, "image"));
      String digest = Fields.text(container, "image_id");
      if (!digest.isEmpty()) {
        image.put("hash", Map.of("all", List.of(digest))); // the image's content digest
      }
      c.put("image", image);
      Fields.get(container, "labels").ifPresent(l -> c.put("labels", l));
      e.put("container", c);
    }
    Map<String, Object> process = Fields.map(alert.get("process"));
    if (!process.isEmpty()) {
      Map<String, Object> p = new LinkedHashMap<>();
      Fields.get(process, "pid").ifPresent(v -> p.put("pid", v));
      p.put("name", Fields.text(process, "name"));
      p.put("executable", Fields.text(process, "exe"));
      p.put("command_line", Fields.text(process, "cmdline"));
      List<Map<String, Object>> ancestors = Fields.list(process, "ancestors");
      if (!ancestors.isEmpty()) {
        // ECS has one parent level; the whole chain goes under dockward.process_ancestors.
        Map<String, Object> a = ancestors.get(0);
        Map<String, Object> parent = new LinkedHashMap<>();
        Fields.get(a, "pid").ifPresent(v -> parent.put("pid", v));
        parent.put("name", Fields.text(a, "name"));
        parent.put("command_line", Fields.text(a, "cmdline"));
        Fields.get(a, "exe").ifPresent(v -> parent.put("executable", v));
        p.put("parent", parent);
      } else {
        Fields.get(process, "ppid").ifPresent(v -> p.put("parent", Map.of("pid", v)));
      }
      Fields.get(process, "uid").ifPresent(v -> p.put("user", Map.of("id", String.valueOf(v))));
      e.put("process", p);
    }
    List<String> techniques = Fields.techniques(alert);
    if (!techniques.isEmpty()) {
      e.put("threat", Map.of("framework", "MITRE ATT&CK", "technique", Map.of("id", techniques)));
    }
    e.put("tags", alert.getOrDefault("tags", List.of()));
    Map<String, Object> dockward = new LinkedHashMap<>();
    dockward.put("evidence", alert.getOrDefault("evidence", Map.of()));
    dockward.put("event_id", Fields.text(alert, "event_id"));
    dockward.put("schema", alert.getOrDefault("schema", 1L));
    Fields.get(alert, "ruleset").ifPresent(r -> dockward.put("ruleset", r));
    Fields.get(alert, "schema_errors").ifPresent(errors -> dockward.put("schema_errors", errors));
    Fields.get(alert, "truncated").ifPresent(t -> dockward.put("truncated", t));
    Fields.get(alert, "truncated_unlisted").ifPresent(n -> dockward.put("truncated_unlisted", n));
    List<Map<String, Object>> ancestors = Fields.list(Fields.map(alert.get("process")), "ancestors");
    if (!ancestors.isEmpty()) {
      dockward.put("process_ancestors", ancestors);
    }
    e.put("dockward", dockward);
    return e;
  }
}
