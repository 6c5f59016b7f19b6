package dev.dockward.rules;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CEL variables for one event document. {@code proc} and {@code container} are the document's
 * objects laid over defaults, so {@code container.id != ""} is simply false for a host event and a
 * condition does not fail on a key the collector left out. A process without {@code program}
 * (journals of earlier versions, hand-written events) reads its {@code name} there, so a rule on
 * {@code proc.program} still sees what a rule on {@code proc.name} saw.
 */
final class EventVariables {
  /** A parent the source did not know: no name, no runtime, so no exception on it applies. */
  private static final Map<String, Object> PARENT_DEFAULTS =
      Map.of("pid", 0L, "name", "", "exe", "", "program", "", "cmdline", "", "runtime", "");

  // uid/euid default to -1, not 0: a missing uid must never look like root.
  private static final Map<String, Object> PROC_DEFAULTS =
      Map.ofEntries(
          Map.entry("pid", 0L),
          Map.entry("ppid", 0L),
          Map.entry("start_time", 0L),
          Map.entry("name", ""),
          Map.entry("program", ""),
          Map.entry("exe", ""),
          Map.entry("cmdline", ""),
          Map.entry("uid", -1L),
          Map.entry("euid", -1L),
          Map.entry("cap_eff", ""),
          Map.entry("namespaces", Map.of()),
          Map.entry("cgroup", ""),
          // no host reference: in no host namespace, so no escape rule fires on a guess
          Map.entry("host_ns", List.of()),
          // descriptors not read: no kind, so no rule on them fires on a guess
          Map.entry("stdio", List.of()),
          // environment not read (a host process, the audit source for a process already gone)
          Map.entry("loader_env", Map.of()),
          // image not inspected, or it sets none: every variable counts as given to the process
          Map.entry("loader_env_from_image", List.of()),
          // runtime binary, parent and ancestors: known for execs seen in real time only
          Map.entry("runtime", ""),
          Map.entry("parent", PARENT_DEFAULTS),
          Map.entry("ancestors", List.of()));
  private static final Map<String, Object> CONTAINER_DEFAULTS =
      Map.ofEntries(
          Map.entry("id", ""),
          Map.entry("name", ""),
          Map.entry("image", ""),
          Map.entry("image_id", ""),
          Map.entry("labels", Map.of()),
          Map.entry("privileged", false),
          Map.entry("cap_add", List.of()),
          Map.entry("cap_drop", List.of()),
          Map.entry("mounts", List.of()),
          Map.entry("pid_mode", ""),
          Map.entry("network_mode", ""),
          Map.entry("ipc_mode", ""),
          Map.entry("uts_mode", ""),
          Map.entry("userns_mode", ""),
          Map.entry("cgroupns_mode", ""),
          Map.entry("security_opt", List.of()),
          Map.entry("limits", Map.of()),
          Map.entry("networks", Map.of()),
          Map.entry("ports", List.of()),
          Map.entry("devices", List.of()));

  private EventVariables() {}

  /** Variables for conditions, exceptions and evidence. */
  static Map<String, Object> forConditions(
      Map<String, Object> event, Map<String, List<Object>> lists) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("event", event);
    vars.put("proc", overlay(PROC_DEFAULTS, withProgram(event.get("process"))));
    vars.put("container", overlay(CONTAINER_DEFAULTS, event.get("container")));
    vars.put("host", mapOrEmpty(event.get("host")));
    vars.put("flow", mapOrEmpty(event.get("flow")));
    vars.put("res", mapOrEmpty(event.get("res")));
    vars.put("lists", lists);
    return vars;
  }

  /**
   * Variables for the output template: the document's own objects without defaults, so an absent
   * value prints {@code <none>} rather than a made-up empty one.
   */
  static Map<String, Object> forOutput(Map<String, Object> event, Map<String, Object> evidence) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("event", event);
    vars.put("proc", withProgram(event.get("process")));
    vars.put("container", mapOrEmpty(event.get("container")));
    vars.put("host", mapOrEmpty(event.get("host")));
    vars.put("flow", mapOrEmpty(event.get("flow")));
    vars.put("res", mapOrEmpty(event.get("res")));
    vars.put("evidence", evidence);
    return vars;
  }

  /** The process, with its {@code name} as {@code program} when the record has no program. */
  private static Map<String, Object> withProgram(Object process) {
    Map<String, Object> p = mapOrEmpty(process);
    Object name = p.get("name");
    if (p.containsKey("program") || !(name instanceof String)) {
      return p;
    }
    return new Overlay(Map.of("program", name), p);
  }

  private static Map<String, Object> overlay(Map<String, Object> defaults, Object actual) {
    return new Overlay(defaults, mapOrEmpty(actual));
  }

  /**
   * {@code actual} laid over {@code defaults}, read in place: conditions only look keys up, so no
   * merged copy is made per event unless something iterates it (then once, in the order a merged
   * {@link LinkedHashMap} had). The document holds no null values (normalised). A map with defaults
   * of its own ({@code proc.parent}) is laid over them in turn.
   */
  private static final class Overlay extends AbstractMap<String, Object> {
    private final Map<String, Object> defaults;
    private final Map<String, Object> actual;
    private Map<String, Object> merged;

    Overlay(Map<String, Object> defaults, Map<String, Object> actual) {
      this.defaults = defaults;
      this.actual = actual;
    }

    @Override
    public Object get(Object key) {
      Object value = actual.get(key);
      Object fallback = defaults.get(key);
      if (value instanceof Map && fallback instanceof Map && !((Map<?, ?>) fallback).isEmpty()) {
        return overlay(mapOrEmpty(fallback), value);
      }
      return value != null ? value : fallback;
    }

    @Override
    public boolean containsKey(Object key) {
      return actual.containsKey(key) || defaults.containsKey(key);
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
      if (merged == null) {
        Map<String, Object> m = new LinkedHashMap<>(defaults);
        for (String key : actual.keySet()) {
          m.put(key, get(key));
        }
        merged = Collections.unmodifiableMap(m);
      }
      return merged.entrySet();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapOrEmpty(Object value) {
    return value instanceof Map ? (Map<String, Object>) value : Map.of();
  }
}
