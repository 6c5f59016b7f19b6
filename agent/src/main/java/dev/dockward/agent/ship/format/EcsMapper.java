package dev.dockward.agent.ship.format;

import dev.dockward.agent.AgentVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Native records in Elastic Common Schema 8.11 field names: an alert as {@code event.kind: alert},
 * an agent lifecycle record as {@code event.kind: state}. What ECS has no field for goes under
 * {@code dockward.*}. docs/output-formats.md lists the mapping; EcsFieldsTest checks every sample
 * record against ECS's field list and docs/ecs-index-template.json.
 */
final class EcsMapper {
  static final String ECS_VERSION = "8.11.0";

  private final AttackTechniques attack;
  private final RuleDescriptions descriptions;

  EcsMapper(AttackTechniques attack, RuleDescriptions descriptions) {
    this.attack = attack;
    this.descriptions = descriptions;
  }

  Map<String, Object> alert(Map<String, Object> alert) {
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
    e.put("event", event);
    Map<String, Object> host = Fields.map(alert.get("host"));
    e.put("agent", agent(host, AgentVersion.get()));
    String ruleId = Fields.text(alert, "rule");
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("id", ruleId);
    rule.put("name", ruleId);
    descriptions.of(ruleId).filter(d -> !d.isBlank()).ifPresent(d -> rule.put("description", d));
    rule.put("ruleset", "dockward");
    Fields.get(Fields.map(alert.get("ruleset")), "digest").ifPresent(d -> rule.put("version", d));
    e.put("rule", rule);
    e.put("host", host(host, Fields.map(host.get("os"))));
    Map<String, Object> container = Fields.map(alert.get("container"));
    if (!container.isEmpty()) {
      e.put("container", container(container));
    }
    Map<String, Object> process = Fields.map(alert.get("process"));
    if (!process.isEmpty()) {
      e.put("process", process(process));
    }
    Fields.evidenceFile(alert)
        .ifPresent(
            path -> {
              Map<String, Object> file = new LinkedHashMap<>();
              file.put("path", path);
              file.put("name", Fields.baseName(path));
              e.put("file", file);
            });
    Map<String, Object> threat = threat(Fields.techniques(alert));
    if (!threat.isEmpty()) {
      e.put("threat", threat);
    }
    e.put("tags", alert.getOrDefault("tags", List.of()));
    Map<String, Object> dockward = new LinkedHashMap<>();
    dockward.put("evidence", alert.getOrDefault("evidence", Map.of()));
    dockward.put("event_id", Fields.text(alert, "event_id"));
    dockward.put("schema", alert.getOrDefault("schema", 1L));
    Fields.get(alert, "ruleset").ifPresent(r -> dockward.put("ruleset", r));
    Fields.get(alert, "suppressed").ifPresent(n -> dockward.put("count", Fields.occurrences(n)));
    List<Map<String, Object>> ancestors = Fields.list(process, "ancestors");
    if (!ancestors.isEmpty()) {
      dockward.put("process_ancestors", ancestors);
    }
    marks(alert, dockward);
    e.put("dockward", dockward);
    return e;
  }

  /** The agent's own record: {@code event.kind: state}, the phase in {@code event.action}. */
  Map<String, Object> lifecycle(Map<String, Object> record) {
    String type = Fields.text(record, "type");
    Map<String, Object> nativeAgent = Fields.map(record.get("agent"));
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("@timestamp", Fields.text(record, "time"));
    e.put("ecs", Map.of("version", ECS_VERSION));
    e.put("message", Fields.lifecycleMessage(type, nativeAgent));
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("kind", "state");
    event.put("category", List.of("process"));
    event.put(
        "type",
        List.of(
            switch (type) {
              case "agent_started" -> "start";
              case "agent_stopped" -> "end";
              default -> "info";
            }));
    event.put("action", type);
    event.put("id", Fields.text(record, "id"));
    event.put("module", "dockward");
    event.put("dataset", "dockward.agent");
    e.put("event", event);
    Map<String, Object> host = Fields.map(record.get("host"));
    e.put(
        "agent",
        agent(
            host,
            Fields.get(nativeAgent, "version").map(String::valueOf).orElse(AgentVersion.get())));
    Map<String, Object> facts = Fields.map(record.get("host_facts"));
    Map<String, Object> os = new LinkedHashMap<>();
    Fields.get(facts, "os_family").ifPresent(v -> os.put("name", v));
    Fields.get(facts, "os_version").ifPresent(v -> os.put("version", v));
    Fields.get(facts, "kernel_release").ifPresent(v -> os.put("kernel", v));
    Map<String, Object> h = host(host, os);
    Fields.get(facts, "arch").ifPresent(v -> h.put("architecture", v));
    e.put("host", h);
    Map<String, Object> dockward = new LinkedHashMap<>();
    dockward.put("schema", record.getOrDefault("schema", 1L));
    dockward.put("agent", nativeAgent);
    if (!facts.isEmpty()) {
      dockward.put("host_facts", facts);
    }
    marks(record, dockward);
    e.put("dockward", dockward);
    return e;
  }

