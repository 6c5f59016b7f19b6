package dev.dockward.proc;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Parses {@code /proc/<pid>/stat}: {@code pid (comm) state ppid … starttime …}. The comm is chosen
 * by the process and may contain spaces, parentheses and newlines, so it is the text between the
 * first {@code (} and the LAST {@code )}; the kernel's numeric fields follow the last one.
 */
public final class ProcStatParser {
  /** Fields after the comm, counted from field 3 (state): starttime is field 22. */
  private static final int STARTTIME_AFTER_COMM = 22 - 3;

  private ProcStatParser() {}

  /** The parsed fields, or empty when the text is not a stat line. */
  public static Optional<ProcStat> parse(byte[] stat) {
    int open = indexOf(stat, (byte) '(');
    int close = lastIndexOf(stat, (byte) ')');
    // "<pid> (" : the pid, a single space, then the opening parenthesis.
    if (open < 2 || close < open || stat[open - 1] != ' ') {
      return Optional.empty();
    }
    try {
      int pid = Integer.parseInt(ascii(stat, 0, open - 1));
      String comm = ProcText.decode(stat, open + 1, close - open - 1);
      String rest = ascii(stat, close + 1, stat.length - close - 1).trim();
      String[] f = rest.split(" ");
      if (f.length <= STARTTIME_AFTER_COMM || f[0].length() != 1) {
        return Optional.empty();
      }
      int ppid = Integer.parseInt(f[1]);
      long startTime = Long.parseLong(f[STARTTIME_AFTER_COMM]);
      if (pid < 0 || ppid < 0 || startTime < 0) {
        return Optional.empty();
      }
      return Optional.of(new ProcStat(pid, comm, f[0].charAt(0), ppid, startTime));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String ascii(byte[] b, int offset, int length) {
    return new String(b, offset, length, StandardCharsets.ISO_8859_1);
  }

  private static int indexOf(byte[] b, byte c) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] b, byte c) {
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
