package dev.dockward.agent.ship.format;

import dev.dockward.agent.AgentVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Native records as OCSF 1.4.0 events: an alert as a Detection Finding (class 2004, activity
 * Create), an agent lifecycle record as an Application Lifecycle event (class 6002).
 * docs/output-formats.md lists the mapping attribute by attribute; OcsfSchemaTest checks every
 * sample record against the schema's facts.
 */
final class OcsfMapper {
  static final String VERSION = "1.4.0";
  static final int FINDINGS = 2;
  static final int DETECTION_FINDING = 2004;
  static final int APPLICATION_ACTIVITY = 6;
  static final int APPLICATION_LIFECYCLE = 6002;
  static final int CREATE = 1;

  /** Severity captions by id, as OCSF's {@code severity_id} enum names them. */
  private static final List<String> SEVERITIES =
      List.of("Unknown", "Informational", "Low", "Medium", "High", "Critical");

  private final AttackTechniques attack;
  private final RuleDescriptions descriptions;

  OcsfMapper(AttackTechniques attack, RuleDescriptions descriptions) {
    this.attack = attack;
    this.descriptions = descriptions;
  }

  Map<String, Object> detectionFinding(Map<String, Object> alert) {
    Map<String, Object> f = new LinkedHashMap<>();
    classify(f, FINDINGS, "Findings", DETECTION_FINDING, "Detection Finding", CREATE, "Create");
    int severity = Fields.severityLevel(Fields.text(alert, "severity"));
    f.put("severity_id", severity);
    f.put("severity", SEVERITIES.get(severity));
    f.put("time", Fields.epochMillis(alert));
    f.put("timezone_offset", 0); // the agent writes UTC
    f.put("message", Fields.text(alert, "summary"));
    f.put("status_id", 1);
    f.put("status", "New");
    f.put("is_alert", true);
    // Rules state no confidence; OCSF recommends the attribute, so it says so.
    f.put("confidence_id", 0);
    f.put("confidence", "Unknown");
    // Security control profile: the agent observes and does not block.
    f.put("action_id", 3);
    f.put("action", "Observed");
    f.put("disposition_id", 15);
    f.put("disposition", "Detected");
    Fields.get(alert, "suppressed").ifPresent(n -> f.put("count", Fields.occurrences(n)));
    f.put("metadata", metadata(alert, List.of("security_control")));

    String rule = Fields.text(alert, "rule");
    Optional<String> description = descriptions.of(rule).filter(d -> !d.isBlank());
    Map<String, Object> analytic = new LinkedHashMap<>();
    analytic.put("uid", rule);
    analytic.put("name", rule);
    analytic.put("type_id", 1);
    analytic.put("type", "Rule");
    description.ifPresent(d -> analytic.put("desc", d));
    Fields.get(Fields.map(alert.get("ruleset")), "digest")
        .ifPresent(d -> analytic.put("version", d));
    List<Object> attacks = attacks(alert);
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("uid", Fields.text(alert, "id"));
    info.put("title", Fields.text(alert, "summary"));
    info.put("desc", description.orElse(Fields.text(alert, "summary")));
    info.put("analytic", analytic);
    List<String> types = Fields.plainTags(alert);
    if (!types.isEmpty()) {
      info.put("types", types);
    }
    if (!attacks.isEmpty()) {
      info.put("attacks", attacks);
    }
    f.put("finding_info", info);
    if (!attacks.isEmpty()) {
      f.put("attacks", attacks); // the security control profile's copy
    }

    Map<String, Object> host = Fields.map(alert.get("host"));
    f.put("device", device(host, Fields.map(host.get("os"))));

    Map<String, Object> evidence = new LinkedHashMap<>();
    Map<String, Object> container = Fields.map(alert.get("container"));
    if (!container.isEmpty()) {
      evidence.put("container", container(container));
      Map<String, Object> resource = new LinkedHashMap<>();
      resource.put("uid", Fields.text(container, "id"));
      Fields.get(container, "name").ifPresent(n -> resource.put("name", n));
      resource.put("type", "container");
      f.put("resources", List.of(resource));
    }
    Map<String, Object> process = Fields.map(alert.get("process"));
    if (!process.isEmpty()) {
      evidence.put("process", process(process));
    }
    Fields.evidenceFile(alert).ifPresent(path -> evidence.put("file", file(path)));
    evidence.put("data", alert.getOrDefault("evidence", Map.of()));
    f.put("evidences", List.of(evidence));
    f.put("observables", observables(host, container, process));

    Map<String, Object> unmapped = new LinkedHashMap<>();
    unmapped.put("dockward_schema", alert.getOrDefault("schema", 1L));
    unmapped.put("rule", rule);
    Fields.get(alert, "ruleset").ifPresent(r -> unmapped.put("dockward_ruleset", r));
    Fields.get(alert, "suppressed").ifPresent(n -> unmapped.put("dockward_suppressed", n));
    marks(alert, unmapped);
    f.put("unmapped", unmapped);
    return f;
  }

