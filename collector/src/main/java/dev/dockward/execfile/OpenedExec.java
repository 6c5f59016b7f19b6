package dev.dockward.execfile;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One file the kernel opened for an exec, as one {@code FAN_OPEN_EXEC} event gave it.
 *
 * @param path its path in the mount it was opened through
 * @param dev the {@code unix:dev} value of the file (glibc's {@code dev_t})
 * @param inode its inode number
 * @param ctime its status-change time, when it could be read
 * @param kind what its first bytes say it is
 */
record OpenedExec(
    String path, long dev, long inode, Optional<Instant> ctime, ExecHeader.Kind kind) {
  OpenedExec {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(ctime, "ctime");
    Objects.requireNonNull(kind, "kind");
  }

  /**
   * The device as {@code major:minor}, decoded from glibc's {@code dev_t} as {@code major()} and
   * {@code minor()} do.
   */
  String device() {
    long major = ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & ~0xfffL);
    long minor = (dev & 0xffL) | ((dev >>> 12) & ~0xffL);
    return major + ":" + minor;
  }
}
