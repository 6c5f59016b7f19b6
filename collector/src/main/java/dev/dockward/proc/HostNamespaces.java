package dev.dockward.proc;

import dev.dockward.host.HostFs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The host's namespaces, by kind: the reference a process's namespaces are compared with to tell
 * whether it runs in the host's mount, pid or network namespace. It is taken from a process known
 * to be on the host ({@link HostReference}): pid 1, else the Docker daemon, since pid 1's {@code
 * ns} links may be unreadable even to root, and the agent's own may be a sandbox's.
 *
 * @param inodes the inode of each namespace kind; empty when unknown
 */
public record HostNamespaces(Map<String, Long> inodes) {
  /** No reference: comparisons give no answer. */
  public static final HostNamespaces UNKNOWN = new HostNamespaces(Map.of());

  public HostNamespaces {
    inodes = Map.copyOf(inodes);
  }

  /**
   * The namespaces of the agent's own process ({@code <proc>/self}); the host's only when the agent
   * runs in them.
   */
  public static HostNamespaces ofAgent(HostFs host) {
    Objects.requireNonNull(host, "host");
    return new HostNamespaces(new ProcReader(host).namespacesAt(host.proc().resolve("self")));
  }

  /** The namespaces of a given host process, e.g. dockerd; {@link #UNKNOWN} when unreadable. */
  public static HostNamespaces ofProcess(HostFs host, int pid) {
    return new HostNamespaces(new ProcReader(host).namespacesAt(host.pidDir(pid)));
  }

  public boolean known() {
    return !inodes.isEmpty();
  }

  /**
   * The kinds in which {@code namespaces} equal the host's, in {@link ProcReader#NAMESPACES} order;
   * empty when the reference is unknown.
   */
  public Optional<List<String>> sharedBy(Map<String, Long> namespaces) {
    if (!known()) {
      return Optional.empty();
    }
    List<String> shared = new ArrayList<>();
    for (String kind : ProcReader.NAMESPACES) {
      Long own = namespaces.get(kind);
      if (own != null && own.equals(inodes.get(kind))) {
        shared.add(kind);
      }
    }
    return Optional.of(shared);
  }
}
