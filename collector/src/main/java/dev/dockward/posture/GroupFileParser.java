package dev.dockward.posture;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code /etc/group} text → the members of one group ({@code name:password:gid:user,user}). */
final class GroupFileParser {
  private GroupFileParser() {}

  /** The members listed for {@code group}; empty when the file has no such group. */
  static Optional<List<String>> members(String text, String group) {
    for (String line : text.split("\n")) {
      String[] f = line.strip().split(":", -1);
      if (f.length >= 4 && f[0].equals(group)) {
        List<String> out = new ArrayList<>();
        for (String m : f[3].split(",")) {
          if (!m.isBlank()) {
            out.add(m.strip());
          }
        }
        return Optional.of(out);
      }
    }
    return Optional.empty();
  }
}
