package dev.dockward.proc;

import java.util.Optional;

/**
 * Parses {@code /proc/<pid>/status} for {@code Uid:} and {@code CapEff:}. Only the kernel's own
 * lines are looked at: a line is taken only when it starts with the key, and {@code Name:} (the
 * only process-chosen text) is escaped by the kernel, so it cannot forge one.
 */
public final class ProcStatusParser {
  private ProcStatusParser() {}

  /**
   * The parsed fields, or empty when {@code Uid:} or {@code CapEff:} is missing or malformed, or a
   * uid does not fit the event model's {@code int} (above 2³¹−1).
   */
  public static Optional<ProcStatus> parse(String status) {
    Integer uid = null;
    Integer euid = null;
    Long capEff = null;
    try {
      for (String line : status.split("\n")) {
        if (line.startsWith("Uid:")) {
          String[] f = line.substring(4).trim().split("\\s+");
          if (f.length < 2) {
            return Optional.empty();
          }
          uid = Integer.parseInt(f[0]);
          euid = Integer.parseInt(f[1]);
        } else if (line.startsWith("CapEff:")) {
          String hex = line.substring(7).trim();
          if (hex.isEmpty() || hex.length() > 16) {
            return Optional.empty();
          }
          capEff = Long.parseUnsignedLong(hex, 16);
        }
      }
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (uid == null || uid < 0 || euid < 0 || capEff == null) {
      return Optional.empty();
    }
    return Optional.of(new ProcStatus(uid, euid, capEff));
  }
}
