package dev.dockward.proc;

import dev.dockward.host.HostFs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Tells whether a process runs one of the host's installed container runtime binaries (runc,
 * containerd-shim), by facts the process cannot choose: the file its {@code /proc/<pid>/exe} leads
 * to is the installed binary itself (same device and inode), or a byte-for-byte copy of it (same
 * size and SHA-256). The copy is how runc runs its init: it clones itself into a sealed memfd
 * ({@code /memfd:runc_cloned:/proc/self/exe (deleted)}) before it enters a container, and newer
 * runc versions use other anonymous copies; a name, a command line or a memfd's name can be chosen
 * by anyone, the content cannot.
 *
 * <p>The installed binaries are looked up under the host's root at a fixed list of paths and looked
 * up again at most every {@link #REFRESH_NANOS} (a package upgrade replaces the inode). A copy is
 * hashed only when its size is that of an installed binary, which in practice is only ever runc's
 * own copy. Thread-safe.
 */
public final class RuntimeBinaries {
  /** Knows no binary: identifies nothing. */
  public static final RuntimeBinaries NONE = new RuntimeBinaries(null, Map.of(), System::nanoTime);

  /**
   * Where Debian, upstream and distribution packages install the runtimes, by the name reported.
   */
  static final Map<String, List<String>> INSTALLED =
      Map.of(
          "runc",
              List.of(
                  "/usr/sbin/runc",
                  "/usr/bin/runc",
                  "/usr/local/sbin/runc",
                  "/usr/local/bin/runc",
                  "/sbin/runc",
                  "/bin/runc"),
          "containerd-shim", List.of("/usr/bin/containerd-shim", "/usr/local/bin/containerd-shim"),
          "containerd-shim-runc-v1",
              List.of("/usr/bin/containerd-shim-runc-v1", "/usr/local/bin/containerd-shim-runc-v1"),
          "containerd-shim-runc-v2",
              List.of(
                  "/usr/bin/containerd-shim-runc-v2", "/usr/local/bin/containerd-shim-runc-v2"));

  static final long REFRESH_NANOS = 10_000_000_000L;

  /** One installed binary: where, and the facts that name its file. */
  private record Installed(
      String name, Path path, Object dev, Object ino, long size, long mtimeNanos) {}

  private final HostFs host;
  private final Map<String, List<String>> paths;
  private final LongSupplier nanoTime;
  private List<Installed> installed = List.of();
  private long lookedUpAt;
  private boolean lookedUp;

  /** SHA-256 of each installed binary, by its path, computed when a copy is first checked. */
  private final Map<Installed, byte[]> digests = new HashMap<>();

  /** The runtimes installed on {@code host}, at the usual paths. */
  public RuntimeBinaries(HostFs host) {
    this(host, INSTALLED, System::nanoTime);
  }

  /**
   * @param paths where each runtime may be installed, by the name reported
   */
  RuntimeBinaries(HostFs host, Map<String, List<String>> paths, LongSupplier nanoTime) {
    this.host = host;
    this.paths = paths;
    this.nanoTime = nanoTime;
  }

  /**
   * The name of the installed runtime whose file (or an exact copy of it) the process ran when it
   * was read, if any: the file {@link ProcReader#readWithExeFile} found behind its exe link.
   */
  public Optional<String> identify(ProcReader.ProcessRead read) {
    if (host == null || read.exeFile().isEmpty()) {
      return Optional.empty();
    }
    ProcReader.ExeFile file = read.exeFile().get();
    Optional<Installed> same =
        installedMatching(i -> i.dev().equals(file.dev()) && i.ino().equals(file.ino()));
    if (same.isPresent()) {
      return Optional.of(same.get().name());
    }
    Optional<Installed> sameSize =
        installedMatching(i -> i.size() == file.size() && file.size() > 0);
    if (sameSize.isEmpty()) {
      return Optional.empty();
    }
    // A copy: its content must be the installed file's. The file is opened, then checked to be
    // the one the read found, and hashed through that descriptor: a process that exits or executes
    // meanwhile (runc's init lives milliseconds) no longer matters.
    Path link = host.pidDir(read.info().pid()).resolve("exe");
    try (InputStream in = Files.newInputStream(link)) {
      if (!Optional.of(file).equals(exeFile(link))) {
        return Optional.empty();
      }
      byte[] have = digest(in);
      return Arrays.equals(digestOf(sameSize.get()), have)
          ? Optional.of(sameSize.get().name())
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // gone before it was opened, or denied
    }
  }

  private synchronized Optional<Installed> installedMatching(Predicate<Installed> which) {
    return installed().stream().filter(which).findFirst();
  }

  private synchronized byte[] digestOf(Installed installed) {
    return digests.computeIfAbsent(
        installed,
        i -> {
          try (InputStream in = Files.newInputStream(i.path())) {
            return digest(in);
          } catch (IOException | RuntimeException e) {
            return new byte[0]; // unreadable: no copy matches it
          }
        });
  }

  private static Optional<ProcReader.ExeFile> exeFile(Path link) {
    try {
      Map<String, Object> a = Files.readAttributes(link, "unix:dev,ino,size");
      return Optional.of(new ProcReader.ExeFile(a.get("dev"), a.get("ino"), (Long) a.get("size")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private List<Installed> installed() {
    long now = nanoTime.getAsLong();
    if (lookedUp && now - lookedUpAt < REFRESH_NANOS) {
      return installed;
    }
    List<Installed> found = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : paths.entrySet()) {
      for (String p : e.getValue()) {
        Path path = host.hostPath(p);
        try {
          Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino,size,lastModifiedTime");
          long mtime = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
          Installed i =
              new Installed(
                  e.getKey(), path, a.get("dev"), a.get("ino"), (Long) a.get("size"), mtime);
          if (found.stream().noneMatch(f -> f.dev().equals(i.dev()) && f.ino().equals(i.ino()))) {
            found.add(i); // /usr/bin/runc is often a link to /usr/sbin/runc: one file, listed once
          }
        } catch (IOException | UnsupportedOperationException | SecurityException ignored) {
          // not installed there
        }
      }
    }
    digests.keySet().retainAll(found); // a replaced binary is hashed again
    installed = List.copyOf(found);
    lookedUpAt = now;
    lookedUp = true;
    return installed;
  }

  /** SHA-256 of what the stream holds. */
  private static byte[] digest(InputStream in) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    byte[] buf = new byte[64 * 1024];
    for (int n; (n = in.read(buf)) > 0; ) {
      sha.update(buf, 0, n);
    }
    return sha.digest();
  }
}
