package dev.dockward.proc;

import dev.dockward.event.StdioKind;
import java.util.OptionalLong;

/**
 * Classifies the target of a {@code /proc/<pid>/fd/<n>} link ({@code socket:[123]}, {@code
 * pipe:[456]}, {@code /dev/pts/0}, a path). A socket's family is not in the link: {@link
 * #socketInode} gives the inode to look up in the socket tables ({@link SocketTableParser}).
 */
public final class StdioLinkParser {
  private StdioLinkParser() {}

  /** The kind a target shows by itself; {@link StdioKind#SOCKET} for every socket. */
  public static StdioKind kind(String target) {
    if (target.startsWith("socket:[")) {
      return StdioKind.SOCKET;
    }
    if (target.startsWith("pipe:[")) {
      return StdioKind.PIPE;
    }
    if (target.equals("/dev/null")) {
      return StdioKind.NULL;
    }
    if (target.startsWith("/dev/pts/")
        || target.startsWith("/dev/tty")
        || target.equals("/dev/console")
        || target.equals("/dev/ptmx")) {
      return StdioKind.TTY;
    }
    return StdioKind.FILE;
  }

  /** The inode of a {@code socket:[N]} target, else empty. */
  public static OptionalLong socketInode(String target) {
    return NamespaceLinkParser.inode("socket", target);
  }
}
