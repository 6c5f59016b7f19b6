package dev.dockward.host;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The roots of the host's file system, {@code /proc}, {@code /sys}, {@code /var/run} and {@code
 * /etc}. Every reader of host files resolves its paths from one of these, so the agent also works
 * with the host mounted elsewhere (e.g. {@code /hostfs} when it runs in a container) and tests
 * point it at a fixture tree.
 *
 * @param root the host's root directory, for paths a configuration names (a daemon's socket)
 * @param proc the procfs root, normally {@code /proc}
 * @param sys the sysfs root, normally {@code /sys}
 * @param run the runtime state directory, normally {@code /var/run}
 * @param etc the configuration directory, normally {@code /etc}
 */
public record HostFs(Path root, Path proc, Path sys, Path run, Path etc) {
  public HostFs {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(sys, "sys");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(etc, "etc");
  }

  /** The file systems of the machine the JVM runs on. */
  public static HostFs system() {
    return rootedAt(Path.of("/"));
  }

  /**
   * A host whose root directory is mounted at {@code root} ({@code root/proc}, {@code root/sys},
   * …).
   */
  public static HostFs rootedAt(Path root) {
    return new HostFs(
        root,
        root.resolve("proc"),
        root.resolve("sys"),
        root.resolve("var/run"),
        root.resolve("etc"));
  }

  /** {@code <proc>/<pid>}. */
  public Path pidDir(int pid) {
    return proc.resolve(Integer.toString(pid));
  }

  /**
   * An absolute host path as seen from here: {@code /etc/…} under {@link #etc}, {@code /var/run/…}
   * and {@code /run/…} under {@link #run}, anything else under {@link #root}.
   */
  public Path hostPath(String absolute) {
    String p = absolute.startsWith("/") ? absolute.substring(1) : absolute;
    if (p.startsWith("etc/")) {
      return etc.resolve(p.substring(4));
    }
    if (p.startsWith("var/run/")) {
      return run.resolve(p.substring(8));
    }
    if (p.startsWith("run/")) {
      return run.resolve(p.substring(4));
    }
    return root.resolve(p);
  }
}
