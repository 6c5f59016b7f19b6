package dev.dockward.agent.detect;

import dev.dockward.agent.pipeline.Detector;
import dev.dockward.proc.Ancestor;
import dev.dockward.proc.ProcessLineage;
import dev.dockward.proc.RecentProcesses;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Puts the ancestry of its process on every alert about one ({@code process.ancestors}: up to
 * {@link #MAX_ANCESTORS}, parent first, each {@code {pid, name, exe, cmdline}}). The processes of
 * the events that pass are remembered, so a parent that already exited still names the chain; what
 * was never seen is asked of {@code fallback} (the live /proc on a running agent, nothing in a
 * replay). The chain ends at the first ancestor neither knows.
 */
public final class AncestryEnricher extends ForwardingDetector {
  /** The most ancestors an alert carries. */
  public static final int MAX_ANCESTORS = 5;

  private final RecentProcesses recent;
  private final ProcessLineage lineage;

  /**
   * @param recent the processes seen lately; fed here from the events
   * @param fallback for processes not (or no longer) remembered
   */
  public AncestryEnricher(Detector inner, RecentProcesses recent, ProcessLineage fallback) {
    super(inner);
    this.recent = recent;
    this.lineage = recent.orElse(fallback);
  }

  @Override
  public List<Map<String, Object>> alertsFor(Map<String, Object> event, Supplier<String> alertIds) {
    remember(event);
    List<Map<String, Object>> alerts = inner.alertsFor(event, alertIds);
    if (alerts.isEmpty() || !(event.get("process") instanceof Map<?, ?> process)) {
      return alerts;
    }
    List<Map<String, Object>> ancestors = ancestorsOf(process);
    if (ancestors.isEmpty()) {
      return alerts;
    }
    List<Map<String, Object>> out = new ArrayList<>(alerts.size());
    for (Map<String, Object> alert : alerts) {
      out.add(
          alert.get("process") instanceof Map<?, ?> p ? withAncestors(alert, p, ancestors) : alert);
    }
    return out;
  }

  private void remember(Map<String, Object> event) {
    if ("fork".equals(event.get("type"))
        && event.get("fork") instanceof Map<?, ?> fork
        && fork.get("child_pid") instanceof Number child) {
      recent.forget(child.intValue()); // the pid is a new process now, known once it is read
    }
    if (event.get("process") instanceof Map<?, ?> p
        && p.get("pid") instanceof Number pid
        && p.get("start_time") instanceof Number start) {
      recent.remember(
          new Ancestor(
              pid.intValue(),
              intOr(p.get("ppid"), 0),
              start.longValue(),
              text(p.get("name")),
              text(p.get("exe")),
              text(p.get("cmdline")),
              Boolean.TRUE.equals(p.get("cmdline_truncated"))));
    }
  }

  /**
   * Each ancestor as {@code {pid, name, exe, program, cmdline}} ({@code cmdline_truncated} when
   * cut), {@code program} normalised as on the event side (the same {@link Ancestor#program}).
   */
  private List<Map<String, Object>> ancestorsOf(Map<?, ?> process) {
    int ppid = intOr(process.get("ppid"), 0);
    long start = process.get("start_time") instanceof Number n ? n.longValue() : Long.MAX_VALUE;
    List<Map<String, Object>> out = new ArrayList<>();
    for (Ancestor a : lineage.ancestors(ppid, start, MAX_ANCESTORS)) {
      recent.remember(a); // found in /proc now: still known when it has exited
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pid", (long) a.pid());
      m.put("name", a.name());
      m.put("exe", a.exe());
      m.put("program", a.program());
      m.put("cmdline", a.cmdline());
      if (a.cmdlineTruncated()) {
        m.put("cmdline_truncated", true);
      }
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> withAncestors(
      Map<String, Object> alert, Map<?, ?> process, List<Map<String, Object>> ancestors) {
    Map<String, Object> p = new LinkedHashMap<>();
    process.forEach((k, v) -> p.put(String.valueOf(k), v));
    p.put("ancestors", ancestors);
    Map<String, Object> copy = new LinkedHashMap<>(alert);
    copy.put("process", p);
    return copy;
  }

  private static int intOr(Object value, int fallback) {
    return value instanceof Number n ? n.intValue() : fallback;
  }

  private static String text(Object value) {
    return value == null ? "" : String.valueOf(value);
  }
}
