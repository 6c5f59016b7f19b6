package dev.dockward.cgroup;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code /proc/<pid>/mountinfo}: its cgroup mounts, mount ids, or every mount (proc(5)):
 * {@code id parent major:minor root mount-point options [optional fields…] - fstype source
 * super-options}. Lines that are not cgroup mounts, and malformed lines, are skipped.
 */
public final class MountInfoParser {
  /**
   * The v1 controllers the kernel knows; super options also hold {@code rw}, {@code nsdelegate}, …
   */
  private static final Set<String> V1_CONTROLLERS =
      Set.of(
          "cpu",
          "cpuacct",
          "cpuset",
          "memory",
          "devices",
          "freezer",
          "net_cls",
          "net_prio",
          "blkio",
          "perf_event",
          "hugetlb",
          "pids",
          "rdma",
          "misc");

  private MountInfoParser() {}

  /** The cgroup v1 and v2 mounts, in file order. */
  public static List<CgroupMount> cgroupMounts(String mountinfo) {
    List<CgroupMount> out = new ArrayList<>();
    for (String line : mountinfo.split("\n")) {
      String[] f = line.split(" ");
      int dash = indexOfSeparator(f);
      if (dash < 6 || dash + 1 >= f.length) {
        continue;
      }
      String fsType = f[dash + 1];
      String root = unescape(f[3]);
      String mountPoint = unescape(f[4]);
      if (fsType.equals("cgroup2")) {
        out.add(new CgroupMount(2, Set.of(), root, mountPoint));
      } else if (fsType.equals("cgroup") && dash + 3 < f.length) {
        Set<String> controllers = new HashSet<>();
        for (String option : f[dash + 3].split(",")) {
          if (V1_CONTROLLERS.contains(option) || option.startsWith("name=")) {
            controllers.add(option);
          }
        }
        out.add(new CgroupMount(1, controllers, root, mountPoint));
      }
    }
    return out;
  }

  /**
   * The mount id of each mount point, in file order; where mounts stack on one point, the last (the
   * one on top) wins. Malformed lines are skipped.
   */
  public static Map<String, Integer> mountIds(String mountinfo) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String line : mountinfo.split("\n")) {
      String[] f = line.split(" ");
      if (f.length < 7 || indexOfSeparator(f) < 6) {
        continue;
      }
      try {
        out.put(unescape(f[4]), Integer.parseInt(f[0]));
      } catch (NumberFormatException e) {
        // not a mount line
      }
    }
    return out;
  }

  /** Every mount, in file order; malformed lines are skipped. */
  public static List<MountEntry> mounts(String mountinfo) {
    List<MountEntry> out = new ArrayList<>();
    for (String line : mountinfo.split("\n")) {
      String[] f = line.split(" ");
      int dash = indexOfSeparator(f);
      if (dash < 6 || dash + 2 >= f.length) {
        continue;
      }
      try {
        out.add(
            new MountEntry(
                Integer.parseInt(f[0]),
                f[2],
                unescape(f[3]),
                unescape(f[4]),
                f[dash + 1],
                unescape(f[dash + 2]),
                dash + 3 < f.length ? f[dash + 3] : ""));
      } catch (NumberFormatException e) {
        // not a mount line
      }
    }
    return out;
  }

  /** The index of the {@code -} that ends the optional fields, or -1. */
  private static int indexOfSeparator(String[] fields) {
    for (int i = 6; i < fields.length; i++) {
      if (fields[i].equals("-")) {
        return i;
      }
    }
    return -1;
  }

  /** The kernel writes space, tab, newline and backslash in paths as {@code \ooo} octal escapes. */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }
}
