package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A process asked to be traced by its parent, {@code ptrace(PTRACE_TRACEME)} (type {@code
 * ptrace_traceme}), from the audit subsystem: how a program stops a debugger from attaching to it
 * (a process has one tracer at most), and the first step of a debugger starting a program. The
 * process connector reports attaching ({@code ptrace} events), not this request.
 *
 * @param proc the process that asked
 * @param tracerPid the parent it asked to be traced by
 */
public record TraceRequested(
    Instant time,
    String source,
    Optional<ProcessInfo> proc,
    int tracerPid,
    Optional<ContainerInfo> container)
    implements Event {
  public TraceRequested {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(container, "container");
  }

  @Override
  public String type() {
    return "ptrace_traceme";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return proc;
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new TraceRequested(time, source, proc, tracerPid, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> ptrace = new LinkedHashMap<>();
    ptrace.put("request", "traceme");
    ptrace.put("tracer_pid", (long) tracerPid);
    record.put("ptrace", ptrace);
  }
}
