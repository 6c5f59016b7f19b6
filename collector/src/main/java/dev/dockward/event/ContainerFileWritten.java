package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A container process wrote a file of its own root file system at a place where a written file is
 * run or trusted (type {@code container_file_write}): the system configuration, binary and library
 * directories, the loader's preload list, cron, shell start-up files, SSH authorized keys. Writes
 * elsewhere in the container, to volumes and to bind mounts (see {@link HostFileWritten}) are not
 * reported as this kind.
 *
 * @param proc the writing process as read when the write was reported, if it was still there
 * @param pid the writing process's pid on the host
 * @param path the file as the container names it, e.g. {@code /etc/ld.so.preload}; untrusted text
 * @param category what kind of place: {@code loader_preload}, {@code ssh_keys}, {@code cron},
 *     {@code shell_rc}, {@code binaries}, {@code libraries} or {@code etc}
 */
public record ContainerFileWritten(
    Instant time,
    String source,
    Optional<ProcessInfo> proc,
    int pid,
    String path,
    String category,
    Optional<ContainerInfo> container)
    implements Event {
  public ContainerFileWritten {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(container, "container");
  }

  @Override
  public String type() {
    return "container_file_write";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return proc;
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new ContainerFileWritten(time, source, proc, pid, path, category, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> write = new LinkedHashMap<>();
    write.put("path", path);
    write.put("category", category);
    write.put("pid", (long) pid);
    record.put("container_file_write", write);
  }
}
