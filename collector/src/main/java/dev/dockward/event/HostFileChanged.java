package dev.dockward.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A host file that decides what the kernel runs as root changed (type {@code host_file_change}):
 * {@code /proc/sys/kernel/core_pattern}, a cgroup v1 hierarchy's {@code release_agent}, or a
 * {@code notify_on_release} flag. The values are written by whoever changed the file: untrusted.
 *
 * @param kind {@code core_pattern}, {@code release_agent} or {@code notify_on_release}
 * @param path the file as the agent read it (a container's mount is read through {@code /proc/<pid>/root})
 * @param previous the value read before, absent for a file the agent had not read yet
 * @param current the value read now, trailing newline removed
 * @param container the container whose mount holds the file, empty for the host's own files
 */
public record HostFileChanged(Instant time, String source, String kind, String path, Optional<String> previous,
    String current, Optional<ContainerInfo> container) implements Event {
  public HostFileChanged {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(container, "container");
  }

  @Override public String type() { return "host_file_change"; }
  @Override public Event withContainer(ContainerInfo c) {
    return new HostFileChanged(time, source, kind, path, previous, current, Optional.of(c));
  }
}
