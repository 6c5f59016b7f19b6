package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A mount appeared in a container's mount namespace after the agent first read it, or one no
 * container starts with (type {@code container_mount}). Reported for cgroup file systems (mounting
 * one is the first step of the release_agent escape), for file systems of a block device of the
 * host, and for debugfs and tracefs.
 *
 * @param fsType {@code cgroup}, {@code cgroup2}, the block device's file system ({@code ext4}, …),
 *     {@code debugfs} or {@code tracefs}
 * @param mountPoint where it is mounted, inside the container
 * @param root the part of the file system mounted ({@code /} for a whole hierarchy)
 * @param options the super options, e.g. {@code rw,memory}
 * @param pid the container process whose mountinfo showed it
 * @param device for a file system on a block device of the host: the mount source (e.g. {@code
 *     /dev/loop3}; untrusted text) and the device's {@code major:minor}
 */
public record ContainerMountAdded(
    Instant time,
    String source,
    String fsType,
    String mountPoint,
    String root,
    String options,
    int pid,
    Optional<BlockDevice> device,
    Optional<ContainerInfo> container)
    implements Event {
  /** A block device of the host: as the mount names it, and its number. */
  public record BlockDevice(String name, String number) {
    public BlockDevice {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(number, "number");
    }
  }

  public ContainerMountAdded {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(fsType, "fsType");
    Objects.requireNonNull(mountPoint, "mountPoint");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(container, "container");
  }

  /** A mount of no block device (a cgroup, debugfs or tracefs). */
  public ContainerMountAdded(
      Instant time,
      String source,
      String fsType,
      String mountPoint,
      String root,
      String options,
      int pid,
      Optional<ContainerInfo> container) {
    this(time, source, fsType, mountPoint, root, options, pid, Optional.empty(), container);
  }

  @Override
  public String type() {
    return "container_mount";
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    return new ContainerMountAdded(
        time, source, fsType, mountPoint, root, options, pid, device, Optional.of(c));
  }

  @Override
  public void putFields(Map<String, Object> record) {
    Map<String, Object> mount = new LinkedHashMap<>();
    mount.put("fs_type", fsType);
    mount.put("mount_point", mountPoint);
    mount.put("root", root);
    mount.put("options", options);
    mount.put("pid", (long) pid);
    device.ifPresent(
        d -> {
          mount.put("device", d.name());
          mount.put("device_number", d.number());
        });
    record.put("mount", mount);
  }
}
