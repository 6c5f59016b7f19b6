package dev.dockward.cgroup;

import java.util.Objects;

/**
 * One line of {@code /proc/<pid>/mountinfo}, any file system type.
 *
 * @param device the {@code major:minor} of the file system's device ({@code 0:…} for those without
 *     one)
 * @param root the directory of the file system the mount shows
 * @param mountPoint where it is mounted, unescaped
 * @param fsType e.g. {@code ext4}, {@code debugfs}
 * @param source the mount source as the mounter gave it, e.g. {@code /dev/loop3}; untrusted text
 * @param options the super options, e.g. {@code rw,relatime}; empty when the line has none
 */
public record MountEntry(
    int id,
    String device,
    String root,
    String mountPoint,
    String fsType,
    String source,
    String options) {
  public MountEntry {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(mountPoint, "mountPoint");
    Objects.requireNonNull(fsType, "fsType");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(options, "options");
  }
}
