package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A process attached to another with ptrace (type {@code ptrace}). The tracer is the actor: it is
 * the event's process and its container is the event's container.
 *
 * @param tracer the tracing process as read, if it could be
 * @param tracerPid its pid
 * @param target the traced process as read, if it could be
 * @param targetPid its pid
 * @param targetContainerId the traced process's container id, empty for a host process
 */
public record ProcessTraced(
    Instant time,
    String source,
    Optional<ProcessInfo> tracer,
    int tracerPid,
    Optional<ProcessInfo> target,
    int targetPid,
    String targetContainerId,
    Optional<ContainerInfo> container)
    implements Event {
  public ProcessTraced {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(tracer, "tracer");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(targetContainerId, "targetContainerId");
    Objects.requireNonNull(container, "container");
  }

  @Override
  public String type() {
    return "ptrace";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return tracer;
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new ProcessTraced(
        time, source, tracer, tracerPid, target, targetPid, targetContainerId, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> ptrace = new LinkedHashMap<>();
    ptrace.put("tracer_pid", (long) tracerPid);
    ptrace.put("target_pid", (long) targetPid);
    target.ifPresent(p -> ptrace.put("target", EventDocuments.process(p)));
    ptrace.put("target_container_id", targetContainerId);
    record.put("ptrace", ptrace);
  }
}
