package dev.dockward.execfile;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.dockward.cgroup.MountEntry;
import dev.dockward.cgroup.MountInfoParser;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.ExecFile;
import dev.dockward.host.HostFs;
import dev.dockward.hostwatch.FanotifyEventParser;
import dev.dockward.hostwatch.FanotifyEventParser.FanotifyEvent;
import dev.dockward.hostwatch.FanotifyFds;
import dev.dockward.hostwatch.FanotifyLibC;
import dev.dockward.source.EventSink;
import dev.dockward.source.SupervisedSource;
import dev.dockward.source.SupervisedThread;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file of every exec in a running container, recorded at exec time (source {@value #NAME}; it
 * emits no events of its own: exec events {@linkplain ExecFiles#take take} what it recorded). A
 * fanotify group of the notification class (it never blocks an exec) holds {@code FAN_OPEN_EXEC}
 * mount marks on every mount of each running container (its root, {@code /dev/shm}, volumes, bind
 * mounts), set through {@code /proc/<init pid>/root} as soon as the container is seen with an init
 * process and looked for again every {@value #RESCAN_SECONDS} s. A mount mark costs nothing to execs
 * elsewhere: the host's own execs never reach the agent.
 *
 * <p>Each event's descriptor is read at once (path, device, inode, ctime, and the file's first
 * bytes, which tell a script, a dynamic program and a static one apart) and closed; the files are
 * grouped per pid into one chain per exec ({@link ExecChains}). The kernel queues an exec's
 * events before it sends the process connector's exec message, so {@link #take} reads whatever is
 * queued first and always finds them. A mount is marked through a descriptor whose mount id was
 * checked against the container's mount table, so a symlink the container planted in a mount
 * point's path cannot move a mark elsewhere.
 *
 * <p>Needs CAP_SYS_ADMIN (fanotify). Without it, {@link #open} fails and the agent says so once.
 */
public final class ExecFileSource implements SupervisedSource, ExecFiles {
  public static final String NAME = "exec_files";

  static final int RESCAN_SECONDS = 30;
  static final long FAN_OPEN_EXEC = 0x1000;
  static final int FAN_MARK_MOUNT = 0x10;
  private static final Logger LOG = LoggerFactory.getLogger(ExecFileSource.class);
  /** File systems nothing is executed from. */
  private static final Set<String> NOT_EXECUTABLE = Set.of("proc", "sysfs", "cgroup", "cgroup2", "devpts",
      "mqueue", "securityfs", "debugfs", "tracefs", "bpf", "pstore", "configfs", "fusectl", "binfmt_misc", "nsfs");
  private static final int POLL_MILLIS = 1000;
  /** Once woken by an event, the thread lets more arrive before it reads: a wake-up per burst, not per exec. */
  private static final long LINGER_NANOS = 2_000_000L;
  private static final int BUFFER_BYTES = 64 * 1024;
  /** Reads per drain at most: a storm's reads are shared with the exec events that take. */
  private static final int MAX_READS = 16;
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_PIDS = 65_536;
  private static final int MAX_CHAINS_PER_PID = 8;

  /** What a mark covers. */
  public enum Scope {
    /** Each mount of a container ({@code FAN_MARK_MOUNT}): the agent's choice. */
    MOUNTS,
    /**
     * Each file system a container's mounts show ({@code FAN_MARK_FILESYSTEM}): every mount of it,
     * the host's too (with Docker's vfs driver a container's root is a directory of the host's own
     * file system). Measured against {@link #MOUNTS} in the benchmarks; not used by the agent.
     */
    FILESYSTEMS
  }

  /** A container whose mounts are marked, through which init pid, and when to look for new mounts. */
  private record Watched(long initPid, Set<Integer> mountIds, long rescanNanos) {}

  private final int fd;
  private final HostFs host;
  private final Supplier<? extends List<ContainerInfo>> running;
  private final Scope scope;
  /** With {@link Scope#FILESYSTEMS}: the devices of the file systems marked (a mark stays until the group closes). */
  private final Set<String> filesystems = new HashSet<>();
  private final FanotifyEventParser parser = new FanotifyEventParser();
  private final ExecChains chains = new ExecChains(MAX_PIDS, MAX_CHAINS_PER_PID);
  private final Map<String, Watched> watched = new HashMap<>();
  private final Memory buffer = new Memory(BUFFER_BYTES);
  private final Memory head = new Memory(ExecHeader.HEAD_BYTES);
  private final Memory table = new Memory((long) ExecHeader.MAX_PROGRAM_HEADERS * 64);
  private long opened;
  private long taken;
  private long notFound;
  private long overflows;
  private long unreadable;
  private volatile long markFailures;
  private volatile long markCount;
  private volatile boolean stopping;
  private SupervisedThread thread;

  private ExecFileSource(int fd, HostFs host, Supplier<? extends List<ContainerInfo>> running, Scope scope) {
    this.fd = fd;
    this.host = host;
    this.running = running;
    this.scope = scope;
  }

  /**
   * Opens the fanotify group.
   *
   * @param running the running containers, whose mounts are marked
   * @throws IOException when fanotify is unavailable here (no CAP_SYS_ADMIN, or a kernel without it)
   */
  public static ExecFileSource open(HostFs host, Supplier<? extends List<ContainerInfo>> running) throws IOException {
    return open(host, running, Scope.MOUNTS);
  }

  /**
   * Opens the fanotify group, its marks covering {@code scope}.
   *
   * @throws IOException when fanotify is unavailable here
   */
  public static ExecFileSource open(HostFs host, Supplier<? extends List<ContainerInfo>> running, Scope scope)
      throws IOException {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(running, "running");
    Objects.requireNonNull(scope, "scope");
    int fd;
    try {
      fd = FanotifyLibC.fanotify_init(FanotifyLibC.FAN_CLASS_NOTIF | FanotifyLibC.FAN_CLOEXEC
          | FanotifyLibC.FAN_NONBLOCK, FanotifyLibC.O_RDONLY | FanotifyLibC.O_LARGEFILE | FanotifyLibC.O_CLOEXEC);
    } catch (LastErrorException | UnsatisfiedLinkError e) {
      throw new IOException("cannot start a fanotify watch: " + e.getMessage(), e);
    }
    return new ExecFileSource(fd, host, running, scope);
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * {@code opened} (files execs opened), {@code taken} (exec events that found their file),
   * {@code not_found} (exec events that found none: an exec on the host or before its container was
   * marked); lost: {@code overflow_drops} (the kernel's queue overflowed), {@code evicted} (never
   * taken: another process's, or no room), {@code skipped} (execs that failed), {@code unreadable},
   * {@code mark_failures}.
   */
  @Override
  public synchronized Map<String, Long> counters() {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("opened", opened);
    out.put("taken", taken);
    out.put("not_found", notFound);
    out.put("overflow_drops", overflows);
    out.put("evicted", chains.evicted());
    out.put("skipped", chains.skipped());
    out.put("unreadable", unreadable + parser.malformed());
    out.put("mark_failures", markFailures);
    return out;
  }

  /** The mount marks held now. */
  public long marks() {
    return markCount;
  }

  @Override
  public synchronized Optional<SupervisedThread> supervisor() {
    return Optional.ofNullable(thread);
  }

  @Override
  public void start(EventSink sink) {
    Objects.requireNonNull(sink, "sink");
    synchronized (this) {
      if (thread != null) {
        throw new IllegalStateException(NAME + " already started");
      }
      thread = new SupervisedThread("dockward-exec-files", this::run);
    }
    thread.start();
  }

  @Override
  public synchronized Optional<ExecFile> take(int pid, OptionalLong dev, OptionalLong inode) {
    drain();
    Optional<ExecFile> file = chains.take(pid, dev, inode);
    if (file.isPresent()) {
      taken++;
    } else {
      notFound++;
    }
    return file;
  }

  @Override
  public synchronized void forgetBefore(int pid, long monotonicNanos) {
    chains.forgetBefore(pid, monotonicNanos);
  }

  /** Marks new containers, then waits for events and reads them, until stopped. */
  private void run() {
    Memory pollFd = new Memory(8);
    long syncNanos = System.nanoTime();
    while (!stopping) {
      if (System.nanoTime() - syncNanos >= 0) {
        syncContainers(System.nanoTime());
        syncNanos = System.nanoTime() + Duration.ofMillis(POLL_MILLIS).toNanos();
      }
      pollFd.setInt(0, fd);
      pollFd.setShort(4, FanotifyLibC.POLLIN);
      pollFd.setShort(6, (short) 0);
      if (FanotifyLibC.poll(pollFd, 1, POLL_MILLIS) <= 0) {
        continue;
      }
      LockSupport.parkNanos(LINGER_NANOS);
      synchronized (this) {
        drain();
      }
    }
  }

  /** Reads what the kernel queued, up to {@value #MAX_READS} buffers. Holds the lock. */
  private void drain() {
    for (int i = 0; i < MAX_READS; i++) {
      long n;
      try {
        n = FanotifyLibC.read(fd, buffer, BUFFER_BYTES);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == FanotifyLibC.EAGAIN) {
          return;
        }
        if (e.getErrorCode() == FanotifyLibC.EINTR) {
          continue;
        }
        unreadable++; // never thrown at an exec event's taker: it goes on without a file
        LOG.warn("{}: cannot read the fanotify queue: {}", NAME, e.getMessage());
        return;
      }
      if (n <= 0) {
        return;
      }
      long readNanos = System.nanoTime(); // after the read: each event was queued before it
      for (FanotifyEvent event : parser.parse(buffer.getByteBuffer(0, n), (int) n)) {
        if (event.overflow()) {
          overflows++;
          LOG.warn("{}: the kernel's fanotify queue overflowed: files of execs were lost", NAME);
          continue;
        }
        try {
          if (event.fd() >= 0 && (event.mask() & FAN_OPEN_EXEC) != 0) {
            read(event.fd()).ifPresent(f -> {
              opened++;
              chains.opened(event.pid(), f, readNanos);
            });
          }
        } finally {
          if (!FanotifyFds.close(event.fd())) {
            unreadable++;
          }
        }
      }
    }
  }

  /** The file behind an event's descriptor; empty (counted) when it cannot be read. */
  private Optional<OpenedExec> read(int eventFd) {
    try {
      Path link = Path.of("/proc/self/fd/" + eventFd);
      String path = Files.readSymbolicLink(link).toString();
      Map<String, Object> a = Files.readAttributes(link, "unix:dev,ino,ctime");
      Optional<Instant> ctime = Optional.ofNullable((FileTime) a.get("ctime")).map(FileTime::toInstant);
      return Optional.of(new OpenedExec(path, (Long) a.get("dev"), (Long) a.get("ino"), ctime, kind(eventFd)));
    } catch (IOException | RuntimeException e) {
      unreadable++;
      return Optional.empty();
    }
  }

  /** Script, dynamic or static program, or loader, from its first bytes and program headers (two reads). */
  private ExecHeader.Kind kind(int eventFd) {
    int n = (int) ExecLibC.pread(eventFd, head, ExecHeader.HEAD_BYTES, 0);
    Optional<ExecHeader.ProgramHeaders> headers = ExecHeader.programHeaders(head.getByteBuffer(0, n), n);
    int read = 0;
    if (headers.isPresent()) {
      int length = (int) Math.min(headers.get().length(), table.size());
      read = (int) ExecLibC.pread(eventFd, table, length, headers.get().offset());
    }
    return ExecHeader.kind(head.getByteBuffer(0, n), n, table.getByteBuffer(0, Math.max(read, 0)), Math.max(read, 0));
  }

  /** Marks the mounts of containers seen running for the first time (or again after a restart) or due a rescan; forgets stopped ones. */
  private void syncContainers(long now) {
    Set<String> alive = new HashSet<>();
    for (ContainerInfo c : running.get()) {
      if (c.initPid().isEmpty()) {
        continue;
      }
      long initPid = c.initPid().getAsLong();
      alive.add(c.id());
      Watched w = watched.get(c.id());
      if (w == null || w.initPid() != initPid) {
        watched.put(c.id(), new Watched(initPid, markMounts(c.id(), initPid, Set.of()),
            now + Duration.ofSeconds(RESCAN_SECONDS).toNanos()));
      } else if (now - w.rescanNanos() >= 0) {
        watched.put(c.id(), new Watched(initPid, markMounts(c.id(), initPid, w.mountIds()),
            now + Duration.ofSeconds(RESCAN_SECONDS).toNanos()));
      }
    }
    watched.keySet().retainAll(alive); // the kernel dropped the marks with the mounts
    markCount = watched.values().stream().mapToLong(w -> w.mountIds().size()).sum();
  }

  /** Marks the container's mounts not marked yet; the ids of those marked now (gone ones left out). */
  private Set<Integer> markMounts(String containerId, long initPid, Set<Integer> marked) {
    List<MountEntry> mounts;
    try {
      mounts = MountInfoParser.mounts(Files.readString(host.pidDir((int) initPid).resolve("mountinfo")));
    } catch (IOException | RuntimeException e) {
      return Set.of(); // its init ended: it is no longer running
    }
    String root = host.pidDir((int) initPid).resolve("root").toString();
    Set<Integer> now = new HashSet<>();
    for (MountEntry m : mounts) {
      if (NOT_EXECUTABLE.contains(m.fsType())) {
        continue;
      }
      if (marked.contains(m.id()) || (scope == Scope.FILESYSTEMS && filesystems.contains(m.device()))
          || mark(root + m.mountPoint(), m.id(), containerId)) {
        if (scope == Scope.FILESYSTEMS) {
          filesystems.add(m.device());
        }
        now.add(m.id());
      }
    }
    LOG.debug("{}: watching execs on {} mounts of container {}", NAME, now.size(), containerId);
    return now;
  }

  /** Marks the mount at {@code path} if it is the mount {@code mountId}; false (counted) when not. */
  private boolean mark(String path, int mountId, String containerId) {
    int pathFd;
    try {
      pathFd = ExecLibC.open(path.endsWith("/") ? path : path + "/", ExecLibC.O_PATH | ExecLibC.O_NOFOLLOW
          | ExecLibC.O_CLOEXEC);
    } catch (LastErrorException e) {
      try {
        pathFd = ExecLibC.open(path, ExecLibC.O_PATH | ExecLibC.O_NOFOLLOW | ExecLibC.O_CLOEXEC); // a file's mount
      } catch (LastErrorException again) {
        markFailures++;
        return false;
      }
    }
    try {
      if (FanotifyFds.mountId(pathFd) != mountId) {
        markFailures++; // the path leads elsewhere now: not this mount
        LOG.warn("{}: mount {} of container {} is not where its mount table says: not watched", NAME, mountId,
            containerId);
        return false;
      }
      int kind = scope == Scope.MOUNTS ? FAN_MARK_MOUNT : FanotifyLibC.FAN_MARK_FILESYSTEM;
      FanotifyLibC.fanotify_mark(fd, FanotifyLibC.FAN_MARK_ADD | kind, FAN_OPEN_EXEC,
          FanotifyLibC.AT_FDCWD, "/proc/self/fd/" + pathFd);
      return true;
    } catch (IOException | LastErrorException e) {
      markFailures++;
      LOG.warn("{}: cannot watch execs on mount {} of container {}: {}", NAME, mountId, containerId, e.getMessage());
      return false;
    } finally {
      FanotifyFds.close(pathFd);
    }
  }

  @Override
  public void close() {
    SupervisedThread t;
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
      t = thread;
    }
    FanotifyFds.stopWatch(t, fd, JOIN_TIMEOUT);
    LOG.info("{}: stopped: {}", NAME, counters());
  }
}
