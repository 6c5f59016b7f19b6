package dev.dockward.posture;

import dev.dockward.host.HostFs;
import dev.dockward.host.MachineFactsProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the posture facts of a host: every path through {@link HostFs}, the containers through a
 * {@link ContainerLister}. Whatever cannot be read becomes a {@link CheckProblem}; nothing here
 * throws for what it finds on the host.
 */
final class PostureFactsReader {
  static final String DEFAULT_CONFIG = "/etc/docker/daemon.json";
  static final String DEFAULT_SOCKET = "/var/run/docker.sock";

  /** Where systemd's docker.socket unit puts the socket it hands over as {@code fd://}. */
  static final String SYSTEMD_SOCKET = "/run/docker.sock";

  private final HostFs fs;
  private final ContainerLister containers;
  private final EngineProbe engine;
  private final MachineFactsProvider machine;

  PostureFactsReader(
      HostFs fs, ContainerLister containers, EngineProbe engine, MachineFactsProvider machine) {
    this.fs = fs;
    this.containers = containers;
    this.engine = engine;
    this.machine = machine;
  }

  PostureFacts read() {
    List<CheckProblem> problems = new ArrayList<>();
    List<Daemon> daemons = new ArrayList<>();
    try {
      List<DockerdProcess> found = new DockerdProcessReader(fs.proc()).read();
      if (found.isEmpty()) {
        problems.add(
            new CheckProblem(
                "dockerd",
                "no dockerd process in "
                    + fs.proc()
                    + ": the daemon's configuration, API sockets and TLS were not checked"));
      }
      for (DockerdProcess p : found) {
        daemons.add(daemon(p, problems));
      }
    } catch (IOException e) {
      problems.add(new CheckProblem("dockerd processes", "cannot list " + fs.proc() + ": " + e));
    }
    Optional<List<String>> members = Optional.empty();
    Path group = fs.etc().resolve("group");
    try {
      members = GroupFileParser.members(Files.readString(group, StandardCharsets.UTF_8), "docker");
    } catch (IOException e) {
      problems.add(new CheckProblem("/etc/group", "cannot read " + group + ": " + e));
    }
    Optional<List<AuditedContainer>> running = Optional.empty();
    try {
      running = Optional.of(List.copyOf(containers.running()));
    } catch (IOException e) {
      problems.add(
          new CheckProblem(
              "containers",
              "the Docker API did not list the running containers: " + e.getMessage()));
    }
    Optional<EngineFacts> engineFacts = Optional.empty();
    try {
      engineFacts = Optional.of(engine.engine());
    } catch (IOException e) {
      problems.add(
          new CheckProblem(
              "docker engine",
              "the Docker API did not say its version and security options: " + e.getMessage()));
    }
    Set<Long> daemonInodes = new HashSet<>();
    daemons.forEach(d -> daemonInodes.addAll(d.inodes()));
    HostFacts host = new HostFactsReader(fs, machine).read(daemonInodes, problems);
    return new PostureFacts(
        daemons.stream().map(Daemon::facts).toList(),
        members,
        running,
        host,
        engineFacts,
        problems);
  }

  /**
   * A daemon's facts and the inodes of its sockets, which tell its listeners from other services'.
   */
  private record Daemon(DaemonFacts facts, Set<Long> inodes) {}

