package dev.dockward.audit;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One successful {@code execve}/{@code execveat} as the audit subsystem recorded it at the
 * syscall's exit, assembled from its records. Every text is untrusted (it comes from the process).
 *
 * @param epochMillis when it happened (the records' stamp)
 * @param serial the audit event's serial
 * @param pid the host pid of the process that executed
 * @param ppid its parent's host pid
 * @param uid its real uid
 * @param euid its effective uid after the exec (set-user-id applied)
 * @param comm the new program's command name (15 bytes at most)
 * @param exe the new program's path, as the kernel resolved it
 * @param argv the arguments (argv[0] first); shorter than {@code argc} when records were lost
 * @param argc how many arguments the kernel counted
 * @param argvComplete whether every argument is here whole (false when a record of the event was
 *     lost)
 * @param cwd the working directory, "" when the event had no CWD record
 * @param paths the files the exec opened: the program, then its interpreter or loader
 * @param proctitle the process's title at exit, NULs as spaces ("" when absent; at most 128 bytes)
 * @param key the rule key the event matched, "" when none
 */
record AuditExec(
    long epochMillis,
    long serial,
    int pid,
    int ppid,
    OptionalInt uid,
    OptionalInt euid,
    String comm,
    String exe,
    List<String> argv,
    int argc,
    boolean argvComplete,
    String cwd,
    List<PathItem> paths,
    String proctitle,
    String key) {

  AuditExec {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(euid, "euid");
    Objects.requireNonNull(comm, "comm");
    Objects.requireNonNull(exe, "exe");
    argv = List.copyOf(argv);
    Objects.requireNonNull(cwd, "cwd");
    paths = List.copyOf(paths);
    Objects.requireNonNull(proctitle, "proctitle");
    Objects.requireNonNull(key, "key");
  }

  /**
   * A PATH record.
   *
   * @param name the path as the syscall named it
   * @param inode the inode, -1 when the record has none (a name that did not resolve)
   * @param dev the device as {@code major:minor} in hex, "" when none
   * @param mode the file mode in octal, as written ("0100755"), "" when none
   */
  record PathItem(String name, long inode, String dev, String mode) {
    PathItem {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(dev, "dev");
      Objects.requireNonNull(mode, "mode");
    }
  }
}