  /** The agent that wrote the record: one per host, so the host's id names it. */
  private static Map<String, Object> agent(Map<String, Object> host, String version) {
    Map<String, Object> agent = new LinkedHashMap<>();
    agent.put("type", "dockward");
    agent.put("name", Fields.text(host, "name"));
    agent.put("id", Fields.text(host, "id"));
    agent.put("version", version);
    return agent;
  }

  private static Map<String, Object> host(Map<String, Object> host, Map<String, Object> os) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("name", Fields.text(host, "name"));
    h.put("id", Fields.text(host, "id"));
    if (!os.isEmpty()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("type", "linux");
      Fields.get(os, "name").ifPresent(v -> o.put("name", v));
      Fields.get(os, "name")
          .flatMap(n -> osFamily(String.valueOf(n)))
          .ifPresent(v -> o.put("family", v));
      Fields.get(os, "version").ifPresent(v -> o.put("version", v));
      Fields.get(os, "kernel").ifPresent(v -> o.put("kernel", v));
      h.put("os", o);
    }
    return h;
  }

  /**
   * ECS's {@code host.os.family} (the distribution's lineage) from the distribution's name, when
   * known.
   */
  static Optional<String> osFamily(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.contains("debian") || n.contains("ubuntu") || n.contains("mint")) {
      return Optional.of("debian");
    }
    if (n.contains("red hat")
        || n.contains("centos")
        || n.contains("fedora")
        || n.contains("rocky")
        || n.contains("alma")
        || n.contains("oracle")
        || n.contains("amazon")) {
      return Optional.of("redhat");
    }
    if (n.contains("suse")) {
      return Optional.of("suse");
    }
    if (n.contains("arch")) {
      return Optional.of("arch");
    }
    if (n.contains("alpine")) {
      return Optional.of("alpine");
    }
    return Optional.empty();
  }

  private static Map<String, Object> container(Map<String, Object> container) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("id", Fields.text(container, "id"));
    Fields.get(container, "name").ifPresent(n -> c.put("name", n));
    c.put("runtime", "docker");
    Map<String, Object> image = new LinkedHashMap<>();
    String reference = Fields.text(container, "image");
    if (!reference.isEmpty()) {
      ImageReference ref = ImageReference.parse(reference);
      image.put("name", ref.name());
      ref.tag().ifPresent(t -> image.put("tag", List.of(t)));
    }
    String digest = Fields.text(container, "image_id");
    if (!digest.isEmpty()) {
      image.put("hash", Map.of("all", List.of(digest))); // the image's content digest
    }
    if (!image.isEmpty()) {
      c.put("image", image);
    }
    Fields.get(container, "labels").ifPresent(l -> c.put("labels", l));
    return c;
  }

  private static Map<String, Object> process(Map<String, Object> process) {
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
    return p;
  }

  /**
   * ATT&CK in ECS's threat fields: techniques under {@code threat.technique}, sub-techniques under
   * {@code threat.technique.subtechnique} (their technique listed too), the tactics of both under
   * {@code threat.tactic}. Names and references where the bundled table knows the id.
   */
  private Map<String, Object> threat(List<String> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    Set<String> techniques = new LinkedHashSet<>();
    Set<String> subs = new LinkedHashSet<>();
    Map<String, String> tactics = new LinkedHashMap<>();
    for (String id : ids) {
      techniques.add(AttackTechniques.parentId(id));
      if (AttackTechniques.isSubTechnique(id)) {
        subs.add(id);
      }
      attack
          .of(id)
          .ifPresent(
              t -> t.tactics().forEach(tactic -> tactics.putIfAbsent(tactic.id(), tactic.name())));
    }
    Map<String, Object> threat = new LinkedHashMap<>();
    threat.put("framework", "MITRE ATT&CK");
    Map<String, Object> technique = listed(techniques);
    if (!subs.isEmpty()) {
      technique.put("subtechnique", listed(subs));
    }
    threat.put("technique", technique);
    if (!tactics.isEmpty()) {
      Map<String, Object> tactic = new LinkedHashMap<>();
      tactic.put("id", List.copyOf(tactics.keySet()));
      tactic.put("name", List.copyOf(tactics.values()));
      tactic.put("reference", tactics.keySet().stream().map(AttackTechniques::tacticUrl).toList());
      threat.put("tactic", tactic);
    }
    return threat;
  }

  /**
   * {@code id}, {@code reference} and, when every id is known, {@code name} (ECS pairs them by
   * position).
   */
  private Map<String, Object> listed(Set<String> ids) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", List.copyOf(ids));
    List<String> names = new ArrayList<>();
    for (String id : ids) {
      attack.of(id).ifPresent(t -> names.add(t.name()));
    }
    if (names.size() == ids.size()) {
      m.put("name", names);
    }
    m.put("reference", ids.stream().map(AttackTechniques::techniqueUrl).toList());
    return m;
  }

  private static void marks(Map<String, Object> record, Map<String, Object> dockward) {
    Fields.get(record, "schema_errors").ifPresent(errors -> dockward.put("schema_errors", errors));
    Fields.get(record, "truncated").ifPresent(t -> dockward.put("truncated", t));
    Fields.get(record, "truncated_unlisted").ifPresent(n -> dockward.put("truncated_unlisted", n));
  }
}
