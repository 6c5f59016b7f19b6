package dev.dockward.hostwatch;

import dev.dockward.cgroup.ContainerIdResolver;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.DaemonSocketConnected;
import dev.dockward.event.Event;
import dev.dockward.event.MountInfo;
import dev.dockward.event.ProcessInfo;
import dev.dockward.host.HostFs;
import dev.dockward.netlink.NetlinkUnavailableException;
import dev.dockward.proc.ProcReader;
import dev.dockward.proc.StdioLinkParser;
import dev.dockward.sockdiag.UnixSocketDiag;
import dev.dockward.sockdiag.UnixSocketEntry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the processes connected to a container runtime's API socket (source {@value #NAME}). A
 * client's end of a unix socket has no path, so the daemon's ends are listed instead: an accepted
 * connection carries its listener's path and names its peer, the client's socket. It lives in the
 * client's network namespace, so the agent's own and each running container's are listed (see
 * {@link UnixSocketDiag#openIn}); each new peer inode is then looked up in {@code /proc/<pid>/fd}.
 * Connections of processes in containers are reported, once per connection; host clients (the agent
 * itself, the docker CLI on the host) are remembered and skipped. Used by one thread.
 *
 * <p>The poll runs every few hundred milliseconds, so a pass costs little: a container's namespace
 * is read from its init process's {@code ns/net} link once per run of the container, and the diag
 * socket made in it is kept until the container stops (a socket keeps its namespace), so a pass is
 * one dump of connected sockets per namespace and no namespace is entered again.
 *
 * <p>Only the namespaces of containers that can reach a watched socket by their configuration
 * ({@link #canReachSocket}: the socket or a directory above it mounted, the host's {@code /proc},
 * the host's or another container's pid namespace, privileged or {@code SYS_ADMIN}) are listed on
 * every pass; the other containers' are listed when at least {@link #ALL_NAMESPACES_EVERY} has
 * passed since they last were, a bound for a way in that the configuration does not show, and on
 * the pass after {@link #listAllNext}. On a host of idle containers none of which mounts the
 * socket, a pass is then one dump.
 */
public final class DaemonSocketWatch implements WatchPass {
  /** The source's name in events, logs and metrics. */
  public static final String NAME = "daemon_socket";

  /**
   * The longest pause between two listings of the namespaces of containers that cannot reach the
   * socket.
   */
  public static final Duration ALL_NAMESPACES_EVERY = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(DaemonSocketWatch.class);

  private final HostFs host;
  private final ProcReader reader;
  private final Set<String> socketPaths;
  private final SocketTable dump;
  private final Supplier<? extends List<ContainerInfo>> running;
  private final Runnable closer;

  /**
   * Client inodes already looked at, connected now, with the namespace they were listed in:
   * reported or not, not looked up again.
   */
  private Map<Long, String> known = new HashMap<>();

  /** The socket paths and the directories above them, also as reached through /run for /var/run. */
  private final Set<String> reachedThrough;

  /** When the last pass listed every container's namespace; null before the first. */
  private Instant allListedAt;

  /** Set by {@link #listAllNext}: the next pass lists every container's namespace. */
  private final AtomicBoolean listAll = new AtomicBoolean();

  private final LongAdder dumpFailures = new LongAdder();
  private final LongAdder unresolved = new LongAdder();
  private final LongAdder lookups = new LongAdder();

  /**
   * Why containers' namespaces cannot be listed (a refused setns), as of the last pass; null when
   * they can.
   */
  private volatile String denied;

  /** Lists the unix sockets of a network namespace. */
  @FunctionalInterface
  public interface SocketTable {
    /**
     * @param netnsFile a {@code /proc/<pid>/ns/net} file, or empty for the agent's own namespace
     * @throws RuntimeException when the namespace cannot be listed (counted)
     */
    List<UnixSocketEntry> dump(Optional<String> netnsFile);

    /**
     * As {@link #dump(Optional)}, with the identity of the namespace the file names ({@code
     * net:[N]}), for a table that keeps something per namespace.
     */
    default List<UnixSocketEntry> dump(Optional<String> netnsFile, String namespace) {
      return dump(netnsFile);
    }

    /** The namespaces the last pass listed: what is kept for the others may go. */
    default void retain(Set<String> namespaces) {}

    /** Releases what the table keeps. */
    default void close() {}
  }

  /**
   * A namespace to list: its {@code ns/net} file (empty: the agent's own) and its identity.
   *
   * @param exposed whether a container in it can reach a watched socket by its configuration
   */
  private record Namespace(Optional<String> file, String id, boolean exposed) {}

  /**
   * A container's network namespace as read from its init process, kept while that process is its
   * init.
   */
  private record Link(long initPid, Path file, String id) {}

  /** Container id to its namespace link, for the containers of the last pass. */
  private Map<String, Link> links = new HashMap<>();

  /**
   * @param socketPaths the API sockets' paths as the daemons bound them, e.g. {@code
   *     /var/run/docker.sock}
   * @param running the running containers, whose network namespaces are listed too
   * @param dump lists the unix sockets of a namespace
   */
  public DaemonSocketWatch(
      HostFs host,
      ProcReader reader,
      Set<String> socketPaths,
      Supplier<? extends List<ContainerInfo>> running,
      SocketTable dump) {
    this(host, reader, socketPaths, running, dump, () -> {});
  }

  private DaemonSocketWatch(
      HostFs host,
      ProcReader reader,
      Set<String> socketPaths,
      Supplier<? extends List<ContainerInfo>> running,
      SocketTable dump,
      Runnable closer) {
    this.closer = closer;
    this.running = Objects.requireNonNull(running, "running");
    this.host = Objects.requireNonNull(host, "host");
    this.reader = Objects.requireNonNull(reader, "reader");
    this.socketPaths = Set.copyOf(socketPaths);
    this.dump = Objects.requireNonNull(dump, "dump");
    this.reachedThrough = reachedThrough(this.socketPaths);
  }

  /**
   * A watch over the kernel's own socket table ({@code NETLINK_SOCK_DIAG}); closing it closes the
   * diag socket.
   */
  public static DaemonSocketWatch open(
      HostFs host,
      ProcReader reader,
      Set<String> socketPaths,
      Supplier<? extends List<ContainerInfo>> running)
      throws NetlinkUnavailableException {
    DiagSockets dump = new DiagSockets(UnixSocketDiag.open());
    return new DaemonSocketWatch(host, reader, socketPaths, running, dump, dump::close);
  }

  /**
   * The kernel's socket tables through one diag socket per network namespace, made on first use
   * (entering the namespace once) and kept while the namespace is listed.
   */
  private static final class DiagSockets implements SocketTable {
    private final UnixSocketDiag own;
    private final Map<String, UnixSocketDiag> inside = new HashMap<>();

    DiagSockets(UnixSocketDiag own) {
      this.own = own;
    }

    @Override
    public List<UnixSocketEntry> dump(Optional<String> netnsFile) {
      return dump(netnsFile, netnsFile.orElse(""));
    }

    @Override
    public List<UnixSocketEntry> dump(Optional<String> netnsFile, String namespace) {
      if (netnsFile.isEmpty()) {
        return own.dumpConnected();
      }
      UnixSocketDiag diag = inside.get(namespace);
      if (diag == null) {
        try {
          diag = UnixSocketDiag.openIn(netnsFile.get());
        } catch (NetlinkUnavailableException e) {
          throw new IllegalStateException(
              e.getMessage(), e); // the container stopped meanwhile, or setns refused
        }
        inside.put(namespace, diag);
      }
      try {
        return diag.dumpConnected();
      } catch (RuntimeException e) {
        inside.remove(namespace).close(); // made afresh next pass
        throw e;
      }
    }

    @Override
    public void retain(Set<String> namespaces) {
      inside
          .entrySet()
          .removeIf(
              e -> {
                if (namespaces.contains(e.getKey())) {
                  return false;
                }
                e.getValue().close(); // its container stopped: let its namespace go
                return true;
              });
    }

    @Override
    public void close() {
      inside.values().forEach(UnixSocketDiag::close);
      inside.clear();
      own.close();
    }
  }

  @Override
  public void close() {
    closer.run();
  }

  @Override
  public Map<String, Long> counters() {
    return Map.of(
        "dump_failures",
        dumpFailures.sum(),
        "unresolved_clients",
        unresolved.sum(),
        "fd_lookups",
        lookups.sum());
  }

  /**
   * Makes the next pass list every container's namespace, whatever it can reach (on a Docker API
   * event: its client may be in any container and still connected). Any thread; never blocks.
   */
  public void listAllNext() {
    listAll.set(true);
  }

  @Override
  public List<Event> pass(Instant now) {
    Map<Long, UnixSocketEntry> serverEndOf = new HashMap<>();
    Map<Long, String> namespaceOf = new HashMap<>();
    String deniedNow = null;
    List<Namespace> namespaces = namespaces();
    boolean all =
        listAll.getAndSet(false)
            || allListedAt == null
            || !now.isBefore(allListedAt.plus(ALL_NAMESPACES_EVERY))
            || now.isBefore(allListedAt);
    if (all) {
      allListedAt = now;
    }
    Set<String> present = new HashSet<>();
    Set<String> listed = new HashSet<>();
    boolean containersListed = false;
    for (Namespace netns : namespaces) {
      present.add(netns.id());
      if (!all && !netns.exposed() && netns.file().isPresent()) {
        continue; // listed on a later pass (ALL_NAMESPACES_EVERY)
      }
      listed.add(netns.id());
      containersListed |= netns.file().isPresent();
      List<UnixSocketEntry> sockets;
      try {
        sockets = dump.dump(netns.file(), netns.id());
      } catch (RuntimeException e) {
        dumpFailures.increment();
        if (isDenied(e)) {
          deniedNow = e.getMessage();
        }
        continue;
      }
      for (UnixSocketEntry s : sockets) {
        if (s.state() == UnixSocketEntry.CONNECTED
            && s.peerInode() != 0
            && socketPaths.contains(s.path())) {
          serverEndOf.put(s.peerInode(), s);
          namespaceOf.put(s.peerInode(), netns.id());
        }
      }
    }
    dump.retain(present); // a namespace not listed in this pass keeps its diag socket
    if (containersListed || namespaces.stream().noneMatch(n -> n.file().isPresent())) {
      noteDenial(deniedNow); // a pass that entered no container's namespace says nothing of setns
    }
    Set<Long> fresh = new HashSet<>(serverEndOf.keySet());
    fresh.removeAll(known.keySet());
    // Closed connections are forgotten; those of namespaces this pass did not list are kept.
    Map<Long, String> stillKnown = new HashMap<>(namespaceOf);
    known.forEach(
        (client, netns) -> {
          if (!listed.contains(netns) && present.contains(netns)) {
            stillKnown.putIfAbsent(client, netns);
          }
        });
    known = stillKnown;
    if (fresh.isEmpty()) {
      return List.of();
    }
    lookups.increment();
    Map<Long, Integer> owners = owners(fresh);
    List<Event> out = new ArrayList<>();
    for (long client : fresh) {
      Integer pid = owners.get(client);
      if (pid == null) {
        unresolved.increment(); // closed meanwhile, or held by a process in another pid view
        continue;
      }
      Optional<ProcessInfo> proc = reader.read(pid);
      if (proc.isEmpty()) {
        unresolved.increment();
        continue;
      }
      Optional<String> container = ContainerIdResolver.containerId(proc.get().cgroup());
      if (container.isEmpty()) {
        continue; // a host client
      }
      UnixSocketEntry server = serverEndOf.get(client);
      out.add(
          new DaemonSocketConnected(
              now,
              NAME,
              proc.get(),
              server.path(),
              server.inode(),
              client,
              container.map(ContainerInfo::unresolved)));
    }
    return out;
  }

  /**
   * Containers' namespaces that may not be entered: the agent lacks CAP_SYS_ADMIN, or a sandbox
   * forbids setns (systemd's {@code RestrictNamespaces}). Said once per episode; a container that
   * stopped meanwhile is no denial.
   */
  private void noteDenial(String deniedNow) {
    if (deniedNow != null && denied == null) {
      LOG.warn(
          "{}: cannot list unix sockets inside containers' network namespaces ({}): a container process "
              + "connected to the Docker API socket is not seen",
          NAME,
          deniedNow);
    } else if (deniedNow == null && denied != null) {
      LOG.info("{}: containers' network namespaces can be listed again", NAME);
    }
    denied = deniedNow;
  }

  private static boolean isDenied(RuntimeException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("Operation not permitted") || m.contains("Permission denied");
  }

  @Override
  public Optional<String> blindness() {
    String d = denied;
    return d == null
        ? Optional.empty()
        : Optional.of(
            "cannot enter containers' network namespaces ("
                + d
                + "): Docker API clients inside "
                + "containers are not seen");
  }

  /**
   * The agent's own network namespace, then each running container's that differs from it, once
   * each. A container's link is read once per init process; the agent's own once per pass (cheap,
   * and a sandbox may move the agent).
   */
  private List<Namespace> namespaces() {
    List<Namespace> out = new ArrayList<>();
    String own = netnsLink(host.proc().resolve("self/ns/net"));
    out.add(new Namespace(Optional.empty(), own, true));
    Map<String, Integer> seen = new HashMap<>(); // namespace id to its place in out
    seen.put(own, 0);
    Map<String, Link> now = new HashMap<>();
    for (ContainerInfo c : running.get()) {
      if (c.initPid().isEmpty()) {
        continue;
      }
      long pid = c.initPid().getAsLong();
      Link link = links.get(c.id());
      if (link == null || link.initPid() != pid) {
        Path file = host.pidDir((int) pid).resolve("ns/net");
        link = new Link(pid, file, netnsLink(file));
      }
      if (!link.id().equals(link.file().toString())) {
        now.put(
            c.id(),
            link); // else unreadable: listed by its path (the dump says why), read again next pass
      }
      boolean exposed = canReachSocket(c, reachedThrough);
      Integer at = seen.get(link.id());
      if (at == null) {
        seen.put(link.id(), out.size());
        out.add(new Namespace(Optional.of(link.file().toString()), link.id(), exposed));
      } else if (exposed && !out.get(at).exposed()) {
        out.set(
            at,
            new Namespace(
                out.get(at).file(), link.id(), true)); // shared with a container that can reach it
      }
    }
    links = now;
    return out;
  }

  /**
   * Whether a container can reach one of the paths by its configuration alone: a mount of one of
   * them (the socket, a directory above it, {@code /}) or of the host's {@code /proc} (every host
   * process's root is under it), the host's or another container's pid namespace (the same, through
   * {@code /proc/<pid>/root}), privileged or with {@code SYS_ADMIN} (it can mount the host's disk).
   *
   * @param reachedThrough the socket paths and every directory above them ({@link #reachedThrough})
   */
  static boolean canReachSocket(ContainerInfo c, Set<String> reachedThrough) {
    if (c.privileged()
        || !c.namespaces().pid().isEmpty() && !c.namespaces().pid().equals("private")) {
      return true;
    }
    for (String cap : c.capAdd()) {
      String name = cap.toUpperCase(Locale.ROOT);
      if (name.equals("ALL") || name.equals("SYS_ADMIN") || name.equals("CAP_SYS_ADMIN")) {
        return true;
      }
    }
    for (MountInfo m : c.mounts()) {
      String source = trimSlash(m.source());
      if (reachedThrough.contains(source)
          || source.equals("/proc")
          || source.startsWith("/proc/")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Each path and every directory above it (down to {@code /}), and the same under {@code /run} for
   * a path under {@code /var/run} (a link to {@code /run} on every mainstream distribution).
   */
  static Set<String> reachedThrough(Set<String> paths) {
    Set<String> out = new HashSet<>();
    for (String p : paths) {
      List<String> forms = new ArrayList<>(List.of(trimSlash(p)));
      if (p.startsWith("/var/run/")) {
        forms.add(p.substring("/var".length()));
      }
      for (String f : forms) {
        for (String q = f; !q.isEmpty(); q = q.substring(0, Math.max(0, q.lastIndexOf('/')))) {
          out.add(q);
        }
      }
      out.add("/");
    }
    return out;
  }

  private static String trimSlash(String path) {
    String p = path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  /**
   * The {@code net:[N]} a namespace link names, or the path itself when unreadable (then listed
   * anyway).
   */
  private static String netnsLink(Path file) {
    try {
      return Files.readSymbolicLink(file).toString();
    } catch (IOException | RuntimeException e) {
      return file.toString();
    }
  }

  /** The pid holding each wanted socket inode, from every process's fd links. */
  private Map<Long, Integer> owners(Set<Long> wanted) {
    Map<Long, Integer> found = new HashMap<>();
    int[] pids = reader.pids().toArray();
    for (int pid : pids) {
      Path fd = host.pidDir(pid).resolve("fd");
      try (DirectoryStream<Path> links = Files.newDirectoryStream(fd)) {
        for (Path link : links) {
          OptionalLong inode = socketInode(link);
          if (inode.isPresent() && wanted.contains(inode.getAsLong())) {
            found.putIfAbsent(inode.getAsLong(), pid);
          }
        }
      } catch (IOException | RuntimeException e) {
        // gone, or a kernel thread: no fds to look at
      }
      if (found.size() == wanted.size()) {
        break;
      }
    }
    return found;
  }

  private static OptionalLong socketInode(Path link) {
    try {
      return StdioLinkParser.socketInode(Files.readSymbolicLink(link).toString());
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty(); // closed since the listing
    }
  }
}
