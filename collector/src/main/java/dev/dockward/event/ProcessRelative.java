package dev.dockward.event;

import java.util.Objects;
import java.util.Optional;

/**
 * An ancestor of a reported process as its source knew it then. Name, exe and command line are
 * untrusted text from that process; {@code runtime} is not (see {@link ProcessOrigin}).
 *
 * @param pid its pid
 * @param name {@code comm}
 * @param exe the target of its {@code /proc/<pid>/exe}, empty when unknown
 * @param cmdline its arguments joined by spaces, empty when unknown; the source cuts it short
 * @param cmdlineTruncated whether the command line was longer
 * @param runtime the installed container runtime binary it runs, when it runs one
 */
public record ProcessRelative(
    int pid,
    String name,
    String exe,
    String cmdline,
    boolean cmdlineTruncated,
    Optional<String> runtime) {
  public ProcessRelative {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(exe, "exe");
    Objects.requireNonNull(cmdline, "cmdline");
    Objects.requireNonNull(runtime, "runtime");
  }

  /**
   * The program it runs, normalised as a process's own ({@link ProcessInfo#program}): the applet of
   * a multi-call binary, else the exe's basename, else {@code comm}. Its command line may have been
   * cut, never argv[0].
   */
  public String program() {
    return ProgramName.of(name, exe, cmdline);
  }
}
