package dev.dockward.posture;

import dev.dockward.host.HostFs;
import dev.dockward.host.MachineFactsProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the host's hardening facts through {@link HostFs}, and the kernel release from the
 * machine's facts (OSHI) with {@code <proc>/sys/kernel/osrelease} as the fallback. What cannot be
 * read becomes a {@link CheckProblem} and an empty fact; nothing here throws for what it finds on
 * the host.
 */
final class HostFactsReader {
  private final HostFs fs;
  private final MachineFactsProvider machine;

  HostFactsReader(HostFs fs, MachineFactsProvider machine) {
    this.fs = fs;
    this.machine = machine;
  }

  /**
   * @param daemonInodes the socket inodes of the dockerd processes, whose listeners are audited
   *     elsewhere
   */
  HostFacts read(Set<Long> daemonInodes, List<CheckProblem> problems) {
    Optional<String> kernel = kernelRelease(problems);
    return new HostFacts(
        kernel,
        flag(fs.sys().resolve("module/apparmor/parameters/enabled"), "Y"),
        flag(fs.sys().resolve("fs/selinux/enforce"), "1"),
        seccomp(problems),
        userNamespaces(problems),
        listeners(daemonInodes, problems),
        environmentContentTrust(problems),
        trustDirs(),
        defaultDockerOpts(problems));
  }

  /** OSHI's kernel release when it has one, else the kernel's own file. */
  private Optional<String> kernelRelease(List<CheckProblem> problems) {
    Optional<String> fromMachine = machine.read().kernelRelease();
    if (fromMachine.isPresent()) {
      return fromMachine;
    }
    Path file = fs.proc().resolve("sys/kernel/osrelease");
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      problems.add(new CheckProblem("kernel release", "cannot read " + file + ": " + e));
      return Optional.empty();
    }
  }

  /**
   * Whether a kernel flag file starts with {@code value}; an absent file means the feature is
   * absent.
   */
  private static boolean flag(Path file, String value) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).strip().startsWith(value);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The kernel lists a {@code Seccomp:} line in every process's status when it was built with
   * seccomp.
   */
  private Optional<Boolean> seccomp(List<CheckProblem> problems) {
    Path status = fs.proc().resolve("self/status");
    try {
      return Optional.of(
          Files.readAllLines(status, StandardCharsets.UTF_8).stream()
              .anyMatch(l -> l.startsWith("Seccomp:")));
    } catch (IOException e) {
      problems.add(new CheckProblem("seccomp support", "cannot read " + status + ": " + e));
      return Optional.empty();
    }
  }

  /**
   * The limit on user namespaces; a kernel without them has no such file, which is a limit of 0.
   */
  private OptionalLong userNamespaces(List<CheckProblem> problems) {
    Path file = fs.proc().resolve("sys/user/max_user_namespaces");
    try {
      return OptionalLong.of(
          Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip()));
    } catch (NoSuchFileException e) {
      return OptionalLong.of(0);
    } catch (IOException | NumberFormatException e) {
      problems.add(new CheckProblem("user namespaces", "cannot read " + file + ": " + e));
      return OptionalLong.empty();
    }
  }

  /**
   * Non-loopback TCP listeners of the host's network namespace (the agent's) that are not
   * dockerd's.
   */
  private Optional<List<HostListener>> listeners(
      Set<Long> daemonInodes, List<CheckProblem> problems) {
    List<TcpListener> found = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      Path file = fs.proc().resolve("net").resolve(table);
      try {
        for (TcpListener l :
            ProcNetTcpParser.listening(Files.readString(file, StandardCharsets.US_ASCII))
                .listeners()) {
          if (!l.loopback() && !daemonInodes.contains(l.inode())) {
            found.add(l);
          }
        }
      } catch (NoSuchFileException e) {
        if (table.equals("tcp")) {
          problems.add(new CheckProblem("listening services", "no " + file));
          return Optional.empty();
        }
      } catch (IOException e) {
        problems.add(new CheckProblem("listening services", "cannot read " + file + ": " + e));
        return Optional.empty();
      }
    }
    Map<Long, Owner> owners =
        owners(found.stream().map(TcpListener::inode).collect(Collectors.toSet()));
    return Optional.of(
        found.stream()
            .map(
                l -> {
                  Owner o = owners.getOrDefault(l.inode(), new Owner(0, ""));
                  return new HostListener(l, o.pid(), o.comm());
                })
            .toList());
  }

  private record Owner(int pid, String comm) {}

  /** Which process holds each socket inode: one pass over every process's descriptors. */
  private Map<Long, Owner> owners(Set<Long> inodes) {
    Map<Long, Owner> out = new HashMap<>();
    if (inodes.isEmpty()) {
      return out;
    }
    try (DirectoryStream<Path> dirs =
        Files.newDirectoryStream(fs.proc(), p -> p.getFileName().toString().matches("[0-9]+"))) {
      for (Path dir : dirs) {
        try {
          for (long inode : PostureFactsReader.socketInodes(dir.resolve("fd"))) {
            if (inodes.contains(inode) && !out.containsKey(inode)) {
              out.put(
                  inode,
                  new Owner(
                      Integer.parseInt(dir.getFileName().toString()),
                      Files.readString(dir.resolve("comm"), StandardCharsets.UTF_8).strip()));
            }
          }
        } catch (IOException | RuntimeException e) {
          // ended meanwhile, or a kernel thread without descriptors: it owns none of them
        }
      }
    } catch (IOException e) {
      // without the owners the listeners are still reported, with pid 0
    }
    return out;
  }

  private Optional<String> environmentContentTrust(List<CheckProblem> problems) {
    Path file = fs.etc().resolve("environment");
    try {
      return ShellWords.assignment(
          Files.readString(file, StandardCharsets.UTF_8), "DOCKER_CONTENT_TRUST");
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      problems.add(new CheckProblem("/etc/environment", "cannot read " + file + ": " + e));
      return Optional.empty();
    }
  }

  /** {@code /root/.docker/trust} and {@code /home/<user>/.docker/trust}, where they exist. */
  private List<String> trustDirs() {
    List<String> out = new ArrayList<>();
    if (Files.isDirectory(fs.hostPath("/root/.docker/trust"))) {
      out.add("/root/.docker/trust");
    }
    try (DirectoryStream<Path> homes = Files.newDirectoryStream(fs.hostPath("/home"))) {
      for (Path home : homes) {
        String path = "/home/" + home.getFileName() + "/.docker/trust";
        if (Files.isDirectory(fs.hostPath(path))) {
          out.add(path);
        }
      }
    } catch (IOException e) {
      // no /home: no users' trust data there
    }
    out.sort(String::compareTo);
    return out;
  }

  private List<String> defaultDockerOpts(List<CheckProblem> problems) {
    Path file = fs.etc().resolve("default/docker");
    try {
      return ShellWords.assignment(Files.readString(file, StandardCharsets.UTF_8), "DOCKER_OPTS")
          .map(ShellWords::split)
          .orElse(List.of());
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      problems.add(new CheckProblem("/etc/default/docker", "cannot read " + file + ": " + e));
      return List.of();
    }
  }
}
