package dev.dockward.proc;

import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProgramName;
import java.util.Objects;

/**
 * What an alert says of one ancestor of its process. Name, exe and command line are untrusted text
 * from the process, kept as read; the command line is cut at {@link #CMDLINE_CAP} characters, since
 * five of them ride on every alert about a process, and an executable path longer than {@link
 * #EXE_CAP} characters is left unknown: thousands of ancestors are remembered, and their size must
 * not be the processes' choice.
 *
 * @param pid its pid
 * @param ppid its parent's pid, 0 when it has none
 * @param startTime its start time in clock ticks since boot (with the pid, its identity)
 * @param name {@code comm}
 * @param exe the target of {@code /proc/<pid>/exe}, empty when unknown (or longer than {@link
 *     #EXE_CAP})
 * @param cmdline its arguments joined by spaces, at most {@link #CMDLINE_CAP} characters
 * @param cmdlineTruncated whether the command line was longer (here, or already when read)
 */
public record Ancestor(
    int pid,
    int ppid,
    long startTime,
    String name,
    String exe,
    String cmdline,
    boolean cmdlineTruncated) {
  /** The most characters of an ancestor's command line kept. */
  public static final int CMDLINE_CAP = 1024;

  /** The longest executable path kept (a real one is far shorter). */
  public static final int EXE_CAP = 1024;

  public Ancestor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(exe, "exe");
    Objects.requireNonNull(cmdline, "cmdline");
    if (exe.length() > EXE_CAP) {
      exe = "";
    }
    if (cmdline.length() > CMDLINE_CAP) {
      // Never split a surrogate pair: half of one is not text a JSON writer can encode.
      int end =
          Character.isHighSurrogate(cmdline.charAt(CMDLINE_CAP - 1))
              ? CMDLINE_CAP - 1
              : CMDLINE_CAP;
      cmdline = cmdline.substring(0, end);
      cmdlineTruncated = true;
    }
  }

  /**
   * The program it runs, normalised as a process record's own {@code program} ({@link
   * ProgramName}): its command line may have been cut, never argv[0].
   */
  public String program() {
    return ProgramName.of(name, exe, cmdline);
  }

  /** The facts of a process read in full. */
  public static Ancestor of(ProcessInfo p) {
    return new Ancestor(
        p.pid(), p.ppid(), p.startTime(), p.name(), p.exe(), p.cmdline(), p.cmdlineTruncated());
  }
}