  private Daemon daemon(DockerdProcess p, List<CheckProblem> problems) {
    DaemonSettings flags = DaemonFlagsParser.parse(p.argv());
    String configFile = flags.configFile().orElse(DEFAULT_CONFIG);
    Path config = fs.hostPath(configFile);
    DaemonSettings file = DaemonSettings.NONE;
    boolean configKnown = true;
    try {
      file = DaemonJsonParser.parse(Files.readString(config, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      // no daemon.json: every setting the command line leaves out is Docker's default
    } catch (IOException e) {
      configKnown = false;
      problems.add(
          new CheckProblem(
              configFile,
              "dockerd (pid "
                  + p.pid()
                  + ") configuration could not be read: "
                  + e.getMessage().replace('\n', ' ')));
    }
    DaemonSettings settings = flags.over(file);
    Set<Long> inodes = Set.of();
    try {
      inodes = socketInodes(fs.pidDir(p.pid()).resolve("fd"));
    } catch (IOException e) {
      problems.add(
          new CheckProblem(
              "dockerd (pid " + p.pid() + ") sockets", "cannot list its file descriptors: " + e));
    }
    List<TcpListener> api = List.of();
    List<TcpConnection> clients = List.of();
    List<Integer> ports = tcpPorts(settings);
    if (!ports.isEmpty()) {
      try {
        Set<Long> own = inodes;
        api =
            tcpTable(p.pid(), t -> ProcNetTcpParser.listening(t).listeners()).stream()
                .filter(l -> own.contains(l.inode()) && ports.contains(l.port()))
                .toList();
        Set<Integer> listening = new HashSet<>();
        api.forEach(l -> listening.add(l.port()));
        clients =
            tcpTable(p.pid(), ProcNetTcpParser::established).stream()
                .filter(c -> own.contains(c.inode()) && listening.contains(c.localPort()))
                .toList();
      } catch (IOException e) {
        problems.add(
            new CheckProblem(
                "dockerd (pid " + p.pid() + ") TCP sockets",
                "cannot match its tcp hosts "
                    + tcpHosts(settings)
                    + " to listening sockets: "
                    + e));
      }
    }
    List<SocketFile> sockets = new ArrayList<>();
    for (String path : unixSockets(settings)) {
      try {
        sockets.add(socket(path));
      } catch (IOException e) {
        problems.add(
            new CheckProblem(
                path, "dockerd (pid " + p.pid() + ") socket could not be examined: " + e));
      }
    }
    Map<String, String> environ = Map.of();
    try {
      environ = environ(Files.readAllBytes(fs.pidDir(p.pid()).resolve("environ")));
    } catch (IOException e) {
      problems.add(
          new CheckProblem(
              "dockerd (pid " + p.pid() + ") environment",
              "cannot read it (DOCKER_CONTENT_TRUST, DOCKER_CERT_PATH): " + e));
    }
    Optional<HostFile> tlsKey = Optional.empty();
    if (settings.tls().orElse(false) || settings.tlsVerify().orElse(false)) {
      String key =
          settings
              .tlsKey()
              .orElse(environ.getOrDefault("DOCKER_CERT_PATH", "/root/.docker") + "/key.pem");
      try {
        tlsKey = Optional.of(hostFile(key));
      } catch (IOException e) {
        problems.add(
            new CheckProblem(
                key, "dockerd (pid " + p.pid() + ") TLS key could not be examined: " + e));
      }
    }
    DaemonFacts facts =
        new DaemonFacts(
            p,
            settings,
            configFile,
            configKnown,
            api,
            sockets,
            uid(p.pid(), problems),
            clients,
            tlsKey,
            Optional.ofNullable(environ.get("DOCKER_CONTENT_TRUST")));
    return new Daemon(facts, inodes);
  }

  /** Both TCP tables of the process's network namespace, parsed; tcp6 may be absent (no IPv6). */
  private <T> List<T> tcpTable(int pid, Function<String, List<T>> parser) throws IOException {
    List<T> out = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      Path file = fs.pidDir(pid).resolve("net").resolve(table);
      if (table.equals("tcp6") && !Files.exists(file)) {
        continue;
      }
      out.addAll(parser.apply(Files.readString(file, StandardCharsets.US_ASCII)));
    }
    return out;
  }

  private OptionalInt uid(int pid, List<CheckProblem> problems) {
    try {
      for (String line :
          Files.readAllLines(fs.pidDir(pid).resolve("status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Uid:")) {
          return OptionalInt.of(Integer.parseInt(line.substring(4).strip().split("\\s+")[0]));
        }
      }
      problems.add(
          new CheckProblem("dockerd (pid " + pid + ") user", "its status has no Uid line"));
    } catch (IOException | RuntimeException e) {
      problems.add(
          new CheckProblem("dockerd (pid " + pid + ") user", "cannot read its status: " + e));
    }
    return OptionalInt.empty();
  }

  /** {@code /proc/<pid>/environ}: NUL-separated {@code NAME=value}. */
  static Map<String, String> environ(byte[] bytes) {
    Map<String, String> out = new HashMap<>();
    for (String entry : new String(bytes, StandardCharsets.UTF_8).split("\0")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        out.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return out;
  }

  /** The inodes of the {@code socket:[N]} links in a {@code fd} directory. */
  static Set<Long> socketInodes(Path fdDir) throws IOException {
    Set<Long> out = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
      for (Path fd : fds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (NoSuchFileException e) {
          continue; // closed while we listed
        }
        if (target.startsWith("socket:[") && target.endsWith("]")) {
          out.add(Long.parseLong(target.substring(8, target.length() - 1)));
        }
      }
    }
    return out;
  }

  private SocketFile socket(String path) throws IOException {
    PosixFileAttributes a = Files.readAttributes(fs.hostPath(path), PosixFileAttributes.class);
    int mode = 0;
    for (PosixFilePermission perm : a.permissions()) {
      mode |= 1 << (8 - perm.ordinal()); // OWNER_READ is ordinal 0 = bit 0400
    }
    return new SocketFile(path, a.owner().getName(), a.group().getName(), mode);
  }

  private HostFile hostFile(String path) throws IOException {
    SocketFile f = socket(path);
    return new HostFile(path, f.owner(), f.group(), f.mode());
  }

  static List<String> tcpHosts(DaemonSettings s) {
    return s.hosts().stream().filter(h -> h.startsWith("tcp://")).toList();
  }

  /** The ports of the tcp:// hosts; without one, Docker's 2376 with TLS and 2375 without. */
  static List<Integer> tcpPorts(DaemonSettings s) {
    boolean tls = s.tls().orElse(false) || s.tlsVerify().orElse(false);
    List<Integer> out = new ArrayList<>();
    for (String h : tcpHosts(s)) {
      int port = -1;
      try {
        port = URI.create(h).getPort();
      } catch (IllegalArgumentException e) {
        int colon = h.lastIndexOf(':');
        try {
          port = Integer.parseInt(h.substring(colon + 1));
        } catch (RuntimeException ignored) {
          // no readable port: the default applies
        }
      }
      out.add(port > 0 ? port : tls ? 2376 : 2375);
    }
    return out;
  }

  /**
   * The unix socket paths the daemon serves its API on; {@code /var/run/docker.sock} without -H.
   */
  static List<String> unixSockets(DaemonSettings s) {
    if (s.hosts().isEmpty()) {
      return List.of(DEFAULT_SOCKET);
    }
    List<String> out = new ArrayList<>();
    for (String h : s.hosts()) {
      if (h.startsWith("unix://")) {
        String path = h.substring("unix://".length());
        out.add(path.isEmpty() ? DEFAULT_SOCKET : path);
      } else if (h.startsWith("fd://")) {
        out.add(SYSTEMD_SOCKET);
      }
    }
    return out;
  }
}
