package dev.dockward.cgroup;

import java.util.Objects;
import java.util.Set;

/**
 * A mounted cgroup hierarchy, from one line of {@code /proc/self/mountinfo}.
 *
 * @param version 1 ({@code cgroup}) or 2 ({@code cgroup2})
 * @param controllers the v1 controllers bound to the hierarchy ({@code cpu}, {@code cpuacct},
 *     {@code name=systemd}, …); empty for v2
 * @param root the directory of the hierarchy the mount shows, usually {@code /}
 * @param mountPoint where it is mounted, as the kernel writes it, e.g. {@code
 *     /sys/fs/cgroup/memory}
 */
public record CgroupMount(int version, Set<String> controllers, String root, String mountPoint) {
  public CgroupMount {
    controllers = Set.copyOf(controllers);
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(mountPoint, "mountPoint");
  }
}
