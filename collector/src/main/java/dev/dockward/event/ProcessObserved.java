package dev.dockward.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A process seen for the first time (type {@code exec}). The /proc scan finds it after the fact
 * ({@code source = proc_scan}); a real-time source reports it at exec. Both give its {@code origin}
 * (runtime binary and ancestors) when they can tell it.
 *
 * @param execFile the file the exec opened, as recorded at exec time, when a sensor recorded it
 * @param exeSource where {@code proc.exe} came from, when the source says
 */
public record ProcessObserved(
    Instant time,
    String source,
    ProcessInfo proc,
    Optional<ContainerInfo> container,
    ProcessOrigin origin,
    Optional<ExecFile> execFile,
    Optional<ExeSource> exeSource)
    implements Event {
  public ProcessObserved {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(execFile, "execFile");
    Objects.requireNonNull(exeSource, "exeSource");
  }

  /** A process whose exec file was not recorded and whose exe's source is not said. */
  public ProcessObserved(
      Instant time,
      String source,
      ProcessInfo proc,
      Optional<ContainerInfo> container,
      ProcessOrigin origin) {
    this(time, source, proc, container, origin, Optional.empty(), Optional.empty());
  }

  /** A process whose origin is unknown. */
  public ProcessObserved(
      Instant time, String source, ProcessInfo proc, Optional<ContainerInfo> container) {
    this(time, source, proc, container, ProcessOrigin.UNKNOWN);
  }

  @Override
  public String type() {
    return "exec";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return Optional.of(proc);
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new ProcessObserved(time, source, proc, Optional.of(c), origin, execFile, exeSource);
  }

  @Override
  public void putFields(Map<String, Object> record) {} // all of it is in the process object

  /**
   * The process object with its {@code origin} (runtime, parent and ancestors), {@code exe_source}
   * and {@code exec_file}, each when known.
   */
  @Override
  public Optional<Map<String, Object>> processDocument() {
    Map<String, Object> process = EventDocuments.process(proc);
    origin.putInto(process);
    exeSource.ifPresent(s -> process.put("exe_source", s.text()));
    execFile.ifPresent(f -> process.put("exec_file", f.document()));
    return Optional.of(process);
  }
}
