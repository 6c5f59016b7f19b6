package dev.dockward.cgroup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Parses {@code /proc/<pid>/cgroup}: one {@code hierarchy-id:controllers:path} line per hierarchy
 * (cgroup v1), and/or {@code 0::/path} (cgroup v2). The path may itself contain colons.
 */
public final class ProcCgroupParser {
  private ProcCgroupParser() {}

  /**
   * The lines in file order, or empty when a line is malformed. An empty file gives an empty list.
   */
  public static Optional<List<CgroupLine>> parse(String text) {
    List<CgroupLine> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(":", 3);
      if (f.length != 3 || !f[2].startsWith("/")) {
        return Optional.empty();
      }
      int id;
      try {
        id = Integer.parseInt(f[0]);
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      if (id < 0) {
        return Optional.empty();
      }
      List<String> controllers = f[1].isEmpty() ? List.of() : Arrays.asList(f[1].split(","));
      lines.add(new CgroupLine(id, controllers, f[2]));
    }
    return Optional.of(lines);
  }
}
