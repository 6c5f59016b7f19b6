package dev.dockward.cgroup;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the container a process belongs to from its cgroup path, for the container runtimes' naming
 * schemes:
 *
 * <ul>
 *   <li>cgroupfs driver: {@code /docker/<id>}, containerd {@code /<ns>/<id>} under a {@code
 *       containerd}, {@code default} or {@code moby} parent, Kubernetes {@code
 *       /kubepods/<qos>/pod<uid>/<id>};
 *   <li>systemd driver: {@code …/docker-<id>.scope}, {@code …/cri-containerd-<id>.scope}, {@code
 *       …/crio-<id>.scope}.
 * </ul>
 *
 * <p>The id is exactly 64 lowercase hex characters. For a container inside a container (e.g. {@code
 * /docker/<outer>/docker/<inner>}) the innermost id is the answer: the path is read from its end,
 * and the first segment that names a container wins.
 */
public final class ContainerIdResolver {
  private static final int ID_LENGTH = 64;

  /** Parents under which the cgroupfs driver puts a container's bare id. */
  private static final Set<String> BARE_ID_PARENTS =
      Set.of("docker", "moby", "containerd", "default");

  /** Prefixes of the systemd driver's scope units, each followed by {@code <id>.scope}. */
  private static final List<String> SCOPE_PREFIXES = List.of("docker-", "cri-containerd-", "crio-");

  private static final String SCOPE_SUFFIX = ".scope";

  /** v1 controllers, best first, whose path names the container when the v2 line does not. */
  private static final List<String> V1_PREFERENCE =
      List.of("pids", "memory", "cpu", "cpuacct", "name=systemd");

  private ContainerIdResolver() {}

  /** The innermost container id named by {@code cgroupPath}, or empty for the host. */
  public static Optional<String> containerId(String cgroupPath) {
    String[] segments = cgroupPath.split("/");
    for (int i = segments.length - 1; i >= 0; i--) {
      String id = idOf(segments[i], i > 0 ? segments[i - 1] : "");
      if (id != null) {
        return Optional.of(id);
      }
    }
    return Optional.empty();
  }

  /**
   * Of all lines of one {@code /proc/<pid>/cgroup} file, the one that names a container: the v2
   * line if it does, else the v1 lines in the order pids, memory, cpu, cpuacct, name=systemd, else
   * any other line that does. Empty when none does (a host process).
   */
  public static Optional<CgroupLine> containerLine(List<CgroupLine> lines) {
    for (CgroupLine line : lines) {
      if (line.isV2() && containerId(line.path()).isPresent()) {
        return Optional.of(line);
      }
    }
    for (String controller : V1_PREFERENCE) {
      for (CgroupLine line : lines) {
        if (line.controllers().contains(controller) && containerId(line.path()).isPresent()) {
          return Optional.of(line);
        }
      }
    }
    for (CgroupLine line : lines) {
      if (containerId(line.path()).isPresent()) {
        return Optional.of(line);
      }
    }
    return Optional.empty();
  }

  private static String idOf(String segment, String parent) {
    if (isId(segment)) {
      return BARE_ID_PARENTS.contains(parent) || isKubernetesPod(parent) ? segment : null;
    }
    if (segment.endsWith(SCOPE_SUFFIX)) {
      for (String prefix : SCOPE_PREFIXES) {
        if (segment.startsWith(prefix)) {
          String id = segment.substring(prefix.length(), segment.length() - SCOPE_SUFFIX.length());
          return isId(id) ? id : null;
        }
      }
    }
    return null;
  }

  /**
   * {@code pod<uid>} under {@code /kubepods[/<qos>]}, as the kubelet's cgroupfs driver names it.
   */
  private static boolean isKubernetesPod(String parent) {
    return parent.startsWith("pod") && parent.length() > 3;
  }

  static boolean isId(String s) {
    if (s.length() != ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < ID_LENGTH; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
