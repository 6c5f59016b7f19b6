package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A process in a container opened a sensitive file (type {@code file_open}): one of the container's
 * own credentials files (its {@code /etc/shadow}, SSH keys, secrets) or one of the host's reached
 * through a bind mount. Reported from the open itself, whatever program opened it.
 *
 * @param proc the opening process as read when the open was reported, if it was still there
 * @param pid the opening process's pid on the host
 * @param path the file as the container names it, e.g. {@code /hostetc/shadow}; untrusted text
 * @param hostPath the host's file, e.g. {@code /etc/shadow}, when the opened file is one of the
 *     host's (reached through a bind mount); empty for the container's own copy
 * @param attributedBy how the container was told: {@code mount} (the mount the open went through),
 *     {@code process} (the opener's cgroup) or {@code mark} (the file is that container's own copy)
 */
public record FileOpened(
    Instant time,
    String source,
    Optional<ProcessInfo> proc,
    int pid,
    String path,
    Optional<String> hostPath,
    String attributedBy,
    Optional<ContainerInfo> container)
    implements Event {
  public FileOpened {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(hostPath, "hostPath");
    Objects.requireNonNull(attributedBy, "attributedBy");
    Objects.requireNonNull(container, "container");
  }

  @Override
  public String type() {
    return "file_open";
  }

  @Override
  public Optional<ProcessInfo> process() {
    return proc;
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new FileOpened(time, source, proc, pid, path, hostPath, attributedBy, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> open = new LinkedHashMap<>();
    open.put("path", path);
    hostPath.ifPresent(h -> open.put("host_path", h));
    open.put("pid", (long) pid);
    open.put("attributed_by", attributedBy);
    record.put("file_open", open);
  }
}
