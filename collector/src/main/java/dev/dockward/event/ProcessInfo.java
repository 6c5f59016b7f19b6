package dev.dockward.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A process as read from /proc. Name, exe and command line come from the process itself: untrusted;
 * bytes that are not UTF-8 are kept as {@code \xNN} escapes (see {@code
 * dev.dockward.proc.ProcText}).
 *
 * @param pid the host pid (tgid)
 * @param ppid the parent's host pid
 * @param startTime start time in clock ticks since boot: with the pid, the process's identity
 * @param name {@code comm}, at most 15 bytes
 * @param exe the target of {@code /proc/<pid>/exe}, empty when unreadable (kernel threads, races)
 * @param cmdline the arguments joined by spaces, empty for kernel threads and zombies
 * @param cmdlineTruncated whether the command line was longer than the agent keeps
 * @param uid the real uid
 * @param euid the effective uid
 * @param capEff the effective capability mask
 * @param namespaces the inode of each namespace, by kind ({@code mnt}, {@code pid}, {@code net}, …)
 * @param cgroup the path of the process in its cgroup hierarchy (the one that names containers)
 * @param hostNamespaces the namespace kinds in which the process is in the host's namespace (its
 *     inode equals the host reference's), in the order mnt, pid, net, uts, ipc, user, cgroup;
 *     absent when the reference is unknown
 * @param stdio what file descriptors 0, 1 and 2 are, one {@link StdioKind} text each ({@code tcp},
 *     {@code pipe}, …); empty when they were not read
 * @param exeChanged the status-change time (ctime) of the executable file: when it was written,
 *     copied or chmod'ed last; absent when unreadable
 * @param cwd the working directory at exec, as the audit subsystem recorded it; absent from other
 *     sources (untrusted text, like the command line)
 * @param loaderEnv the dynamic loader's variables in the process's initial environment ({@code
 *     LD_PRELOAD}, {@code LD_LIBRARY_PATH}, {@code LD_AUDIT}, {@code GLIBC_TUNABLES}), each value
 *     cut to a bounded length; read for processes in containers only, empty otherwise (see {@code
 *     dev.dockward.proc.LoaderEnvParser})
 */
public record ProcessInfo(
    int pid,
    int ppid,
    long startTime,
    String name,
    String exe,
    String cmdline,
    boolean cmdlineTruncated,
    OptionalInt uid,
    OptionalInt euid,
    OptionalLong capEff,
    Map<String, Long> namespaces,
    String cgroup,
    Optional<List<String>> hostNamespaces,
    List<String> stdio,
    Optional<Instant> exeChanged,
    Optional<String> cwd,
    Map<String, String> loaderEnv) {

  public ProcessInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(exe, "exe");
    Objects.requireNonNull(cmdline, "cmdline");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(euid, "euid");
    Objects.requireNonNull(capEff, "capEff");
    namespaces = Map.copyOf(namespaces);
    Objects.requireNonNull(cgroup, "cgroup");
    hostNamespaces = hostNamespaces.map(List::copyOf);
    stdio = List.copyOf(stdio);
    Objects.requireNonNull(exeChanged, "exeChanged");
    Objects.requireNonNull(cwd, "cwd");
    loaderEnv = Map.copyOf(loaderEnv);
  }

  /**
   * A process whose environment was not read (every source but the /proc read of a container's
   * process).
   */
  public ProcessInfo(
      int pid,
      int ppid,
      long startTime,
      String name,
      String exe,
      String cmdline,
      boolean cmdlineTruncated,
      OptionalInt uid,
      OptionalInt euid,
      OptionalLong capEff,
      Map<String, Long> namespaces,
      String cgroup,
      Optional<List<String>> hostNamespaces,
      List<String> stdio,
      Optional<Instant> exeChanged,
      Optional<String> cwd) {
    this(
        pid,
        ppid,
        startTime,
        name,
        exe,
        cmdline,
        cmdlineTruncated,
        uid,
        euid,
        capEff,
        namespaces,
        cgroup,
        hostNamespaces,
        stdio,
        exeChanged,
        cwd,
        Map.of());
  }

  /**
   * The program it runs, normalised for rules that match tool names: the applet a multi-call binary
   * (busybox, toybox) runs, the name of a symlink it was run through, else the exe's basename, else
   * {@code comm} (see {@link ProgramName}).
   */
  public String program() {
    return ProgramName.of(name, exe, cmdline);
  }

  /** A process without a recorded working directory (every source but audit). */
  public ProcessInfo(
      int pid,
      int ppid,
      long startTime,
      String name,
      String exe,
      String cmdline,
      boolean cmdlineTruncated,
      OptionalInt uid,
      OptionalInt euid,
      OptionalLong capEff,
      Map<String, Long> namespaces,
      String cgroup,
      Optional<List<String>> hostNamespaces,
      List<String> stdio,
      Optional<Instant> exeChanged) {
    this(
        pid,
        ppid,
        startTime,
        name,
        exe,
        cmdline,
        cmdlineTruncated,
        uid,
        euid,
        capEff,
        namespaces,
        cgroup,
        hostNamespaces,
        stdio,
        exeChanged,
        Optional.empty());
  }

  /** A process whose standard descriptors and executable's times were not read. */
  public ProcessInfo(
      int pid,
      int ppid,
      long startTime,
      String name,
      String exe,
      String cmdline,
      boolean cmdlineTruncated,
      OptionalInt uid,
      OptionalInt euid,
      OptionalLong capEff,
      Map<String, Long> namespaces,
      String cgroup,
      Optional<List<String>> hostNamespaces) {
    this(
        pid,
        ppid,
        startTime,
        name,
        exe,
        cmdline,
        cmdlineTruncated,
        uid,
        euid,
        capEff,
        namespaces,
        cgroup,
        hostNamespaces,
        List.of(),
        Optional.empty());
  }

  /** A process without a host namespace reference. */
  public ProcessInfo(
      int pid,
      int ppid,
      long startTime,
      String name,
      String exe,
      String cmdline,
      boolean cmdlineTruncated,
      OptionalInt uid,
      OptionalInt euid,
      OptionalLong capEff,
      Map<String, Long> namespaces,
      String cgroup) {
    this(
        pid,
        ppid,
        startTime,
        name,
        exe,
        cmdline,
        cmdlineTruncated,
        uid,
        euid,
        capEff,
        namespaces,
        cgroup,
        Optional.empty());
  }
}
