package dev.dockward.netlink;

/**
 * One message of the kernel's process connector ({@code struct proc_event} in {@code
 * linux/cn_proc.h}). Pids are the kernel's: {@code pid} is the thread, {@code tgid} the process.
 * {@code timestampNs} is the kernel's monotonic clock at the event, so differences between two
 * events are exact durations.
 */
public sealed interface ProcEvent {
  /** The CPU the event happened on. */
  int cpu();

  /** Nanoseconds of the kernel's monotonic clock. */
  long timestampNs();

  /** A new task: a process when {@code childPid == childTgid}, else a thread. */
  record Fork(int cpu, long timestampNs, int parentPid, int parentTgid, int childPid, int childTgid)
      implements ProcEvent {
    /** Whether a new process (not a thread) was made. */
    public boolean isProcess() {
      return childPid == childTgid;
    }
  }

  /** A process executed a new program. */
  record Exec(int cpu, long timestampNs, int pid, int tgid) implements ProcEvent {}

  /** The real and effective uid changed (setuid, setresuid, a setuid exec…). */
  record Uid(int cpu, long timestampNs, int pid, int tgid, int ruid, int euid)
      implements ProcEvent {}

  /** The real and effective gid changed. */
  record Gid(int cpu, long timestampNs, int pid, int tgid, int rgid, int egid)
      implements ProcEvent {}

  /** The process started a new session (setsid). */
  record Sid(int cpu, long timestampNs, int pid, int tgid) implements ProcEvent {}

  /** A tracer attached to ({@code tracerTgid != 0}) or detached from ({@code 0}) the process. */
  record Ptrace(int cpu, long timestampNs, int pid, int tgid, int tracerPid, int tracerTgid)
      implements ProcEvent {
    public boolean isAttach() {
      return tracerTgid != 0;
    }
  }

  /** The task's name ({@code comm}) changed; untrusted bytes, decoded as ProcText does. */
  record Comm(int cpu, long timestampNs, int pid, int tgid, String comm) implements ProcEvent {}

  /** The process dumped core. */
  record Coredump(int cpu, long timestampNs, int pid, int tgid, int parentPid, int parentTgid)
      implements ProcEvent {}

  /**
   * A task ended.
   *
   * @param exitCode the kernel's wait status: exit status in bits 8–15, or the terminating signal
   *     in bits 0–6 (bit 7: core dumped)
   * @param exitSignal the signal the parent is sent (usually SIGCHLD), not the one that killed it
   * @param parentPid the parent's pid, 0 on kernels before 4.x that do not report it
   */
  record Exit(
      int cpu,
      long timestampNs,
      int pid,
      int tgid,
      int exitCode,
      int exitSignal,
      int parentPid,
      int parentTgid)
      implements ProcEvent {
    /** Whether the whole process (its thread group leader) ended, not one of its threads. */
    public boolean isProcess() {
      return pid == tgid;
    }

    /** The signal that killed it, 0 when it exited by itself. */
    public int terminatingSignal() {
      return exitCode & 0x7f;
    }

    /** The status it exited with; meaningful when {@link #terminatingSignal()} is 0. */
    public int exitStatus() {
      return (exitCode >> 8) & 0xff;
    }
  }
}
