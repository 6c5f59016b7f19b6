package dev.dockward.audit;

import dev.dockward.event.ProcessInfo;
import dev.dockward.proc.ProcReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@link ProcessInfo} of an audited exec: pid, parent, user, program, command name, every
 * argument and the working directory from the audit records (recorded by the kernel, complete); the
 * rest — start time, namespaces, capabilities, standard descriptors, the executable's ctime — from
 * /proc when the process could be read at receipt and still ran the same program, else absent
 * (start time 0).
 */
final class AuditProcess {
  private AuditProcess() {}

  /**
   * @param read the process as read from /proc at receipt, if it still lived
   * @param cgroup the cgroup path its container was found by ("" when from memory)
   */
  static ProcessInfo of(AuditExec exec, Optional<ProcessInfo> read, String cgroup) {
    String joined = String.join(" ", exec.argv());
    boolean truncated = !exec.argvComplete() || joined.length() > ProcReader.CMDLINE_CAP;
    String cmdline =
        joined.length() > ProcReader.CMDLINE_CAP
            ? joined.substring(0, ProcReader.CMDLINE_CAP)
            : joined;
    Optional<ProcessInfo> same =
        read.filter(p -> p.pid() == exec.pid() && p.exe().equals(exec.exe()));
    Optional<String> cwd = exec.cwd().isEmpty() ? Optional.empty() : Optional.of(exec.cwd());
    if (same.isPresent()) {
      ProcessInfo p = same.get();
      return new ProcessInfo(
          exec.pid(),
          exec.ppid(),
          p.startTime(),
          exec.comm(),
          exec.exe(),
          cmdline,
          truncated,
          exec.uid(),
          exec.euid(),
          p.capEff(),
          p.namespaces(),
          p.cgroup(),
          p.hostNamespaces(),
          p.stdio(),
          p.exeChanged(),
          cwd,
          p.loaderEnv());
    }
    // Gone, or it executed again since: only what the records say, and its container's cgroup.
    long startTime = read.filter(p -> p.pid() == exec.pid()).map(ProcessInfo::startTime).orElse(0L);
    return new ProcessInfo(
        exec.pid(),
        exec.ppid(),
        startTime,
        exec.comm(),
        exec.exe(),
        cmdline,
        truncated,
        exec.uid(),
        exec.euid(),
        OptionalLong.empty(),
        Map.of(),
        cgroup,
        Optional.empty(),
        List.of(),
        Optional.empty(),
        cwd);
  }
}
