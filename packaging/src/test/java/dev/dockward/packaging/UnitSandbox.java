package dev.dockward.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shipped unit's restrictions, read from the unit file, as a command prefix that starts a
 * program under the closest equivalent this machine allows without systemd as its init:
 *
 * <ul>
 *   <li>a mount namespace of its own ({@code unshare -m}, slave propagation, as systemd makes one
 *       for {@code ProtectSystem}, {@code ProtectHome} and {@code PrivateTmp}), with the system
 *       directories bound read-only and fresh {@code /tmp} and {@code /var/tmp};
 *   <li>exactly the unit's capability bounding set, no inheritable capabilities, and {@code
 *       no_new_privs} when {@code NoNewPrivileges=yes} ({@code setpriv}).
 * </ul>
 *
 * Not reproduced, because they are seccomp filters or cgroup settings systemd applies itself:
 * {@code SystemCallFilter}, {@code RestrictNamespaces}, {@code RestrictAddressFamilies}, {@code
 * MemoryMax}, {@code CPUQuota}, {@code TasksMax}. {@link #allowedSyscalls} checks the first two
 * statically instead.
 */
final class UnitSandbox {
  /** Directories {@code ProtectSystem=strict} and {@code ProtectHome=read-only} make read-only. */
  private static final List<String> READ_ONLY =
      List.of("/usr", "/etc", "/boot", "/opt", "/root", "/home");

  private final List<String> unit;

  private UnitSandbox(List<String> unit) {
    this.unit = unit;
  }

  static UnitSandbox of(Path unitFile) throws IOException {
    return new UnitSandbox(Files.readAllLines(unitFile));
  }

  /** Every value of a setting, in file order (a setting may be given several times). */
  List<String> values(String key) {
    List<String> out = new ArrayList<>();
    for (String line : unit) {
      if (line.startsWith(key + "=")) {
        out.add(line.substring(key.length() + 1).strip());
      }
    }
    return out;
  }

  Optional<String> value(String key) {
    List<String> all = values(key);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** {@code -all,+cap_a,+cap_b} for setpriv, from {@code CapabilityBoundingSet}. */
  String boundingSet() {
    StringBuilder bounding = new StringBuilder("-all");
    for (String cap : value("CapabilityBoundingSet").orElseThrow().split("\\s+")) {
      bounding.append(",+").append(cap.toLowerCase(Locale.ROOT).replaceFirst("^cap_", ""));
    }
    return bounding.toString();
  }

  /**
   * The command that runs {@code command} under the unit's mount namespace, capabilities and
   * no_new_privs.
   */
  List<String> wrap(List<String> command) {
    StringBuilder script = new StringBuilder("set -e\n");
    boolean privateMounts =
        value("ProtectSystem").isPresent() || value("PrivateTmp").map("yes"::equals).orElse(false);
    if (value("ProtectSystem").isPresent()) {
      for (String dir : READ_ONLY) {
        script
            .append("if [ -d ")
            .append(dir)
            .append(" ]; then mount --bind ")
            .append(dir)
            .append(' ')
            .append(dir)
            .append(" && mount -o remount,bind,ro ")
            .append(dir)
            .append("; fi\n");
      }
    }
    if (value("PrivateTmp").map("yes"::equals).orElse(false)) {
      script.append(
          "mount -t tmpfs -o mode=1777 tmpfs /tmp\nmount -t tmpfs -o mode=1777 tmpfs /var/tmp\n");
    }
    script.append("exec setpriv --bounding-set ").append(boundingSet()).append(" --inh-caps -all");
    if (value("NoNewPrivileges").map("yes"::equals).orElse(false)) {
      script.append(" --no-new-privs");
    }
    script.append(" \"$@\"\n");
    List<String> out = new ArrayList<>();
    if (privateMounts) {
      out.addAll(List.of("unshare", "-m", "--propagation", "slave", "--"));
    }
    out.addAll(List.of("sh", "-c", script.toString(), "sandbox"));
    out.addAll(command);
    return out;
  }

  /**
   * The system calls the unit's {@code SystemCallFilter} lines allow, expanded with {@code
   * systemd-analyze syscall-filter}: allow lists add, {@code ~} lists remove, in file order.
   */
  Set<String> allowedSyscalls() throws IOException, InterruptedException {
    Set<String> allowed = new TreeSet<>();
    for (String filter : values("SystemCallFilter")) {
      boolean deny = filter.startsWith("~");
      for (String item : (deny ? filter.substring(1) : filter).strip().split("\\s+")) {
        Set<String> calls = expand(item, new HashSet<>());
        if (deny) {
          allowed.removeAll(calls);
        } else {
          allowed.addAll(calls);
        }
      }
    }
    return allowed;
  }

  private static Set<String> expand(String item, Set<String> seen)
      throws IOException, InterruptedException {
    if (!item.startsWith("@")) {
      return Set.of(item);
    }
    Set<String> out = new HashSet<>();
    if (!seen.add(item)) {
      return out;
    }
    PackageIT.Result r = PackageIT.sh("systemd-analyze", "syscall-filter", "--no-pager", item);
    if (r.code() != 0) {
      throw new IOException("systemd-analyze syscall-filter " + item + ": " + r.out());
    }
    for (String line : r.out().lines().toList()) {
      String member = line.strip();
      if (!line.startsWith(" ") || member.isEmpty() || member.startsWith("#")) {
        continue; // the group's own heading and comments
      }
      out.addAll(expand(member, seen));
    }
    return out;
  }
}
