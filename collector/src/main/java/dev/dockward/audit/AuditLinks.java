package dev.dockward.audit;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;

/**
 * What link an audited {@code symlink}/{@code symlinkat}/{@code link}/{@code linkat} made, from its
 * records: the new name is the PATH record of type CREATE; a symbolic link's target is the record
 * without an inode (its text names no file the call looked up); a hard link's existing file is the
 * NORMAL record. Names are resolved lexically against the working directory (the CWD record, the
 * process's own view), and a symbolic link's relative target against the link's directory. A name
 * relative to a directory descriptor other than {@code AT_FDCWD} is not resolved: the records do
 * not say which directory the descriptor was. Pure.
 */
final class AuditLinks {
  /** {@code AT_FDCWD} (-100) as a record writes a 32- or 64-bit argument. */
  private static final String AT_FDCWD_32 = "ffffff9c";

  private static final String AT_FDCWD_64 = "ffffffffffffff9c";

  /**
   * A link.
   *
   * @param kind {@code symbolic} or {@code hard}
   * @param call the syscall's name
   * @param path the new link, resolved ("" when not resolvable)
   * @param target what it points to, resolved ("" when not resolvable)
   * @param pathAsWritten the new link's name as passed
   * @param targetAsWritten the target as passed
   */
  record Link(
      String kind,
      String call,
      String path,
      String target,
      String pathAsWritten,
      String targetAsWritten) {}

  private AuditLinks() {}

  /** The link a call made; empty for a call that is not a link or whose records lack its names. */
  static Optional<Link> of(AuditCall c) {
    boolean symbolic = c.call() == AuditCall.Call.SYMLINK || c.call() == AuditCall.Call.SYMLINKAT;
    if (!symbolic && c.call() != AuditCall.Call.LINK && c.call() != AuditCall.Call.LINKAT) {
      return Optional.empty();
    }
    Optional<AuditCall.Item> created =
        c.items().stream().filter(i -> i.nameType().equals("CREATE")).findFirst();
    Optional<AuditCall.Item> target =
        symbolic
            ? c.items().stream()
                .filter(i -> i.inode() < 0 && !i.nameType().equals("CREATE"))
                .findFirst()
            : c.items().stream().filter(i -> i.nameType().equals("NORMAL")).findFirst();
    if (created.isEmpty() || target.isEmpty()) {
      return Optional.empty();
    }
    // The new name's directory descriptor: symlinkat(target, newdirfd, name), linkat(olddirfd, old,
    // newdirfd, new).
    boolean pathFromCwd =
        switch (c.call()) {
          case SYMLINKAT -> atCwd(c.arg(1));
          case LINKAT -> atCwd(c.arg(2));
          default -> true;
        };
    boolean targetFromCwd = c.call() != AuditCall.Call.LINKAT || atCwd(c.arg(0));
    String pathWritten = created.get().name();
    String targetWritten = target.get().name();
    String path = resolve(c.cwd(), pathWritten, pathFromCwd);
    String resolvedTarget;
    if (symbolic) {
      resolvedTarget =
          targetWritten.startsWith("/")
              ? normalise(targetWritten)
              : path.isEmpty() ? "" : normalise(parent(path) + "/" + targetWritten);
    } else {
      resolvedTarget = resolve(c.cwd(), targetWritten, targetFromCwd);
    }
    String call = c.call().name().toLowerCase(Locale.ROOT);
    return Optional.of(
        new Link(
            symbolic ? "symbolic" : "hard",
            call,
            path,
            resolvedTarget,
            pathWritten,
            targetWritten));
  }

  /** Whether a directory descriptor argument as a record writes it is {@code AT_FDCWD}. */
  static boolean atCwd(String dirfd) {
    return dirfd.equalsIgnoreCase(AT_FDCWD_32) || dirfd.equalsIgnoreCase(AT_FDCWD_64);
  }

  private static String resolve(String cwd, String name, boolean fromCwd) {
    if (name.startsWith("/")) {
      return normalise(name);
    }
    if (!fromCwd || !cwd.startsWith("/")) {
      return "";
    }
    return normalise(cwd + "/" + name);
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  /**
   * An absolute path without {@code .}, {@code ..} or repeated slashes ({@code ..} at the root
   * stays there).
   */
  static String normalise(String absolute) {
    Deque<String> parts = new ArrayDeque<>();
    for (String p : absolute.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(p);
      }
    }
    return "/" + String.join("/", parts);
  }
}
