package dev.dockward.posture;

import dev.dockward.host.HostFs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A fake host root for posture tests: dockerd processes, /etc files and socket files under a temp
 * dir.
 */
final class HostTree {
  private final Path root;

  HostTree(Path root) {
    this.root = root;
    mkdirs(root.resolve("proc"));
    mkdirs(root.resolve("etc"));
    mkdirs(root.resolve("sys"));
    mkdirs(root.resolve("var/run"));
    // A recent kernel with seccomp and user namespaces, and nothing else listening.
    file("/proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
    file("/proc/self/status", "Name:\tjava\nSeccomp:\t0\nSeccomp_filters:\t0\n");
    file("/proc/sys/user/max_user_namespaces", "63229\n");
    file("/proc/net/tcp", TCP_HEADER);
  }

  static final String TCP_HEADER =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
          + "timeout inode\n";

  HostFs hostFs() {
    return HostFs.rootedAt(root);
  }

  /**
   * A dockerd with a recorded command line, fd listing ({@code <fd> <link target>} lines) and TCP
   * tables of its network namespace.
   */
  HostTree dockerd(
      int pid, String cmdlineFixture, String fdFixture, String tcpFixture, String tcp6Fixture) {
    Path dir = hostFs().pidDir(pid);
    write(dir.resolve("comm"), "dockerd\n".getBytes(StandardCharsets.UTF_8));
    write(dir.resolve("cmdline"), Fixtures.bytes(cmdlineFixture));
    write(
        dir.resolve("status"),
        "Name:\tdockerd\nUid:\t0\t0\t0\t0\n".getBytes(StandardCharsets.UTF_8));
    write(dir.resolve("environ"), "PATH=/usr/bin\0".getBytes(StandardCharsets.UTF_8));
    write(dir.resolve("net/tcp"), Fixtures.bytes(tcpFixture));
    write(dir.resolve("net/tcp6"), Fixtures.bytes(tcp6Fixture));
    mkdirs(dir.resolve("fd"));
    for (String line : Fixtures.text(fdFixture).split("\n")) {
      String[] f = line.split(" ", 2);
      if (f[1].startsWith("/")) {
        continue; // open files: the audit looks at sockets only, and links out of the temp dir make
        // JUnit warn
      }
      try {
        Files.createSymbolicLink(dir.resolve("fd").resolve(f[0]), Path.of(f[1]));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return this;
  }

  /** Replaces a file of a process, e.g. its {@code environ} or {@code status}. */
  HostTree processFile(int pid, String name, byte[] content) {
    write(hostFs().pidDir(pid).resolve(name), content);
    return this;
  }

  /** Some other process, which must not be taken for a daemon. */
  HostTree process(int pid, String comm) {
    write(hostFs().pidDir(pid).resolve("comm"), (comm + "\n").getBytes(StandardCharsets.UTF_8));
    write(hostFs().pidDir(pid).resolve("cmdline"), (comm + "\0").getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** A file at an absolute host path (resolved like the readers do), e.g. {@code /etc/group}. */
  HostTree file(String hostPath, String content) {
    write(hostFs().hostPath(hostPath), content.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /**
   * A stand-in for a unix socket: a plain file with the given mode (owner: whoever runs the test).
   */
  HostTree socket(String hostPath, String mode) {
    Path p = hostFs().hostPath(hostPath);
    write(p, new byte[0]);
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  private static void write(Path p, byte[] content) {
    try {
      Files.createDirectories(p.getParent());
      Files.write(p, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void mkdirs(Path p) {
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
