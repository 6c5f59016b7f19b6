package dev.dockward.proc;

import dev.dockward.host.HostFs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fake host root for tests: writes /proc/&lt;pid&gt; files and links under a temporary directory.
 */
public final class ProcTree {
  private final Path root;

  public ProcTree(Path root) {
    this.root = root;
    mkdirs(root.resolve("proc"));
  }

  public HostFs hostFs() {
    return HostFs.rootedAt(root);
  }

  Path pidDir(int pid) {
    return hostFs().pidDir(pid);
  }

  /**
   * A plain process with every file present: comm, ppid, start time, uids 0, cgroup path (v1 + v2).
   */
  public ProcTree process(int pid, String comm, long startTime, String cgroupPath) {
    stat(pid, statLine(pid, comm.getBytes(StandardCharsets.UTF_8), 'S', 1, startTime));
    status(pid, "Name:\t" + comm + "\nUid:\t0\t0\t0\t0\nCapEff:\t00000000a80425fb\n");
    cgroup(pid, "4:memory:" + cgroupPath + "\n0::" + cgroupPath + "\n");
    cmdline(pid, (comm + "\0").getBytes(StandardCharsets.UTF_8));
    return this;
  }

  public ProcTree stat(int pid, byte[] content) {
    return write(pid, "stat", content);
  }

  public ProcTree status(int pid, String content) {
    return write(pid, "status", content.getBytes(StandardCharsets.UTF_8));
  }

  public ProcTree cgroup(int pid, String content) {
    return write(pid, "cgroup", content.getBytes(StandardCharsets.UTF_8));
  }

  public ProcTree cmdline(int pid, byte[] content) {
    return write(pid, "cmdline", content);
  }

  public ProcTree exe(int pid, String target) {
    return link(pid, "exe", target);
  }

  public ProcTree ns(int pid, String kind, String target) {
    mkdirs(pidDir(pid).resolve("ns"));
    return link(pid, "ns/" + kind, target);
  }

  public ProcTree write(int pid, String name, byte[] content) {
    Path file = pidDir(pid).resolve(name);
    mkdirs(file.getParent());
    try {
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public ProcTree remove(int pid, String name) {
    try {
      Files.delete(pidDir(pid).resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /**
   * Copies a recorded fixture set ({@code src/test/resources/proc/<name>}) to /proc/&lt;pid&gt;,
   * turning its links.txt ("name target" per line) back into symbolic links.
   */
  public ProcTree recorded(String name, int pid) {
    for (String file : new String[] {"stat", "status", "cgroup", "cmdline"}) {
      write(pid, file, resource("/proc/" + name + "/" + file));
    }
    byte[] links = resourceOrNull("/proc/" + name + "/links.txt");
    if (links != null) {
      for (String line : new String(links, StandardCharsets.UTF_8).split("\n")) {
        String[] f = line.split(" ", 2);
        if (f[0].startsWith("ns/")) {
          ns(pid, f[0].substring(3), f[1]);
        } else {
          link(pid, f[0], f[1]);
        }
      }
    }
    return this;
  }

  static byte[] resource(String path) {
    byte[] bytes = resourceOrNull(path);
    if (bytes == null) {
      throw new IllegalArgumentException("no test resource " + path);
    }
    return bytes;
  }

  private static byte[] resourceOrNull(String path) {
    try (InputStream in = ProcTree.class.getResourceAsStream(path)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A stat line as the kernel writes it, 52 fields, with the given comm bytes. */
  public static byte[] statLine(int pid, byte[] comm, char state, int ppid, long startTime) {
    StringBuilder tail = new StringBuilder(") ").append(state).append(' ').append(ppid);
    for (int field = 5; field <= 52; field++) {
      tail.append(' ').append(field == 22 ? Long.toString(startTime) : "0");
    }
    tail.append('\n');
    byte[] head = (pid + " (").getBytes(StandardCharsets.US_ASCII);
    byte[] rest = tail.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] line = new byte[head.length + comm.length + rest.length];
    System.arraycopy(head, 0, line, 0, head.length);
    System.arraycopy(comm, 0, line, head.length, comm.length);
    System.arraycopy(rest, 0, line, head.length + comm.length, rest.length);
    return line;
  }

  ProcTree link(int pid, String name, String target) {
    Path link = pidDir(pid).resolve(name);
    mkdirs(link.getParent());
    try {
      Files.createSymbolicLink(link, Path.of(target));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
