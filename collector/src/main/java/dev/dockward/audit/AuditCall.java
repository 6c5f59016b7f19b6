package dev.dockward.audit;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One audited call other than an exec (a link made, PTRACE_TRACEME, a packet socket opened, a
 * descriptor put on standard input or output, a watched file opened), assembled from its SYSCALL,
 * CWD and PATH records at the syscall's exit. Every text is untrusted (it comes from the process).
 *
 * @param epochMillis when it happened
 * @param serial the audit event's serial
 * @param call which call
 * @param pid the host pid of the calling process (its thread group)
 * @param ppid its parent's host pid
 * @param uid its real uid
 * @param euid its effective uid
 * @param comm its command name
 * @param exe its program's path, as the kernel resolved it
 * @param args the first four arguments in hex as the record writes them ({@code a0}…{@code a3}; ""
 *     when absent)
 * @param exit the call's return value (a new descriptor for {@code socket}), 0 when the record had
 *     none
 * @param cwd the working directory, "" when the event had no CWD record
 * @param items the PATH records in order
 */
record AuditCall(
    long epochMillis,
    long serial,
    Call call,
    int pid,
    int ppid,
    OptionalInt uid,
    OptionalInt euid,
    String comm,
    String exe,
    List<String> args,
    long exit,
    String cwd,
    List<Item> items) {

  /** The calls our narrow rules audit. */
  enum Call {
    LINK,
    LINKAT,
    SYMLINK,
    SYMLINKAT,
    PTRACE_TRACEME,
    PACKET_SOCKET,
    DUP2,
    DUP3,
    /** open, openat, openat2 of a file one of our read watches is on (key {@code dockward}). */
    OPEN,
    OPENAT,
    OPENAT2
  }

  AuditCall {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(euid, "euid");
    Objects.requireNonNull(comm, "comm");
    Objects.requireNonNull(exe, "exe");
    args = List.copyOf(args);
    Objects.requireNonNull(cwd, "cwd");
    items = List.copyOf(items);
  }

  /** Argument {@code i} as written (hex), "" when absent. */
  String arg(int i) {
    return i < args.size() ? args.get(i) : "";
  }

  /** Argument {@code i} as a number, empty when absent or not hex. */
  OptionalLong argValue(int i) {
    try {
      return OptionalLong.of(Long.parseUnsignedLong(arg(i), 16));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * A PATH record of the call.
   *
   * @param name the name as the record gives it: the path as the program wrote it, or for a
   *     symlink's target its text; for a parent directory named by a relative path without a
   *     directory part, the working directory
   * @param inode the inode, -1 when none (a symlink's target text names no file)
   * @param nameType {@code PARENT}, {@code NORMAL}, {@code CREATE}, {@code UNKNOWN}…
   */
  record Item(String name, long inode, String nameType) {
    Item {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(nameType, "nameType");
    }
  }
}
