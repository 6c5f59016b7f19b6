package dev.dockward.event;

/**
 * The program a process runs, normalised ({@code process.program}): what name-based rules should
 * look at when {@code comm} and the exe disagree.
 *
 * <ul>
 *   <li>a multi-call binary (the exe's basename starts with {@code busybox} or {@code toybox}, or
 *       {@code comm} is {@code exe} because it re-ran itself through {@code /proc/self/exe}, as
 *       Debian's static busybox does) runs the applet its argv[0] names, so the program is
 *       argv[0]'s basename; when argv[0] is the multi-call binary itself ({@code busybox nc …}),
 *       argv[1];
 *   <li>an exec through a symlink ({@code /bin/nc} to {@code nc.openbsd}) gives {@code comm} the
 *       link's name: when {@code comm} is argv[0]'s basename (cut to 15 bytes) the program is that;
 *   <li>otherwise the exe's basename, or {@code comm} when the exe is unknown.
 * </ul>
 *
 * <p>A login shell's leading {@code -} ({@code -sh}) is dropped. argv[0] is the command line up to
 * its first space (arguments are joined by spaces), so an argv[0] with a space in it is cut there.
 * Every input is the process's own, untrusted: the result is a better name, not a proof. The one
 * place {@code program} is computed: process records, their parent and ancestors, and the ancestry
 * alerts carry ({@code dev.dockward.proc.Ancestor#program}).
 */
public final class ProgramName {
  /** {@code comm} holds at most 15 bytes (TASK_COMM_LEN 16 with its NUL). */
  private static final int COMM_MAX = 15;

  private static final String DELETED = " (deleted)";

  private ProgramName() {}

  /**
   * @param comm the kernel's short name
   * @param exe the executable's path, empty when unknown
   * @param cmdline the arguments joined by spaces (argv[0] first), empty when unknown
   */
  public static String of(String comm, String exe, String cmdline) {
    String exeBase =
        basename(exe.endsWith(DELETED) ? exe.substring(0, exe.length() - DELETED.length()) : exe);
    String[] args = cmdline.split(" ", 3);
    String arg0 = loginless(basename(args[0]));
    if (arg0.isEmpty()) {
      return exeBase.isEmpty() ? comm : exeBase;
    }
    boolean multiCall =
        exeBase.isEmpty()
            ? isMultiCall(comm) || comm.equals("exe")
            : isMultiCall(exeBase) || comm.equals("exe");
    if (multiCall) {
      if (isMultiCall(arg0)) {
        // busybox nc …: the applet is the first argument, unless it is an option (busybox --list)
        String arg1 = args.length > 1 ? basename(args[1]) : "";
        return arg1.isEmpty() || arg1.startsWith("-") ? arg0 : arg1;
      }
      return arg0;
    }
    if (exeBase.isEmpty()) {
      return comm;
    }
    if (!arg0.equals(exeBase) && !comm.isEmpty() && comm.equals(cut(arg0))) {
      return arg0;
    }
    return exeBase;
  }

  private static boolean isMultiCall(String base) {
    return base.startsWith("busybox") || base.startsWith("toybox");
  }

  private static String basename(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  private static String loginless(String name) {
    return name.startsWith("-") ? name.substring(1) : name;
  }

  /**
   * The name as the kernel cuts it into {@code comm}. Counted in chars: close enough for ASCII
   * names.
   */
  private static String cut(String name) {
    return name.length() > COMM_MAX ? name.substring(0, COMM_MAX) : name;
  }
}
