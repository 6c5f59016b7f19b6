package dev.dockward.hostwatch;

import dev.dockward.event.MountInfo;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Finds the host file behind a path a container wrote through one of its bind mounts. The path the
 * kernel reports is the container's while its mounts exist ({@code /hostdata/crontab}), and only
 * the part below the bind mount's root once the container has ended ({@code /crontab}): each
 * candidate on the host is therefore checked to be the very file that was written.
 */
final class BindMounts {
  /** A file on the host, reached through {@code mount}. */
  record HostFile(MountInfo mount, String hostPath) {}

  private BindMounts() {}

  /**
   * The host file behind {@code reportedPath}, if it is one of the container's bind mounts' files:
   * first through the mount whose destination is the longest whole-component prefix of the path,
   * then (a mount already gone) below each bind mount's source. Empty for the container's own file
   * system, volumes and tmpfs, or when no candidate is the written file.
   *
   * @param isWrittenFile whether a host path is the file that was written (same device and inode)
   */
  static Optional<HostFile> hostFile(
      List<MountInfo> mounts, String reportedPath, Predicate<String> isWrittenFile) {
    Optional<MountInfo> holder = holder(mounts, reportedPath);
    if (holder.isPresent()) {
      if (!"bind".equals(holder.get().type())) {
        return Optional.empty(); // a volume or tmpfs: the container's own storage
      }
      String candidate =
          join(
              holder.get().source(),
              reportedPath.substring(trimSlash(holder.get().destination()).length()));
      if (isWrittenFile.test(candidate)) {
        return Optional.of(new HostFile(holder.get(), candidate));
      }
    }
    for (MountInfo m : mounts) {
      if ("bind".equals(m.type())) {
        String candidate = join(m.source(), "/".equals(reportedPath) ? "" : reportedPath);
        if (isWrittenFile.test(candidate)) {
          return Optional.of(new HostFile(m, candidate));
        }
      }
    }
    return Optional.empty();
  }

  /** The mount whose destination is the longest whole-component prefix of {@code path}. */
  private static Optional<MountInfo> holder(List<MountInfo> mounts, String path) {
    MountInfo best = null;
    for (MountInfo m : mounts) {
      String destination = trimSlash(m.destination());
      if (holds(destination, path)
          && (best == null || destination.length() > trimSlash(best.destination()).length())) {
        best = m;
      }
    }
    return Optional.ofNullable(best);
  }

  private static boolean holds(String destination, String path) {
    if (destination.isEmpty()) {
      return path.startsWith("/"); // a mount on / holds everything
    }
    return path.equals(destination)
        || (path.startsWith(destination) && path.charAt(destination.length()) == '/');
  }

  private static String join(String source, String rest) {
    String base = trimSlash(source);
    return base.isEmpty() && rest.isEmpty() ? "/" : base + rest;
  }

  /** A mount destination as mountinfo writes its mount point: no trailing slash, "/" kept. */
  static String mountPoint(String destination) {
    String trimmed = trimSlash(destination);
    return trimmed.isEmpty() ? "/" : trimmed;
  }

  /** The path without its trailing slashes ("/" becomes ""). */
  private static String trimSlash(String path) {
    int end = path.length();
    while (end > 0 && path.charAt(end - 1) == '/') {
      end--;
    }
    return path.substring(0, end);
  }
}
