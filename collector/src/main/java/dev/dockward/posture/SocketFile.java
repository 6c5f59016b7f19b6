package dev.dockward.posture;

/**
 * A daemon's unix socket file: who owns it and its permission bits.
 *
 * @param path the host path, as the daemon was told it
 * @param owner the owning user's name
 * @param group the owning group's name
 * @param mode the permission bits, e.g. {@code 0660}
 */
record SocketFile(String path, String owner, String group, int mode) {
  /** Any user on the host may connect: connecting to a unix socket needs write permission. */
  boolean othersMayConnect() {
    return (mode & 0002) != 0;
  }

  boolean othersHaveAccess() {
    return (mode & 0007) != 0;
  }

  String modeText() {
    return String.format("%04o", mode);
  }
}
