package dev.dockward.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A process seen for the first time (type {@code exec}). The /proc scan finds it after the fact
 * ({@code source = proc_scan}); a real-time source reports it at exec. Both give its {@code origin}
 * (runtime binary and ancestors) when they can tell it.
 */
public record ProcessObserved(Instant time, String source, ProcessInfo proc, Optional<ContainerInfo> container,
    ProcessOrigin origin) implements Event {
  public ProcessObserved {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(origin, "origin");
  }

  /** A process whose origin is unknown. */
  public ProcessObserved(Instant time, String source, ProcessInfo proc, Optional<ContainerInfo> container) {
    this(time, source, proc, container, ProcessOrigin.UNKNOWN);
  }

  @Override public String type() { return "exec"; }
  @Override public Optional<ProcessInfo> process() { return Optional.of(proc); }
  @Override public Event withContainer(ContainerInfo c) {
    return new ProcessObserved(time, source, proc, Optional.of(c), origin);
  }
  @Override public void putFields(Map<String, Object> record) {} // all of it is in the process object

  /** The process object with its {@code origin}: runtime, parent and ancestors, each when known. */
  @Override
  public Optional<Map<String, Object>> processDocument() {
    Map<String, Object> process = EventDocuments.process(proc);
    origin.putInto(process);
    return Optional.of(process);
  }
}