  /**
   * {@code agent_started} Start, {@code agent_stopped} Stop, others (heartbeat, journal overflow)
   * Other.
   */
  Map<String, Object> applicationLifecycle(Map<String, Object> record) {
    String type = Fields.text(record, "type");
    int activity;
    String activityName;
    switch (type) {
      case "agent_started":
        activity = 3;
        activityName = "Start";
        break;
      case "agent_stopped":
        activity = 4;
        activityName = "Stop";
        break;
      default:
        activity = 99;
        activityName = Fields.phaseName(type);
        break;
    }
    Map<String, Object> f = new LinkedHashMap<>();
    classify(
        f,
        APPLICATION_ACTIVITY,
        "Application Activity",
        APPLICATION_LIFECYCLE,
        "Application Lifecycle",
        activity,
        activityName);
    // Records deleted before any sink shipped them deserve a look; the other phases are routine.
    boolean overflow = type.equals("agent_journal_overflow");
    f.put("severity_id", overflow ? 3 : 1);
    f.put("severity", overflow ? "Medium" : "Informational");
    f.put("time", Fields.epochMillis(record));
    f.put("timezone_offset", 0);
    Map<String, Object> agent = Fields.map(record.get("agent"));
    f.put("message", Fields.lifecycleMessage(type, agent));
    f.put("metadata", metadata(record, List.of("host")));
    f.put("app", product(Fields.text(agent, "version")));
    Map<String, Object> host = Fields.map(record.get("host"));
    f.put("device", device(host, osOfFacts(Fields.map(record.get("host_facts")))));
    f.put("observables", observables(host, Map.of(), Map.of()));
    Map<String, Object> unmapped = new LinkedHashMap<>();
    unmapped.put("dockward_schema", record.getOrDefault("schema", 1L));
    unmapped.put("dockward_type", type);
    unmapped.put("dockward_agent", agent);
    Fields.get(record, "host_facts").ifPresent(h -> unmapped.put("dockward_host_facts", h));
    marks(record, unmapped);
    f.put("unmapped", unmapped);
    return f;
  }

  private static void classify(
      Map<String, Object> f,
      int category,
      String categoryName,
      int classUid,
      String className,
      int activity,
      String activityName) {
    f.put("activity_id", activity);
    f.put("activity_name", activityName);
    f.put("category_uid", category);
    f.put("category_name", categoryName);
    f.put("class_uid", classUid);
    f.put("class_name", className);
    f.put("type_uid", (long) classUid * 100 + activity);
    f.put("type_name", className + ": " + activityName);
  }

