package dev.dockward.hostfs;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The roots of the host's {@code /proc}, {@code /sys} and {@code /var/run}. Every reader of host
 * files resolves its paths from one of these, so the agent also works with the host mounted
 * elsewhere (e.g. {@code /hostfs} when it runs in a container) and tests point it at a fixture tree.
 *
 * @param proc the procfs root, normally {@code /proc}
 * @param sys the sysfs root, normally {@code /sys}
 * @param run the runtime state directory, normally {@code /var/run}
 */
public record HostFs(Path proc, Path sys, Path run) {
  public HostFs {
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(sys, "sys");
    Objects.requireNonNull(run, "run");
  }

  /** The file systems of the machine the JVM runs on. */
  public static HostFs system() {
    return rootedAt(Path.of("/"));
  }

  /** A host whose root directory is mounted at {@code root} ({@code root/proc}, {@code root/sys}, {@code root/var/run}). */
  public static HostFs rootedAt(Path root) {
    return new HostFs(root.resolve("proc"), root.resolve("sys"), root.resolve("var/run"));
  }

  /** {@code <proc>/<pid>}. */
  public Path pidDir(int pid) {
    return proc.resolve(Integer.toString(pid));
  }
}
