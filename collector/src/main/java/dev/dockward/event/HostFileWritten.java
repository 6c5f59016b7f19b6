package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A container process wrote a file that lives on the host, through one of the container's bind
 * mounts (type {@code host_file_write}): the file was opened for writing and then closed. Writes to
 * the container's own file system and to Docker volumes are not reported.
 *
 * @param proc the writing process as read when the write was reported, if it was still there
 * @param pid the writing process's pid on the host
 * @param path the file as the container names it, e.g. {@code /hostetc/crontab}; untrusted text
 * @param hostPath the same file on the host, e.g. {@code /etc/crontab}
 * @param mountSource the bind mount's host directory
 * @param mountDestination where the container sees it
 */
public record HostFileWritten(
    Instant time,
    String source,
    Optional<ProcessInfo> proc,
    int pid,
    String path,
    String hostPath,
    String mountSource,
    String mountDestination,
    Optional<ContainerInfo> container)
    implements Event {
  public HostFileWritten {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(hostPath, "hostPath");
    Objects.requireNonNull(mountSource, "mountSource");
    Objects.requireNonNull(mountDestination, "mountDestination");
    Objects.requireNonNull(container, "container");
  }

  @Override
  public String type() {
    return "host_file_write";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return proc;
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new HostFileWritten(
        time, source, proc, pid, path, hostPath, mountSource, mountDestination, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> write = new LinkedHashMap<>();
    write.put("path", path);
    write.put("host_path", hostPath);
    write.put("mount_source", mountSource);
    write.put("mount_destination", mountDestination);
    write.put("pid", (long) pid);
    record.put("file_write", write);
  }
}
