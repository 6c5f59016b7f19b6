package dev.dockward.hostwatch;

import java.util.List;
import java.util.Optional;

/**
 * The places in a container's own file system where a written file is run or trusted, by category:
 * a write there is persistence or tampering, any other write is the container's business. Pure:
 * paths in, category out.
 */
final class PersistencePaths {
  /**
   * A path prefix ({@code /etc/cron.d/}) or a whole path ({@code /etc/crontab}) and its category.
   */
  private record Place(String path, String category) {
    boolean matches(String file) {
      return path.endsWith("/") ? file.startsWith(path) : file.equals(path);
    }
  }

  /** Checked in order: the first that matches names the category. */
  private static final List<Place> PLACES =
      List.of(
          new Place("/etc/ld.so.preload", "loader_preload"),
          new Place("/etc/crontab", "cron"),
          new Place("/etc/cron.d/", "cron"),
          new Place("/etc/cron.hourly/", "cron"),
          new Place("/etc/cron.daily/", "cron"),
          new Place("/etc/cron.weekly/", "cron"),
          new Place("/etc/cron.monthly/", "cron"),
          new Place("/etc/crontabs/", "cron"),
          new Place("/etc/periodic/", "cron"),
          new Place("/var/spool/cron/", "cron"),
          new Place("/etc/profile", "shell_rc"),
          new Place("/etc/profile.d/", "shell_rc"),
          new Place("/etc/bash.bashrc", "shell_rc"),
          new Place("/etc/bashrc", "shell_rc"),
          new Place("/etc/zsh/", "shell_rc"),
          new Place("/etc/environment", "shell_rc"),
          new Place("/etc/ld.so.conf", "libraries"),
          new Place("/etc/ld.so.conf.d/", "libraries"),
          new Place("/etc/", "etc"),
          new Place("/bin/", "binaries"),
          new Place("/sbin/", "binaries"),
          new Place("/usr/bin/", "binaries"),
          new Place("/usr/sbin/", "binaries"),
          new Place("/usr/local/bin/", "binaries"),
          new Place("/usr/local/sbin/", "binaries"),
          new Place("/lib/", "libraries"),
          new Place("/lib32/", "libraries"),
          new Place("/lib64/", "libraries"),
          new Place("/libx32/", "libraries"),
          new Place("/usr/lib/", "libraries"),
          new Place("/usr/lib32/", "libraries"),
          new Place("/usr/lib64/", "libraries"),
          new Place("/usr/libexec/", "libraries"),
          new Place("/usr/local/lib/", "libraries"));

  /** Files of any user's home that a login or a shell runs or trusts (suffixes). */
  private static final List<Place> HOME_FILES =
      List.of(
          new Place("/.ssh/authorized_keys", "ssh_keys"),
          new Place("/.ssh/authorized_keys2", "ssh_keys"),
          new Place("/.bashrc", "shell_rc"),
          new Place("/.bash_profile", "shell_rc"),
          new Place("/.bash_login", "shell_rc"),
          new Place("/.profile", "shell_rc"),
          new Place("/.zshrc", "shell_rc"),
          new Place("/.zprofile", "shell_rc"),
          new Place("/.zshenv", "shell_rc"));

  /** What the kernel appends to the name of a file deleted before the link was read. */
  private static final String DELETED = " (deleted)";

  private PersistencePaths() {}

  /**
   * The category of a file written at {@code path} (as the container names it), or empty when the
   * place is not one that matters or the file was deleted already (a temporary file: nothing
   * persists). Relative or odd paths (no leading {@code /}) never match.
   */
  static Optional<String> category(String path) {
    if (!path.startsWith("/") || path.endsWith(DELETED) || path.contains("/../")) {
      return Optional.empty();
    }
    for (Place home : HOME_FILES) {
      if (path.endsWith(home.path())) {
        return Optional.of(home.category());
      }
    }
    for (Place place : PLACES) {
      if (place.matches(path)) {
        return Optional.of(place.category());
      }
    }
    return Optional.empty();
  }
}
