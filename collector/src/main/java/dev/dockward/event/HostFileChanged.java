package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A host file that decides what the kernel runs as root changed (type {@code host_file_change}):
 * {@code /proc/sys/kernel/core_pattern}, a cgroup v1 hierarchy's {@code release_agent}, a {@code
 * notify_on_release} flag, or the kernel's module list. The values are written by whoever changed
 * the file: untrusted.
 *
 * @param kind {@code core_pattern}, {@code release_agent}, {@code notify_on_release} or {@code
 *     kernel_modules}
 * @param path the file as the agent read it (a container's mount is read through {@code
 *     /proc/<pid>/root})
 * @param previous the value read before, absent for a file the agent had not read yet (and for
 *     {@code kernel_modules})
 * @param current the value read now, trailing newline removed; for {@code kernel_modules} the names
 *     of the modules loaded since the previous read, comma-separated
 * @param container the container whose mount holds the file, or whose module loader ran while
 *     modules appeared; empty for the host's own
 * @param proc the process that made the change, when known (a module loader alive at the time)
 */
public record HostFileChanged(
    Instant time,
    String source,
    String kind,
    String path,
    Optional<String> previous,
    String current,
    Optional<ContainerInfo> container,
    Optional<ProcessInfo> proc)
    implements Event {
  /** A change whose process is not known. */
  public HostFileChanged(
      Instant time,
      String source,
      String kind,
      String path,
      Optional<String> previous,
      String current,
      Optional<ContainerInfo> container) {
    this(time, source, kind, path, previous, current, container, Optional.empty());
  }

  public HostFileChanged {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(proc, "proc");
  }

  @Override
  public String type() {
    return "host_file_change";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return proc;
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new HostFileChanged(time, source, kind, path, previous, current, Optional.of(c), proc);
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("kind", kind);
    file.put("path", path);
    previous.ifPresent(v -> file.put("previous", v));
    file.put("current", current);
    record.put("file", file);
  }
}
