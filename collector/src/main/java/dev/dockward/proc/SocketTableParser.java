package dev.dockward.proc;

/**
 * Finds a socket inode in the kernel's socket tables of a network namespace ({@code
 * /proc/<pid>/net/tcp}, {@code tcp6}, {@code udp}, {@code udp6}, {@code unix}). The tables are the
 * kernel's own text: one header line, then one socket a line with whitespace-separated columns.
 */
public final class SocketTableParser {
  /** The inode column of {@code tcp}, {@code tcp6}, {@code udp} and {@code udp6}. */
  public static final int INET_INODE_COLUMN = 9;

  /** The inode column of {@code unix}. */
  public static final int UNIX_INODE_COLUMN = 6;

  private SocketTableParser() {}

  /**
   * Whether a line of {@code table} (after the header) has {@code inode} in column {@code column}.
   */
  public static boolean contains(String table, int column, long inode) {
    String wanted = Long.toString(inode);
    boolean header = true;
    for (String line : table.split("\n")) {
      if (header) {
        header = false;
        continue;
      }
      String[] f = line.trim().split("\\s+");
      if (f.length > column && f[column].equals(wanted)) {
        return true;
      }
    }
    return false;
  }
}
