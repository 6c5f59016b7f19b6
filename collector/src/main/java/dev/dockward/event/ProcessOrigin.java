package dev.dockward.event;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a process source knew, when it reported a process, about where it comes from: the installed
 * container runtime binary it runs, if any, and its ancestors. {@code runtime} rests on facts the
 * process cannot choose (the file it runs is the installed binary, or an exact copy of it: see
 * {@code dev.dockward.proc.RuntimeBinaries}), unlike its name or command line.
 *
 * @param runtime the name of the installed runtime binary the process runs ({@code runc}, {@code
 *     containerd-shim}, {@code containerd-shim-runc-v2}, …)
 * @param ancestors parent first, at most {@link #MAX_ANCESTORS}; the chain ends at the first
 *     process the source does not know
 */
public record ProcessOrigin(Optional<String> runtime, List<ProcessRelative> ancestors) {
  /** The most ancestors an exec carries. */
  public static final int MAX_ANCESTORS = 5;

  /** Nothing known. */
  public static final ProcessOrigin UNKNOWN = new ProcessOrigin(Optional.empty(), List.of());

  public ProcessOrigin {
    Objects.requireNonNull(runtime, "runtime");
    ancestors = List.copyOf(ancestors);
    if (ancestors.size() > MAX_ANCESTORS) {
      ancestors = ancestors.subList(0, MAX_ANCESTORS);
    }
  }

  /** The parent, when known. */
  public Optional<ProcessRelative> parent() {
    return ancestors.isEmpty() ? Optional.empty() : Optional.of(ancestors.get(0));
  }

  /**
   * Adds the origin to an exec's process object: {@code runtime}, {@code parent} ({@code pid},
   * {@code name}, {@code exe}, {@code program}, {@code cmdline}, {@code runtime}) and {@code
   * ancestors} (parent first, each {@code pid}, {@code name}, {@code exe}, {@code program}, {@code
   * runtime}), each only when known.
   */
  void putInto(Map<String, Object> process) {
    runtime.ifPresent(r -> process.put("runtime", r));
    parent()
        .ifPresent(
            p -> {
              Map<String, Object> m = relative(p);
              m.put("cmdline", p.cmdline());
              if (p.cmdlineTruncated()) {
                m.put("cmdline_truncated", true);
              }
              p.runtime()
                  .ifPresent(r -> m.put("runtime", r)); // after cmdline: the order of the schema
              process.put("parent", m);
            });
    if (!ancestors.isEmpty()) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (ProcessRelative a : ancestors) {
        Map<String, Object> m = relative(a);
        a.runtime().ifPresent(r -> m.put("runtime", r));
        list.add(m);
      }
      process.put("ancestors", list);
    }
  }

  private static Map<String, Object> relative(ProcessRelative r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pid", (long) r.pid());
    m.put("name", r.name());
    m.put("exe", r.exe());
    m.put("program", r.program());
    return m;
  }
}
