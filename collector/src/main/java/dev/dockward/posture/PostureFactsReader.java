package dev.dockward.posture;

import dev.dockward.event.ContainerInfo;
import dev.dockward.hostfs.HostFs;
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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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

  PostureFactsReader(HostFs fs, ContainerLister containers) {
    this.fs = fs;
    this.containers = containers;
  }

  PostureFacts read() {
    List<CheckProblem> problems = new ArrayList<>();
    List<DaemonFacts> daemons = new ArrayList<>();
    try {
      List<DockerdProcess> found = new DockerdProcessReader(fs.proc()).read();
      if (found.isEmpty()) {
        problems.add(new CheckProblem("dockerd", "no dockerd process in " + fs.proc()
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
    Optional<List<ContainerInfo>> running = Optional.empty();
    try {
      running = Optional.of(containers.running());
    } catch (IOException e) {
      problems.add(new CheckProblem("containers", "the Docker API did not list the running containers: "
          + e.getMessage()));
    }
    return new PostureFacts(daemons, members, running, appArmor(), problems);
  }

  private DaemonFacts daemon(DockerdProcess p, List<CheckProblem> problems) {
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
      problems.add(new CheckProblem(configFile, "dockerd (pid " + p.pid() + ") configuration could not be read: "
          + e.getMessage().replace('\n', ' ')));
    }
    DaemonSettings settings = flags.over(file);
    List<TcpListener> api = List.of();
    List<Integer> ports = tcpPorts(settings);
    if (!ports.isEmpty()) {
      try {
        api = listeners(p.pid()).stream().filter(l -> ports.contains(l.port())).toList();
      } catch (IOException e) {
        problems.add(new CheckProblem("dockerd (pid " + p.pid() + ") TCP sockets",
            "cannot match its tcp hosts " + tcpHosts(settings) + " to listening sockets: " + e));
      }
    }
    List<SocketFile> sockets = new ArrayList<>();
    for (String path : unixSockets(settings)) {
      try {
        sockets.add(socket(path));
      } catch (IOException e) {
        problems.add(new CheckProblem(path, "dockerd (pid " + p.pid() + ") socket could not be examined: " + e));
      }
    }
    return new DaemonFacts(p, settings, configFile, configKnown, api, sockets);
  }

  /** The TCP sockets in LISTEN state in dockerd's network namespace that are its own. */
  private List<TcpListener> listeners(int pid) throws IOException {
    Set<Long> inodes = socketInodes(fs.pidDir(pid).resolve("fd"));
    List<TcpListener> out = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      Path file = fs.pidDir(pid).resolve("net").resolve(table);
      if (table.equals("tcp6") && !Files.exists(file)) {
        continue; // a kernel without IPv6
      }
      for (TcpListener l : ProcNetTcpParser.listening(Files.readString(file, StandardCharsets.US_ASCII)).listeners()) {
        if (inodes.contains(l.inode())) {
          out.add(l);
        }
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

  private boolean appArmor() {
    try {
      return Files.readString(fs.sys().resolve("module/apparmor/parameters/enabled")).strip().startsWith("Y");
    } catch (IOException e) {
      return false; // no AppArmor module: this kernel does not enforce it
    }
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

  /** The unix socket paths the daemon serves its API on; {@code /var/run/docker.sock} without -H. */
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
