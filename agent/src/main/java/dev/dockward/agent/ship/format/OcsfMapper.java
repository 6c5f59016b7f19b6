package dev.dockward.agent.ship.format;

import dev.dockward.agent.AgentVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An alert as an OCSF 1.1 Detection Finding (category Findings 2, class 2004, activity Create 1).
 * docs/output-formats.md lists the mapping field by field.
 */
final class OcsfMapper {
  static final int CLASS_UID = 2004;
  static final int CATEGORY_UID = 2;
  static final int ACTIVITY_CREATE = 1;
  static final String VERSION = "1.1.0";

  private OcsfMapper() {}

  static Map<String, Object> detectionFinding(Map<String, Object> alert) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("activity_id", ACTIVITY_CREATE);
    f.put("category_uid", CATEGORY_UID);
    f.put("class_uid", CLASS_UID);
    f.put("type_uid", CLASS_UID * 100 + ACTIVITY_CREATE);
    String severity = Fields.text(alert, "severity");
    f.put("severity_id", Fields.severityLevel(severity));
    f.put("severity", severity.isEmpty() ? "Unknown" : Character.toUpperCase(severity.charAt(0)) + severity.substring(1));
    f.put("time", Fields.epochMillis(alert));
    f.put("message", Fields.text(alert, "summary"));
    f.put("status_id", 1); // New

    Map<String, Object> product = new LinkedHashMap<>();
    product.put("name", "Dockward");
    product.put("vendor_name", "Dockward");
    product.put("version", AgentVersion.get());
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("version", VERSION);
    metadata.put("product", product);
    metadata.put("uid", Fields.text(alert, "id"));
    metadata.put("correlation_uid", Fields.text(alert, "event_id"));
    f.put("metadata", metadata);

    Map<String, Object> analytic = new LinkedHashMap<>();
    analytic.put("uid", Fields.text(alert, "rule"));
    analytic.put("name", Fields.text(alert, "rule"));
    analytic.put("type_id", 1); // Rule
    Fields.get(Fields.map(alert.get("ruleset")), "digest").ifPresent(d -> analytic.put("version", d));
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("uid", Fields.text(alert, "id"));
    info.put("title", Fields.text(alert, "rule"));
    info.put("desc", Fields.text(alert, "summary"));
    info.put("analytic", analytic);
    info.put("types", alert.getOrDefault("tags", List.of()));
    f.put("finding_info", info);

    List<Object> attacks = new ArrayList<>();
    for (String technique : Fields.techniques(alert)) {
      attacks.add(Map.of("technique", Map.of("uid", technique), "version", "14"));
    }
    if (!attacks.isEmpty()) {
      f.put("attacks", attacks);
    }

    Map<String, Object> host = Fields.map(alert.get("host"));
    Map<String, Object> device = new LinkedHashMap<>();
    device.put("hostname", Fields.text(host, "name"));
    device.put("uid", Fields.text(host, "id"));
    device.put("type_id", 1);
    Map<String, Object> os = Fields.map(host.get("os"));
    if (!os.isEmpty()) {
      // OCSF's OS object requires name and type_id (100: Linux, the only OS the agent runs on).
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", Fields.get(os, "name").orElse("Linux"));
      o.put("type_id", 100);
      o.put("type", "Linux");
      Fields.get(os, "version").ifPresent(v -> o.put("version", v));
      Fields.get(os, "kernel").ifPresent(v -> o.put("kernel_release", v));
      device.put("os", o);
    }
    f.put("device", device);

    Map<String, Object> evidence = new LinkedHashMap<>();
    Map<String, Object> container = Fields.map(alert.get("container"));
    if (!container.isEmpty()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("uid", Fields.text(container, "id"));
      c.put("name", Fields.text(container, "name"));
      c.put("image", Map.of("name", Fields.text(container, "image"), "uid", Fields.text(container, "image_id")));
      Fields.get(container, "labels").ifPresent(l -> c.put("labels", l));
      evidence.put("container", c);
      f.put("resources", List.of(Map.of("uid", Fields.text(container, "id"), "name", Fields.text(container, "name"),
          "type", "container")));
    }
    Map<String, Object> process = Fields.map(alert.get("process"));
    if (!process.isEmpty()) {
      Map<String, Object> p = new LinkedHashMap<>();
      Fields.get(process, "pid").ifPresent(v -> p.put("pid", v));
      p.put("name", Fields.text(process, "name"));
      p.put("cmd_line", Fields.text(process, "cmdline"));
      p.put("file", Map.of("path", Fields.text(process, "exe")));
      Fields.get(process, "uid").ifPresent(v -> p.put("user", Map.of("uid", String.valueOf(v))));
      List<Map<String, Object>> ancestors = Fields.list(process, "ancestors");
      if (!ancestors.isEmpty()) {
        p.put("parent_process", parentChain(ancestors, 0));
        p.put("lineage", ancestors.stream().map(OcsfMapper::lineageEntry).toList());
      } else {
        Fields.get(process, "ppid").ifPresent(v -> p.put("parent_process", Map.of("pid", v)));
      }
      evidence.put("process", p);
    }
    evidence.put("data", alert.getOrDefault("evidence", Map.of()));
    f.put("evidences", List.of(evidence));
    Fields.get(alert, "suppressed").ifPresent(n -> f.put("count", ((Number) n).longValue() + 1));
    Map<String, Object> unmapped = new LinkedHashMap<>();
    unmapped.put("dockward_schema", alert.getOrDefault("schema", 1L));
    unmapped.put("rule", Fields.text(alert, "rule"));
    Fields.get(alert, "ruleset").ifPresent(r -> unmapped.put("dockward_ruleset", r));
    Fields.get(alert, "schema_errors").ifPresent(e -> unmapped.put("dockward_schema_errors", e));
    Fields.get(alert, "truncated").ifPresent(t -> unmapped.put("dockward_truncated", t));
    Fields.get(alert, "truncated_unlisted").ifPresent(n -> unmapped.put("dockward_truncated_unlisted", n));
    f.put("unmapped", unmapped);
    return f;
  }

  /** The ancestors from {@code from} on as nested OCSF processes: parent, its parent_process, … */
  private static Map<String, Object> parentChain(List<Map<String, Object>> ancestors, int from) {
    Map<String, Object> a = ancestors.get(from);
    Map<String, Object> p = new LinkedHashMap<>();
    Fields.get(a, "pid").ifPresent(v -> p.put("pid", v));
    p.put("name", Fields.text(a, "name"));
    p.put("cmd_line", Fields.text(a, "cmdline"));
    Fields.get(a, "exe").ifPresent(v -> p.put("file", Map.of("path", v)));
    if (from + 1 < ancestors.size()) {
      p.put("parent_process", parentChain(ancestors, from + 1));
    }
    return p;
  }

  /** OCSF's lineage lists each ancestor's path; the name stands in when the path is unknown. */
  private static String lineageEntry(Map<String, Object> ancestor) {
    String exe = Fields.text(ancestor, "exe");
    return exe.isEmpty() ? Fields.text(ancestor, "name") : exe;
  }
}