  private static Map<String, Object> metadata(Map<String, Object> record, List<String> profiles) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("version", VERSION);
    metadata.put("product", product(AgentVersion.get()));
    metadata.put("profiles", profiles);
    metadata.put("uid", Fields.text(record, "id"));
    Fields.get(record, "event_id").ifPresent(e -> metadata.put("correlation_uid", e));
    metadata.put("original_time", Fields.text(record, "time"));
    return metadata;
  }

  private static Map<String, Object> product(String version) {
    Map<String, Object> product = new LinkedHashMap<>();
    product.put("name", "Dockward");
    product.put("vendor_name", "Dockward");
    product.put("version", version);
    return product;
  }

  /** One ATT&CK object per technique and tactic: OCSF 1.4 gives each object a single tactic. */
  private List<Object> attacks(Map<String, Object> alert) {
    List<Object> attacks = new ArrayList<>();
    for (String id : Fields.techniques(alert)) {
      Map<String, Object> technique = new LinkedHashMap<>();
      String parent = AttackTechniques.parentId(id);
      technique.put("uid", parent);
      attack.of(parent).ifPresent(t -> technique.put("name", t.name()));
      technique.put("src_url", AttackTechniques.techniqueUrl(parent));
      Map<String, Object> sub = null;
      if (AttackTechniques.isSubTechnique(id)) {
        sub = new LinkedHashMap<>();
        sub.put("uid", id);
        Map<String, Object> s = sub;
        attack.of(id).ifPresent(t -> s.put("name", t.name()));
        sub.put("src_url", AttackTechniques.techniqueUrl(id));
      }
      List<AttackTechniques.Tactic> tactics =
          attack.of(id).map(AttackTechniques.Technique::tactics).orElse(List.of());
      for (int i = 0; i < Math.max(1, tactics.size()); i++) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("technique", technique);
        if (sub != null) {
          a.put("sub_technique", sub);
        }
        if (i < tactics.size()) {
          AttackTechniques.Tactic t = tactics.get(i);
          a.put(
              "tactic",
              Map.of(
                  "uid", t.id(), "name", t.name(), "src_url", AttackTechniques.tacticUrl(t.id())));
        }
        a.put("version", AttackTechniques.VERSION);
        attacks.add(a);
      }
    }
    return attacks;
  }

  private static Map<String, Object> device(Map<String, Object> host, Map<String, Object> os) {
    Map<String, Object> device = new LinkedHashMap<>();
    device.put("hostname", Fields.text(host, "name"));
    device.put("uid", Fields.text(host, "id"));
    device.put("type_id", 1);
    device.put("type", "Server");
    if (!os.isEmpty()) {
      // OCSF's OS object requires name and type_id (200: Linux, the only OS the agent runs on).
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", Fields.get(os, "name").orElse("Linux"));
      o.put("type_id", 200);
      o.put("type", "Linux");
      Fields.get(os, "version").ifPresent(v -> o.put("version", v));
      Fields.get(os, "kernel").ifPresent(v -> o.put("kernel_release", v));
      device.put("os", o);
    }
    return device;
  }

  /**
   * The {@code host.os} shape ({@code name}, {@code version}, {@code kernel}) of agent_started's
   * facts.
   */
  private static Map<String, Object> osOfFacts(Map<String, Object> facts) {
    Map<String, Object> os = new LinkedHashMap<>();
    Fields.get(facts, "os_family").ifPresent(v -> os.put("name", v));
    Fields.get(facts, "os_version").ifPresent(v -> os.put("version", v));
    Fields.get(facts, "kernel_release").ifPresent(v -> os.put("kernel", v));
    return os;
  }

  private static Map<String, Object> container(Map<String, Object> container) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("uid", Fields.text(container, "id"));
    Fields.get(container, "name").ifPresent(n -> c.put("name", n));
    c.put("runtime", "docker");
    String digest = Fields.text(container, "image_id");
    String reference = Fields.text(container, "image");
    if (!digest.isEmpty()) {
      // The image's uid is required: without the digest the image is left out (its reference stays
      // in tags).
      Map<String, Object> image = new LinkedHashMap<>();
      image.put("uid", digest);
      if (!reference.isEmpty()) {
        ImageReference ref = ImageReference.parse(reference);
        image.put("name", ref.name());
        ref.tag().ifPresent(t -> image.put("tags", List.of(keyValue("tag", t))));
      }
      c.put("image", image);
    }
    List<Object> tags = new ArrayList<>();
    if (digest.isEmpty() && !reference.isEmpty()) {
      tags.add(keyValue("image", reference));
    }
    Fields.map(container.get("labels")).forEach((k, v) -> tags.add(keyValue(k, String.valueOf(v))));
    if (!tags.isEmpty()) {
      c.put("tags", tags);
    }
    return c;
  }

  private static Map<String, Object> keyValue(String name, String value) {
    Map<String, Object> kv = new LinkedHashMap<>();
    kv.put("name", name);
    kv.put("value", value);
    return kv;
  }

  /**
   * The process, its parent one level deep, and every known ancestor in {@code ancestry}, parent
   * first.
   */
  private static Map<String, Object> process(Map<String, Object> process) {
    Map<String, Object> p = new LinkedHashMap<>();
    Fields.get(process, "pid").ifPresent(v -> p.put("pid", v));
    p.put("name", Fields.text(process, "name"));
    p.put("cmd_line", Fields.text(process, "cmdline"));
    String exe = Fields.text(process, "exe");
    if (!exe.isEmpty()) {
      p.put("path", exe);
      p.put("file", file(exe));
    }
    Fields.get(process, "uid").ifPresent(v -> p.put("user", Map.of("uid", String.valueOf(v))));
    List<Map<String, Object>> ancestors = Fields.list(process, "ancestors");
    if (!ancestors.isEmpty()) {
      Map<String, Object> parent = ancestor(ancestors.get(0));
      Fields.get(ancestors.get(0), "exe")
          .map(String::valueOf)
          .filter(e -> !e.isEmpty())
          .ifPresent(e -> parent.put("file", file(e)));
      p.put("parent_process", parent);
      p.put("ancestry", ancestors.stream().map(OcsfMapper::ancestor).toList());
    } else {
      Fields.get(process, "ppid").ifPresent(v -> p.put("parent_process", Map.of("pid", v)));
    }
    return p;
  }

  private static Map<String, Object> ancestor(Map<String, Object> a) {
    Map<String, Object> p = new LinkedHashMap<>();
    Fields.get(a, "pid").ifPresent(v -> p.put("pid", v));
    p.put("name", Fields.text(a, "name"));
    p.put("cmd_line", Fields.text(a, "cmdline"));
    Fields.get(a, "exe")
        .map(String::valueOf)
        .filter(e -> !e.isEmpty())
        .ifPresent(e -> p.put("path", e));
    return p;
  }

  /**
   * An executable, or the file an alert is about: a regular file (type_id 1), named by the last
   * part of its path.
   */
  private static Map<String, Object> file(String path) {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("name", Fields.baseName(path));
    file.put("path", path);
    file.put("type_id", 1);
    file.put("type", "Regular File");
    return file;
  }

  /**
   * The values an analyst pivots on: host name, process name, pid, command line, executable,
   * container.
   */
  private static List<Object> observables(
      Map<String, Object> host, Map<String, Object> container, Map<String, Object> process) {
    List<Object> out = new ArrayList<>();
    out.add(observable("device.hostname", 1, "Hostname", Fields.text(host, "name")));
    if (!container.isEmpty()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", "evidences.container");
      o.put("type_id", 27);
      o.put("type", "Container");
      out.add(o);
    }
    if (!process.isEmpty()) {
      out.add(
          observable("evidences.process.name", 9, "Process Name", Fields.text(process, "name")));
      Fields.get(process, "pid")
          .ifPresent(
              pid ->
                  out.add(
                      observable("evidences.process.pid", 15, "Process ID", String.valueOf(pid))));
      out.add(
          observable(
              "evidences.process.cmd_line", 13, "Command Line", Fields.text(process, "cmdline")));
      String exe = Fields.text(process, "exe");
      if (!exe.isEmpty()) {
        out.add(observable("evidences.process.file.name", 7, "File Name", Fields.baseName(exe)));
      }
    }
    return out;
  }

  private static Map<String, Object> observable(
      String name, int typeId, String type, String value) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("name", name);
    o.put("type_id", typeId);
    o.put("type", type);
    o.put("value", value);
    return o;
  }

  private static void marks(Map<String, Object> record, Map<String, Object> unmapped) {
    Fields.get(record, "schema_errors").ifPresent(e -> unmapped.put("dockward_schema_errors", e));
    Fields.get(record, "truncated").ifPresent(t -> unmapped.put("dockward_truncated", t));
    Fields.get(record, "truncated_unlisted")
        .ifPresent(n -> unmapped.put("dockward_truncated_unlisted", n));
  }
}
