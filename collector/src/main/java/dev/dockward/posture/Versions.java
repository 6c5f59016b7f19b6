package dev.dockward.posture;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Release numbers as Docker and Linux print them ({@code 20.10.24+dfsg1}, {@code 6.1.0-18-amd64}):
 * the leading dot-separated numbers, compared one by one; the rest is the packager's suffix.
 */
final class Versions {
  private Versions() {}

  /** The leading numbers; empty when the text does not start with one. */
  static List<Integer> numbers(String version) {
    List<Integer> out = new ArrayList<>();
    String v = version.startsWith("v") ? version.substring(1) : version;
    for (String part : v.split("\\.", -1)) {
      int end = 0;
      while (end < part.length() && end < 9 && Character.isDigit(part.charAt(end))) {
        end++;
      }
      if (end == 0) {
        break;
      }
      out.add(Integer.parseInt(part.substring(0, end)));
      if (end < part.length()) {
        break; // 24+dfsg1, 0-18-amd64: the suffix ends the numbers
      }
    }
    return out;
  }

  static int compare(List<Integer> a, List<Integer> b) {
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      int x = i < a.size() ? a.get(i) : 0;
      int y = i < b.size() ? b.get(i) : 0;
      if (x != y) {
        return Integer.compare(x, y);
      }
    }
    return 0;
  }

  /**
   * The minimum {@code version} falls short of: the listed minimum of its own release line (same
   * major.minor), else the lowest listed one when its line is older than every listed line; empty
   * when it is recent enough. Minimums that are not versions are ignored.
   */
  static Optional<String> shortOf(String version, List<String> minimums) {
    List<Integer> v = numbers(version);
    List<String> valid = minimums.stream().filter(m -> numbers(m).size() >= 2).toList();
    if (v.size() < 2 || valid.isEmpty()) {
      return Optional.empty();
    }
    for (String m : valid) {
      List<Integer> n = numbers(m);
      if (n.get(0).equals(v.get(0)) && n.get(1).equals(v.get(1))) {
        return compare(v, n) < 0 ? Optional.of(m) : Optional.empty();
      }
    }
    String lowest = valid.stream().min((x, y) -> compare(numbers(x), numbers(y))).orElseThrow();
    return compare(v, numbers(lowest)) < 0 ? Optional.of(lowest) : Optional.empty();
  }
}
