package dev.dockward.proc;

import java.util.OptionalLong;

/**
 * Parses the target of a {@code /proc/<pid>/ns/<kind>} link, e.g. {@code mnt:[4026531841]}, to its
 * inode.
 */
public final class NamespaceLinkParser {
  private NamespaceLinkParser() {}

  /** The inode, or empty when {@code target} is not {@code <kind>:[<number>]}. */
  public static OptionalLong inode(String kind, String target) {
    String prefix = kind + ":[";
    if (!target.startsWith(prefix)
        || !target.endsWith("]")
        || target.length() == prefix.length() + 1) {
      return OptionalLong.empty();
    }
    String digits = target.substring(prefix.length(), target.length() - 1);
    try {
      long inode = Long.parseLong(digits);
      return inode > 0 ? OptionalLong.of(inode) : OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
