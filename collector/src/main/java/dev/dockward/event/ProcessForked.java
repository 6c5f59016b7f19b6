package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A process made a new process (type {@code fork}). The child is a copy of the parent until it
 * executes something, so the event carries the parent as its process, when known, and the child's
 * pid.
 *
 * @param parent the parent as last read, if the agent knows it
 * @param parentPid the parent's pid (always known from the kernel)
 * @param childPid the new process's pid
 */
public record ProcessForked(
    Instant time,
    String source,
    Optional<ProcessInfo> parent,
    int parentPid,
    int childPid,
    Optional<ContainerInfo> container)
    implements Event {
  public ProcessForked {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(container, "container");
  }

  @Override
  public String type() {
    return "fork";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return parent;
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new ProcessForked(time, source, parent, parentPid, childPid, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> fork = new LinkedHashMap<>();
    fork.put("parent_pid", (long) parentPid);
    fork.put("child_pid", (long) childPid);
    record.put("fork", fork);
  }
}
