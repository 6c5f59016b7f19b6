package dev.dockward.audit;

import java.util.Locale;
import java.util.Optional;

/**
 * What a watched open's records say: the name the program passed (the PATH record of type {@code
 * NORMAL}, decoded) and that name resolved lexically against the working directory (the CWD record,
 * the process's own view). A name relative to a directory descriptor other than {@code AT_FDCWD} is
 * not resolved: the records do not say which directory it was. Pure.
 */
final class AuditOpens {
  /**
   * A watched open.
   *
   * @param call the syscall's name
   * @param requestedPath the name as passed
   * @param path the file, resolved; empty when it cannot be
   */
  record Open(String call, String requestedPath, Optional<String> path) {}

  private AuditOpens() {}

  /** The open a call made; empty for a call that is not an open or whose records have no name. */
  static Optional<Open> of(AuditCall c) {
    if (c.call() != AuditCall.Call.OPEN
        && c.call() != AuditCall.Call.OPENAT
        && c.call() != AuditCall.Call.OPENAT2) {
      return Optional.empty();
    }
    Optional<AuditCall.Item> item =
        c.items().stream()
            .filter(i -> i.nameType().equals("NORMAL") && !i.name().isEmpty())
            .findFirst()
            .or(() -> c.items().stream().filter(i -> !i.name().isEmpty()).findFirst());
    if (item.isEmpty()) {
      return Optional.empty();
    }
    String name = item.get().name();
    boolean fromCwd = c.call() == AuditCall.Call.OPEN || AuditLinks.atCwd(c.arg(0));
    Optional<String> path;
    if (name.startsWith("/")) {
      path = Optional.of(AuditLinks.normalise(name));
    } else if (fromCwd && c.cwd().startsWith("/")) {
      path = Optional.of(AuditLinks.normalise(c.cwd() + "/" + name));
    } else {
      path = Optional.empty();
    }
    return Optional.of(new Open(c.call().name().toLowerCase(Locale.ROOT), name, path));
  }
}
