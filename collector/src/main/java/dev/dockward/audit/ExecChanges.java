package dev.dockward.audit;

import dev.dockward.event.CapabilityChanged;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.event.NamespaceChanged;
import dev.dockward.event.ProcessInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The namespace and capability changes an audited exec shows against the same process's previous
 * exec (same pid and start time): nsenter's setns or unshare before it executes its command, file
 * capabilities gained by the program. While audit reports execs the netlink source no longer reads
 * them, so the comparison it made at each exec is made here, on what this source read. Bounded: the
 * least recently executed processes are forgotten first. Used by one thread.
 */
final class ExecChanges {
  private static final List<String> NAMESPACE_ORDER =
      List.of("mnt", "pid", "net", "uts", "ipc", "user", "cgroup", "time");

  /** What a process's previous exec showed. */
  private record Seen(
      long startTime,
      Map<String, Long> namespaces,
      Optional<List<String>> hostNamespaces,
      OptionalLong capEff) {}

  private final Map<Integer, Seen> byPid;

  ExecChanges(int capacity) {
    this.byPid =
        new LinkedHashMap<>(1024, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Integer, Seen> eldest) {
            return size() > capacity;
          }
        };
  }

  /**
   * The changes since the process's previous exec, in the order namespace, capability (none when it
   * was not seen before, or the pid now names another process); remembers {@code now}. A process
   * read without its start time (gone before it was read) is neither compared nor kept.
   */
  List<Event> at(Instant time, ProcessInfo now, Optional<ContainerInfo> container) {
    if (now.startTime() <= 0 || now.namespaces().isEmpty()) {
      return List.of();
    }
    Seen before =
        byPid.put(
            now.pid(),
            new Seen(now.startTime(), now.namespaces(), now.hostNamespaces(), now.capEff()));
    if (before == null || before.startTime() != now.startTime()) {
      return List.of();
    }
    List<Event> out = new ArrayList<>(2);
    List<String> changed = new ArrayList<>();
    for (String kind : NAMESPACE_ORDER) {
      Long old = before.namespaces().get(kind);
      Long current = now.namespaces().get(kind);
      if (old != null && current != null && !old.equals(current)) {
        changed.add(kind);
      }
    }
    if (!changed.isEmpty()) {
      out.add(
          new NamespaceChanged(
              time,
              AuditExecSource.NAME,
              now,
              before.namespaces(),
              changed,
              before.hostNamespaces(),
              container));
    }
    if (before.capEff().isPresent()
        && now.capEff().isPresent()
        && before.capEff().getAsLong() != now.capEff().getAsLong()) {
      out.add(
          new CapabilityChanged(
              time, AuditExecSource.NAME, now, before.capEff().getAsLong(), container));
    }
    return out;
  }
}
