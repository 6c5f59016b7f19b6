package dev.dockward.proc;

import dev.dockward.cgroup.CgroupLine;
import dev.dockward.cgroup.ContainerIdResolver;
import dev.dockward.cgroup.ProcCgroupParser;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.StdioKind;
import dev.dockward.host.HostFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads processes from the host's /proc into {@link ProcessInfo}s. Processes end while they are
 * read, all the time: nothing here throws to the caller. A process that vanished gives an empty
 * result; a file that cannot be read leaves its fields absent; both are counted in {@link
 * #stats()}. Thread-safe.
 */
public final class ProcReader {
  /** The most bytes of a command line kept; longer ones are cut here and flagged truncated. */
  public static final int CMDLINE_CAP = 64 * 1024;

  /**
   * The most bytes of a container process's environment read for the loader's variables: the kernel
   * puts the environment after the arguments, and a process starts with every variable its parent
   * passed, so this covers what containers are given (Docker's default environment is a few hundred
   * bytes). A loader variable beyond it is not seen.
   */
  public static final int ENVIRON_CAP = 16 * 1024;

  /** The namespace links read, in the order they appear in the event. */
  static final List<String> NAMESPACES =
      List.of("mnt", "pid", "net", "uts", "ipc", "user", "cgroup");

  private static final List<String> STDIO_NAMES = List.of("0", "1", "2");

  private static final Logger LOG = LoggerFactory.getLogger(ProcReader.class);
  private static final int EMPTY_CMDLINE_REREADS = 3;
  private static final long EMPTY_CMDLINE_PAUSE_NANOS = 200_000;

  /** The first read's size: enough for stat, status, cgroup and most command lines in one read. */
  private static final int FIRST_READ = 4096;

  /** The charset the JVM decodes file names with (see {@link #rawBytes}); fixed at JVM start. */
  private static final Charset JNU_CHARSET = jnuCharset();

  private static final List<SocketTable> SOCKET_TABLES =
      List.of(
          new SocketTable(
              StdioKind.TCP, List.of("tcp", "tcp6"), SocketTableParser.INET_INODE_COLUMN),
          new SocketTable(
              StdioKind.UDP, List.of("udp", "udp6"), SocketTableParser.INET_INODE_COLUMN),
          new SocketTable(StdioKind.UNIX, List.of("unix"), SocketTableParser.UNIX_INODE_COLUMN));

  /** The files under {@code /proc/<pid>/net} that list the sockets of one kind. */
  private record SocketTable(StdioKind kind, List<String> files, int column) {}

  private final HostFs host;
  private final HostNamespaces hostNamespaces;
  private final ProcReadStats stats = new ProcReadStats();

  /**
   * Whether a pid directory's file key names one process (true on procfs, see {@link #identity}).
   */
  private final boolean directoryIdentity;

  /** A reader that does not compare namespaces with the host's ({@code host_ns} stays absent). */
  public ProcReader(HostFs host) {
    this(host, HostNamespaces.UNKNOWN);
  }

  /**
   * @param hostNamespaces the host's namespace reference: each process read is told in which kinds
   *     of namespace it shares the host's
   */
  public ProcReader(HostFs host, HostNamespaces hostNamespaces) {
    this(host, hostNamespaces, isProcfs(host.proc()));
  }

  /** For tests: {@code directoryIdentity} as if the directory of fixtures were procfs. */
  ProcReader(HostFs host, HostNamespaces hostNamespaces, boolean directoryIdentity) {
    this.host = Objects.requireNonNull(host, "host");
    this.hostNamespaces = Objects.requireNonNull(hostNamespaces, "hostNamespaces");
    this.directoryIdentity = directoryIdentity;
  }

  private static boolean isProcfs(Path proc) {
    try {
      return "proc".equals(Files.getFileStore(proc).type());
    } catch (IOException | RuntimeException e) {
      return false; // no /proc at all: nothing to identify either
    }
  }

  /** The counters of this reader. */
  public ProcReadStats stats() {
    return stats;
  }

  /**
   * The pids (thread group ids) listed in /proc now, ascending; empty if /proc cannot be listed.
   */
  public IntStream pids() {
    int[] pids = new int[256];
    int n = 0;
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(host.proc())) {
      for (Path p : dir) {
        int pid = pidOf(p.getFileName().toString());
        if (pid > 0) {
          if (n == pids.length) {
            pids = Arrays.copyOf(pids, n * 2);
          }
          pids[n++] = pid;
        }
      }
    } catch (IOException | RuntimeException e) {
      stats.countUnreadable();
      LOG.warn("cannot list {}: {}", host.proc(), e.toString());
      return IntStream.empty();
    }
    int[] result = Arrays.copyOf(pids, n);
    Arrays.sort(result);
    return IntStream.of(result);
  }

  /**
   * Only the start time (stat field 22): the cheap check whether a known pid is still the same
   * process.
   */
  public OptionalLong startTime(int pid) {
    try {
      Optional<ProcStat> stat = readStat(pid);
      return stat.isPresent() ? OptionalLong.of(stat.get().startTime()) : OptionalLong.empty();
    } catch (Gone e) {
      return OptionalLong.empty();
    }
  }

  /**
   * A token that stays equal while {@code /proc/<pid>} is the same process: the directory's file
   * key (device and inode). procfs makes a new inode for a new process on a reused pid, and keeps
   * the inode of a live process while its directory is cached (a dropped cache gives a new inode: a
   * false "changed", never a false "same"). One {@code stat} call, no file read. Empty when the
   * process is gone, or when /proc is not procfs (fixtures), whose directories carry no identity.
   */
  public Optional<Object> identity(int pid) {
    if (!directoryIdentity) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(
          Files.readAttributes(
                  host.pidDir(pid), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Only the cgroup path that names the process's container (as in {@link #read}; "" when unknown),
   * or empty when the process is gone.
   */
  public Optional<String> cgroup(int pid) {
    try {
      return Optional.of(readCgroup(pid));
    } catch (Gone e) {
      return Optional.empty();
    }
  }

  /** Everything Dockward keeps of a process, or empty when it vanished or its stat is unusable. */
  public Optional<ProcessInfo> read(int pid) {
    return readWithExeFile(pid).map(ProcessRead::info);
  }

  /**
   * A process and the file it runs, as {@link #read}: the file is looked at (following the exe
   * link) right after the link is read, and the link is read again after every field, so the file
   * is the one the link named (unless the process executed twice meanwhile).
   */
  public Optional<ProcessRead> readWithExeFile(int pid) {
    try {
      Optional<ProcessRead> first = readOnce(pid);
      if (first.isPresent() && readAgain(first.get().info().exe(), readExe(pid))) {
        // It executed another program while it was read: its fields mix the two. Once more.
        stats.countExecDuringRead();
        return readOnce(pid);
      }
      return first;
    } catch (Gone e) {
      return Optional.empty();
    }
  }

  /**
   * Whether a read must be made again, given the exe link as read first and as read after every
   * other field: only when it names another program, i.e. the process executed meanwhile. A link
   * that no longer reads means the process is ending (its memory, and the link with it, is released
   * before its descriptors and its /proc entry): the first read is the whole one, and a read made
   * now would find an empty command line and no program (a short-lived process read as it exits).
   */
  static boolean readAgain(String exeRead, String exeAfter) {
    return !exeAfter.isEmpty() && !exeAfter.equals(exeRead);
  }

  /**
   * A process as read, with the identity of the file it ran then.
   *
   * @param exeFile the executable's device, inode and size; empty when unreadable (kernel threads,
   *     a process exiting, denied)
   */
  public record ProcessRead(ProcessInfo info, Optional<ExeFile> exeFile) {}

  /**
   * What names an executable file: its device and inode (the {@code unix:dev}, {@code unix:ino}
   * values), and its size.
   */
  public record ExeFile(Object dev, Object ino, long size) {}

  /**
   * A process as {@link #read} gives it, but without its command line ("") and in one pass (no
   * second read when it executed meanwhile): for an exec the audit subsystem recorded, whose
   * arguments and program come from the kernel's records. Saves the command line's read, and the
   * exe link's second look, per exec.
   */
  public Optional<ProcessInfo> readWithoutCmdline(int pid) {
    try {
      return readOnce(pid, false).map(ProcessRead::info);
    } catch (Gone e) {
      return Optional.empty();
    }
  }

  /**
   * Only what names a process and its container: parent, start time, command name and the cgroup
   * path (as in {@link #read}), from two files; empty when it is gone.
   */
  public Optional<Brief> brief(int pid) {
    try {
      Optional<ProcStat> stat = readStat(pid);
      if (stat.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          new Brief(
              pid, stat.get().ppid(), stat.get().startTime(), stat.get().comm(), readCgroup(pid)));
    } catch (Gone e) {
      return Optional.empty();
    }
  }

  /**
   * The exe link's target; "" for kernel threads, processes that ended or are ending, and when
   * denied.
   */
  public String exe(int pid) {
    return readExe(pid);
  }

  /**
   * What {@link #brief} reads: a process's identity (pid and start time), parent, command name and
   * cgroup path.
   */
  public record Brief(int pid, int ppid, long startTime, String name, String cgroup) {}

  private Optional<ProcessRead> readOnce(int pid) throws Gone {
    return readOnce(pid, true);
  }

  /**
   * One read of every field; the exe link is read first, so that {@link #read} can tell whether it
   * changed meanwhile.
   */
  private Optional<ProcessRead> readOnce(int pid, boolean withCmdline) throws Gone {
    Optional<ProcStat> maybeStat = readStat(pid);
    if (maybeStat.isEmpty()) {
      return Optional.empty();
    }
    ProcStat stat = maybeStat.get();
    String exe = readExe(pid);
    Optional<Map<String, Object>> exeAttributes =
        exe.isEmpty() ? Optional.empty() : readExeAttributes(pid);
    Optional<ProcStatus> status = readStatus(pid);
    Cmdline cmdline = withCmdline ? readCmdline(pid) : new Cmdline("", false);
    String cgroup = readCgroup(pid);
    if (withCmdline && cmdline.text.isEmpty() && !exe.isEmpty()) {
      cmdline = rereadEmptyCmdline(pid);
    }
    Map<String, Long> namespaces = namespacesAt(host.pidDir(pid));
    Map<String, String> loaderEnv =
        ContainerIdResolver.containerId(cgroup).isPresent() ? readLoaderEnv(pid) : Map.of();
    ProcessInfo info =
        new ProcessInfo(
            stat.pid(),
            stat.ppid(),
            stat.startTime(),
            stat.comm(),
            exe,
            cmdline.text,
            cmdline.truncated,
            status.map(s -> OptionalInt.of(s.uid())).orElse(OptionalInt.empty()),
            status.map(s -> OptionalInt.of(s.euid())).orElse(OptionalInt.empty()),
            status.map(s -> OptionalLong.of(s.capEff())).orElse(OptionalLong.empty()),
            namespaces,
            cgroup,
            hostNamespaces.sharedBy(namespaces),
            readStdio(pid),
            exeAttributes.map(a -> ((FileTime) a.get("ctime")).toInstant()),
            Optional.empty(),
            loaderEnv);
    Optional<ExeFile> file =
        exeAttributes.map(a -> new ExeFile(a.get("dev"), a.get("ino"), (Long) a.get("size")));
    return Optional.of(new ProcessRead(info, file));
  }

  private Optional<ProcStat> readStat(int pid) throws Gone {
    Optional<byte[]> bytes = readFile(pid, "stat", Integer.MAX_VALUE);
    if (bytes.isEmpty()) {
      return Optional.empty(); // unreadable: counted; without stat there is no process identity
    }
    Optional<ProcStat> stat = ProcStatParser.parse(bytes.get());
    if (stat.isEmpty() || stat.get().pid() != pid) {
      stats.countParseError();
      LOG.debug("unparsable stat of pid {}", pid);
      return Optional.empty();
    }
    return stat;
  }

  private Optional<ProcStatus> readStatus(int pid) throws Gone {
    Optional<byte[]> bytes = readFile(pid, "status", Integer.MAX_VALUE);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    Optional<ProcStatus> status =
        ProcStatusParser.parse(new String(bytes.get(), StandardCharsets.UTF_8));
    if (status.isEmpty()) {
      stats.countParseError();
      LOG.debug("unparsable status of pid {}", pid);
    }
    return status;
  }

  private Cmdline readCmdline(int pid) throws Gone {
    Optional<byte[]> bytes = readFile(pid, "cmdline", CMDLINE_CAP + 1);
    if (bytes.isEmpty()) {
      return new Cmdline("", false);
    }
    byte[] b = bytes.get();
    if (b.length > CMDLINE_CAP) {
      stats.countTruncatedCmdline();
      return new Cmdline(ProcText.cmdline(b, CMDLINE_CAP), true);
    }
    return new Cmdline(ProcText.cmdline(b, b.length), false);
  }

  /**
   * A user process (it has an exe) with an empty command line was most likely read in the middle of
   * an exec: its new memory is in place, its arguments not yet. They are there microseconds later,
   * so the command line is read again a few times before it is taken as empty (a program may also
   * run with no arguments at all).
   */
  private Cmdline rereadEmptyCmdline(int pid) throws Gone {
    Cmdline cmdline = new Cmdline("", false);
    for (int attempt = 0; attempt < EMPTY_CMDLINE_REREADS && cmdline.text.isEmpty(); attempt++) {
      if (readExe(pid).isEmpty()) {
        break; // ending, not executing: its memory is gone, and its arguments will not come
      }
      stats.countEmptyCmdlineReread();
      LockSupport.parkNanos(EMPTY_CMDLINE_PAUSE_NANOS);
      cmdline = readCmdline(pid);
    }
    return cmdline;
  }

  /**
   * The loader's variables in the environment the process was started with (a process that changes
   * its own environment later changes its memory, not this file), from at most {@link #ENVIRON_CAP}
   * bytes. Empty when there is no such file (fixtures; a process that ended after its other files
   * were read keeps what was read) or it cannot be read (counted).
   */
  private Map<String, String> readLoaderEnv(int pid) {
    Path file = host.pidDir(pid).resolve("environ");
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      byte[] bytes = readUpTo(in, ENVIRON_CAP);
      return LoaderEnvParser.parse(bytes, bytes.length);
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      if (!isNoSuchProcess(e)) {
        stats.countUnreadable();
        LOG.debug("cannot read {}: {}", file, e.toString());
      }
      return Map.of();
    }
  }

  /**
   * The container-naming line's path, else the v2 line's, else the first line's; empty when
   * unknown.
   */
  private String readCgroup(int pid) throws Gone {
    Optional<byte[]> bytes = readFile(pid, "cgroup", Integer.MAX_VALUE);
    if (bytes.isEmpty()) {
      return "";
    }
    Optional<List<CgroupLine>> lines = ProcCgroupParser.parse(ProcText.decode(bytes.get()));
    if (lines.isEmpty()) {
      stats.countParseError();
      LOG.debug("unparsable cgroup of pid {}", pid);
      return "";
    }
    List<CgroupLine> all = lines.get();
    return ContainerIdResolver.containerLine(all)
        .or(() -> all.stream().filter(CgroupLine::isV2).findFirst())
        .or(() -> all.stream().findFirst())
        .map(CgroupLine::path)
        .orElse("");
  }

  /** The host this reader reads. */
  public HostFs host() {
    return host;
  }

  /** The exe link; empty for kernel threads and zombies (no link) and when denied. */
  private String readExe(int pid) {
    return readLink(host.pidDir(pid).resolve("exe")).map(ProcText::decode).orElse("");
  }

  /**
   * What descriptors 0, 1 and 2 are, as {@link StdioKind} texts; a socket is looked up in the
   * process's socket tables.
   */
  private List<String> readStdio(int pid) {
    Path fd = host.pidDir(pid).resolve("fd");
    List<String> kinds = new ArrayList<>(3);
    boolean anyOpen = false;
    for (int n = 0; n <= 2; n++) {
      Optional<byte[]> target = readLink(fd.resolve(STDIO_NAMES.get(n)));
      if (target.isEmpty()) {
        kinds.add(StdioKind.CLOSED.text());
        continue;
      }
      anyOpen = true;
      String text = new String(target.get(), StandardCharsets.ISO_8859_1);
      StdioKind kind = StdioLinkParser.kind(text);
      if (kind == StdioKind.SOCKET) {
        kind = socketKind(pid, StdioLinkParser.socketInode(text));
      }
      kinds.add(kind.text());
    }
    // Three missing links: all closed, or the process ended meanwhile (or a fixture without fds),
    // which is unknown, not "closed". Only then is the directory looked at (one call fewer per
    // exec).
    if (!anyOpen && !Files.isDirectory(fd)) {
      return List.of();
    }
    return kinds;
  }

  /**
   * What descriptor {@code fd} of {@code pid} is now, its socket's family looked up in the
   * process's socket tables; empty when it is closed or the process has ended.
   */
  public Optional<StdioKind> descriptorKind(int pid, int fd) {
    Optional<byte[]> target =
        readLink(host.pidDir(pid).resolve("fd").resolve(Integer.toString(fd)));
    if (target.isEmpty()) {
      return Optional.empty();
    }
    String text = new String(target.get(), StandardCharsets.ISO_8859_1);
    StdioKind kind = StdioLinkParser.kind(text);
    return Optional.of(
        kind == StdioKind.SOCKET ? socketKind(pid, StdioLinkParser.socketInode(text)) : kind);
  }

  /**
   * The inode of the socket that descriptor {@code fd} of {@code pid} is now; empty when it is no
   * socket, closed, or the process ended.
   */
  public OptionalLong socketInode(int pid, int fd) {
    return readLink(host.pidDir(pid).resolve("fd").resolve(Integer.toString(fd)))
        .map(t -> StdioLinkParser.socketInode(new String(t, StandardCharsets.ISO_8859_1)))
        .orElse(OptionalLong.empty());
  }

  /**
   * The family of a socket from the socket tables of the process's network namespace; rare, so read
   * on demand.
   */
  private StdioKind socketKind(int pid, OptionalLong inode) {
    if (inode.isEmpty()) {
      stats.countParseError();
      return StdioKind.SOCKET;
    }
    Path net = host.pidDir(pid).resolve("net");
    for (SocketTable table : SOCKET_TABLES) {
      for (String file : table.files()) {
        try {
          String text = Files.readString(net.resolve(file), StandardCharsets.ISO_8859_1);
          if (SocketTableParser.contains(text, table.column(), inode.getAsLong())) {
            return table.kind();
          }
        } catch (IOException | RuntimeException e) {
          stats.countUnreadable(); // gone, or a kernel without that family
        }
      }
    }
    return StdioKind.SOCKET;
  }

  /**
   * The executable's ctime, device, inode and size (following the exe link to the file); empty when
   * unreadable.
   */
  private Optional<Map<String, Object>> readExeAttributes(int pid) {
    try {
      return Optional.of(
          Files.readAttributes(host.pidDir(pid).resolve("exe"), "unix:ctime,dev,ino,size"));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // kernel threads have no exe; a process that ended has none either
    }
  }

  /**
   * The namespace inodes of the process whose /proc directory is {@code procDir}; missing links
   * left out.
   */
  Map<String, Long> namespacesAt(Path procDir) {
    Path ns = procDir.resolve("ns");
    Map<String, Long> inodes = new LinkedHashMap<>();
    for (String kind : NAMESPACES) {
      Optional<byte[]> target = readLink(ns.resolve(kind));
      if (target.isEmpty()) {
        continue;
      }
      OptionalLong inode =
          NamespaceLinkParser.inode(kind, new String(target.get(), StandardCharsets.ISO_8859_1));
      if (inode.isPresent()) {
        inodes.put(kind, inode.getAsLong());
      } else {
        stats.countParseError();
      }
    }
    return inodes;
  }

  /**
   * A link's target as raw bytes (a file name need not be UTF-8). A missing link is no error here:
   * kernel threads have no exe, and ns links of a process that just ended are simply left out.
   */
  private Optional<byte[]> readLink(Path link) {
    try {
      Path target = Files.readSymbolicLink(link);
      return Optional.of(rawBytes(target));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      stats.countUnreadable();
      LOG.debug("cannot read link {}: {}", link, e.toString());
      return Optional.empty();
    }
  }

  /**
   * Reads at most {@code limit} bytes of {@code /proc/<pid>/<name>}. Empty (counted) when the file
   * cannot be read; throws {@link Gone} (counted) when the process has ended.
   */
  private Optional<byte[]> readFile(int pid, String name, int limit) throws Gone {
    Path file = host.pidDir(pid).resolve(name);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      return Optional.of(readUpTo(in, limit));
    } catch (NoSuchFileException e) {
      stats.countVanished();
      throw new Gone();
    } catch (AccessDeniedException e) {
      stats.countUnreadable();
      LOG.debug("cannot read {}: {}", file, e.toString());
      return Optional.empty();
    } catch (IOException e) {
      if (isNoSuchProcess(e)) {
        stats.countVanished();
        throw new Gone();
      }
      stats.countUnreadable();
      LOG.debug("cannot read {}: {}", file, e.toString());
      return Optional.empty();
    }
  }

  /**
   * Up to {@code limit} bytes of a channel. A channel, not a stream: /proc files are small and read
   * on every exec, and this avoids the stream's wrapping and its extra buffer copies.
   */
  private static byte[] readUpTo(FileChannel in, int limit) throws IOException {
    byte[] buffer = new byte[Math.min(limit, FIRST_READ)];
    int n = 0;
    while (true) {
      if (n == buffer.length) {
        if (n == limit) {
          return buffer;
        }
        buffer = Arrays.copyOf(buffer, (int) Math.min(limit, 2L * n));
      }
      int got = in.read(ByteBuffer.wrap(buffer, n, buffer.length - n));
      if (got < 0) {
        return n == buffer.length ? buffer : Arrays.copyOf(buffer, n);
      }
      n += got;
    }
  }

  /** ESRCH: the kernel reports a process that is exiting this way instead of ENOENT. */
  private static boolean isNoSuchProcess(IOException e) {
    String message = e.getMessage();
    return message != null && message.contains("No such process");
  }

  private static byte[] rawBytes(Path target) {
    // The default file system keeps file names as bytes; toString() decodes with sun.jnu.encoding,
    // which maps undecodable bytes to U+FFFD. Re-encoding with the same charset gives the bytes
    // back for valid names; for invalid ones the replacement character is the best there is.
    return target.toString().getBytes(JNU_CHARSET);
  }

  private static Charset jnuCharset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8;
    }
  }

  private static int pidOf(String name) {
    if (name.isEmpty() || name.length() > 10) {
      return -1;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    long pid = Long.parseLong(name);
    return pid <= Integer.MAX_VALUE ? (int) pid : -1;
  }

  /** The text of a command line and whether it was cut. */
  private static final class Cmdline {
    final String text;
    final boolean truncated;

    Cmdline(String text, boolean truncated) {
      this.text = text;
      this.truncated = truncated;
    }
  }

  /** The process ended while it was read (already counted). */
  private static final class Gone extends Exception {
    Gone() {
      super(null, null, false, false);
    }
  }
}
