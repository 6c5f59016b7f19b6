package dev.dockward.proc;

import dev.dockward.cgroup.ContainerIdResolver;
import dev.dockward.host.HostFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process known to run in the host's own namespaces, and what is read through it: the host's
 * namespace inodes, its mount table and its root directory.
 *
 * <p>It is pid 1 when pid 1's namespace links can be read, else the Docker daemon or containerd
 * (the lowest pid of either that is not in a container). It is never the agent itself: under
 * systemd's sandbox ({@code ProtectSystem}, {@code PrivateTmp}) the agent has a mount namespace of
 * its own, so a process that entered only the host's mount namespace would look like one that
 * stayed in its container, and host paths seen from the agent may be private copies. Only when no
 * such process exists does the reference fall back to the agent, and says so.
 *
 * <p>The daemon's pid is looked up again when it is gone (the daemon restarted); its namespaces,
 * the host's, stay the same.
 */
public final class HostReference {
  private static final Logger LOG = LoggerFactory.getLogger(HostReference.class);

  /** Host services that run in the host's namespaces on any Docker host, best first. */
  private static final List<String> HOST_DAEMONS = List.of("dockerd", "containerd");

  private final HostFs host;
  private final ProcReader reader;
  private final HostNamespaces namespaces;
  private volatile OptionalInt pid;
  private volatile String description;

  private HostReference(
      HostFs host,
      ProcReader reader,
      OptionalInt pid,
      String description,
      HostNamespaces namespaces) {
    this.host = host;
    this.reader = reader;
    this.pid = pid;
    this.description = description;
    this.namespaces = namespaces;
  }

  /** Finds the host's reference process under {@code host}'s procfs. */
  public static HostReference find(HostFs host) {
    Objects.requireNonNull(host, "host");
    ProcReader reader = new ProcReader(host);
    Map<String, Long> pid1 = reader.namespacesAt(host.pidDir(1));
    if (pid1.containsKey("mnt")) {
      return new HostReference(host, reader, OptionalInt.of(1), "pid 1", new HostNamespaces(pid1));
    }
    OptionalInt daemon = findDaemon(host, reader);
    if (daemon.isPresent()) {
      Map<String, Long> ns = reader.namespacesAt(host.pidDir(daemon.getAsInt()));
      if (ns.containsKey("mnt")) {
        return new HostReference(
            host, reader, daemon, describe(host, daemon.getAsInt()), new HostNamespaces(ns));
      }
    }
    LOG.warn(
        "neither pid 1 nor dockerd/containerd can be read: the host's namespaces are taken from the agent "
            + "itself, which is wrong when it runs in a namespace of its own (a systemd sandbox, a container)");
    return new HostReference(
        host,
        reader,
        OptionalInt.empty(),
        "the agent itself",
        new HostNamespaces(reader.namespacesAt(host.proc().resolve("self"))));
  }

  /** The host's namespace inodes, by kind. */
  public HostNamespaces namespaces() {
    return namespaces;
  }

  /**
   * What the reference is, for logs: {@code pid 1}, {@code dockerd (pid 812)}, {@code the agent
   * itself}.
   */
  public String description() {
    return description;
  }

  /** Whether the reference is a host process rather than the agent's own fallback. */
  public boolean fromHostProcess() {
    return pid.isPresent();
  }

  /**
   * The kinds of namespace in which the agent itself is not in the host's: {@code mnt} under a
   * systemd sandbox. Empty when the agent shares them all (or when it is its own reference).
   */
  public List<String> agentDiffers() {
    Map<String, Long> own = reader.namespacesAt(host.proc().resolve("self"));
    List<String> differ = new ArrayList<>();
    for (var e : namespaces.inodes().entrySet()) {
      Long mine = own.get(e.getKey());
      if (mine != null && !mine.equals(e.getValue())) {
        differ.add(e.getKey());
      }
    }
    return differ;
  }

  /**
   * The host's root directory as the agent reaches it: {@code /proc/<pid>/root}, else the agent's
   * own root.
   */
  public Path root() {
    OptionalInt p = livePid();
    return p.isPresent() ? host.pidDir(p.getAsInt()).resolve("root") : host.root();
  }

  /** The host's mount table: the reference's {@code mountinfo}, else the agent's own. */
  public Path mountinfo() {
    OptionalInt p = livePid();
    return (p.isPresent() ? host.pidDir(p.getAsInt()) : host.proc().resolve("self"))
        .resolve("mountinfo");
  }

  /** An absolute host path as the agent reaches it through the reference's root. */
  public Path hostPath(String absolute) {
    String relative = absolute.startsWith("/") ? absolute.substring(1) : absolute;
    return relative.isEmpty() ? root() : root().resolve(relative);
  }

  /** The reference's pid, found again when the daemon it named has gone. */
  private OptionalInt livePid() {
    OptionalInt p = pid;
    if (p.isEmpty() || Files.isDirectory(host.pidDir(p.getAsInt()))) {
      return p;
    }
    OptionalInt again = findDaemon(host, reader);
    if (again.isPresent()) {
      pid = again;
      description = describe(host, again.getAsInt());
      LOG.info("host reference is now {}", description);
    }
    return again.isPresent() ? again : OptionalInt.empty();
  }

  private static String describe(HostFs host, int pid) {
    return comm(host, pid) + " (pid " + pid + ")";
  }

  /**
   * The lowest pid of a host daemon, in {@link #HOST_DAEMONS} order, that is not in a container.
   */
  static OptionalInt findDaemon(HostFs host, ProcReader reader) {
    List<Integer> pids = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(host.proc(), "[0-9]*")) {
      for (Path dir : dirs) {
        pids.add(Integer.parseInt(dir.getFileName().toString()));
      }
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
    pids.sort(null);
    for (String daemon : HOST_DAEMONS) {
      for (int p : pids) {
        if (daemon.equals(comm(host, p)) && notInContainer(reader, p)) {
          return OptionalInt.of(p);
        }
      }
    }
    return OptionalInt.empty();
  }

  private static boolean notInContainer(ProcReader reader, int pid) {
    return reader.cgroup(pid).map(c -> ContainerIdResolver.containerId(c).isEmpty()).orElse(false);
  }

  private static String comm(HostFs host, int pid) {
    try {
      return new String(
              Files.readAllBytes(host.pidDir(pid).resolve("comm")), StandardCharsets.UTF_8)
          .strip();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
