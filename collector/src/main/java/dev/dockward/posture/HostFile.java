package dev.dockward.posture;

/**
 * A file's owner and permission bits, e.g. a TLS private key.
 *
 * @param path the host path, as the configuration names it
 * @param owner the owning user's name
 * @param group the owning group's name
 * @param mode the permission bits, e.g. {@code 0400}
 */
record HostFile(String path, String owner, String group, int mode) {
  /** Group or other users may read it. */
  boolean readableByOthers() {
    return (mode & 0044) != 0;
  }

  String modeText() {
    return String.format("%04o", mode);
  }
}
