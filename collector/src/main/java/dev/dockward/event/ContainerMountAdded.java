package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A mount appeared in a container's mount namespace after the agent first read it, or one no
 * container starts with (type {@code container_mount}). Reported for cgroup file systems: mounting
 * one is the first step of the release_agent escape.
 *
 * @param fsType {@code cgroup} or {@code cgroup2}
 * @param mountPoint where it is mounted, inside the container
 * @param root the part of the file system mounted ({@code /} for a whole hierarchy)
 * @param options the super options, e.g. {@code rw,memory}
 * @param pid the container process whose mountinfo showed it
 */
public record ContainerMountAdded(Instant time, String source, String fsType, String mountPoint, String root,
    String options, int pid, Optional<ContainerInfo> container) implements Event {
  public ContainerMountAdded {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(fsType, "fsType");
    Objects.requireNonNull(mountPoint, "mountPoint");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(container, "container");
  }

  @Override public String type() { return "container_mount"; }
  @Override public Event withContainer(ContainerInfo c) {
    return new ContainerMountAdded(time, source, fsType, mountPoint, root, options, pid, Optional.of(c));
  }
  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> mount = new LinkedHashMap<>();
    mount.put("fs_type", fsType);
    mount.put("mount_point", mountPoint);
    mount.put("root", root);
    mount.put("options", options);
    mount.put("pid", (long) pid);
    record.put("mount", mount);
  }
}
