package dev.dockward.cgroup;

import java.util.List;
import java.util.Objects;

/**
 * One line of {@code /proc/<pid>/cgroup}: {@code hierarchy-id:controllers:path}.
 *
 * @param hierarchyId the hierarchy's id; 0 for the cgroup v2 (unified) line
 * @param controllers the v1 controllers of the hierarchy ({@code memory}, {@code name=systemd}, …);
 *     empty for v2
 * @param path the process's cgroup, relative to the hierarchy's root (or to its cgroup namespace)
 */
public record CgroupLine(int hierarchyId, List<String> controllers, String path) {
  public CgroupLine {
    controllers = List.copyOf(controllers);
    Objects.requireNonNull(path, "path");
  }

  /** Whether this is the cgroup v2 line {@code 0::<path>}. */
  public boolean isV2() {
    return hierarchyId == 0 && controllers.isEmpty();
  }
}
