package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A known process (same pid and start time) is in other namespaces than when the agent read it
 * before (type {@code namespace_change}): it called setns or unshare, as nsenter does before it
 * executes its command.
 *
 * @param proc the process as read now
 * @param previous its namespace inodes as read before
 * @param changed the kinds that differ, in the order mnt, pid, net, uts, ipc, user, cgroup
 * @param previousHostNamespaces the kinds in which it was in the host's namespace before (runc's
 *     init moving from the host's namespaces into a container's has them; a process creating new
 *     namespaces inside a container has not); absent when the host reference was unknown
 */
public record NamespaceChanged(
    Instant time,
    String source,
    ProcessInfo proc,
    Map<String, Long> previous,
    List<String> changed,
    Optional<List<String>> previousHostNamespaces,
    Optional<ContainerInfo> container)
    implements Event {
  public NamespaceChanged {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    previous = Map.copyOf(previous);
    changed = List.copyOf(changed);
    previousHostNamespaces = previousHostNamespaces.map(List::copyOf);
    Objects.requireNonNull(container, "container");
  }

  @Override
  public String type() {
    return "namespace_change";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return Optional.of(proc);
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new NamespaceChanged(
        time, source, proc, previous, changed, previousHostNamespaces, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("changed", List.copyOf(changed));
    change.put("previous", new TreeMap<>(previous));
    previousHostNamespaces.ifPresent(k -> change.put("previous_host_ns", List.copyOf(k)));
    record.put("namespace_change", change);
  }
}
