package dev.dockward.execfile;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.dockward.cgroup.MountEntry;
import dev.dockward.cgroup.MountInfoParser;
import dev.dockward.event.ExecFile;
import dev.dockward.host.HostFs;
import dev.dockward.hostwatch.FanotifyEventParser;
import dev.dockward.hostwatch.FanotifyEventParser.FanotifyEvent;
import dev.dockward.hostwatch.FanotifyFds;
import dev.dockward.hostwatch.FanotifyLibC;
import dev.dockward.source.EventSink;
import dev.dockward.source.SourceHealth;
import dev.dockward.source.SupervisedSource;
import dev.dockward.source.SupervisedThread;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file of every exec in a running container, recorded at exec time (source {@value #NAME}; it
 * emits no events of its own: exec events {@linkplain ExecFiles#take take} what it recorded). A
 * fanotify group of the notification class (it never blocks an exec) holds {@code FAN_OPEN_EXEC}
 * mount marks on every mount of each running container (its root, {@code /dev/shm}, volumes, bind
 * mounts), set through {@code /proc/<init pid>/root} as soon as it is told the container runs
 * ({@link #containerStarted}, from Docker's start event) and forgotten when told it ended. A
 * reconciliation pass every {@value #RECONCILE_SECONDS} s, and at once when asked ({@link
 * #reconcileNow}, on a reconnection to Docker), is the safety net: it marks what no start marked
 * and mounts added inside a container since. While Docker is not followed it finds the containers
 * in /proc. A mount mark costs nothing to execs elsewhere: the host's own execs never reach the
 * agent.
 *
 * <p>Each event's descriptor is read at once (path, device, inode, ctime, and the file's first
 * bytes, which tell a script, a dynamic program and a static one apart) and closed; the files are
 * grouped per pid into one chain per exec ({@link ExecChains}). The kernel queues an exec's events
 * before it sends the process connector's exec message, so {@link #take} reads whatever is queued
 * first and always finds them. A mount is marked through a descriptor whose mount id was checked
 * against the container's mount table, so a symlink the container planted in a mount point's path
 * cannot move a mark elsewhere.
 *
 * <p>Needs CAP_SYS_ADMIN (fanotify). Without it, {@link #open} fails and the agent says so once.
 */
public final class ExecFileSource implements SupervisedSource, ExecFiles {
  public static final String NAME = "exec_files";

  static final int RECONCILE_SECONDS = 60;
  static final long FAN_OPEN_EXEC = 0x1000;
  static final int FAN_MARK_MOUNT = 0x10;
  private static final Logger LOG = LoggerFactory.getLogger(ExecFileSource.class);

  /** File systems nothing is executed from. */
  private static final Set<String> NOT_EXECUTABLE =
      Set.of(
          "proc",
          "sysfs",
          "cgroup",
          "cgroup2",
          "devpts",
          "mqueue",
          "securityfs",
          "debugfs",
          "tracefs",
          "bpf",
          "pstore",
          "configfs",
          "fusectl",
          "binfmt_misc",
          "nsfs");

  private static final long RECONCILE_NANOS = Duration.ofSeconds(RECONCILE_SECONDS).toNanos();

  /**
   * Once woken by an event, the thread lets more arrive before it reads: a wake-up per burst, not
   * per exec.
   */
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

  /** What the watch's thread is told to do, in the order told. */
  private sealed interface Change {}

  private record Started(String containerId, long initPid) implements Change {}

  private record Ended(String containerId) implements Change {}

  private record Reconcile() implements Change {}

  private final int fd;

  /** An eventfd that wakes the thread for a change; polled with the group. */
  private final int wakeFd;

  private final HostFs host;
  private final ContainerInits docker;
  private final ContainerInits proc;
  private final Scope scope;
  private final Queue<Change> changes = new ConcurrentLinkedQueue<>();
  private final ContainerMarks marks = new ContainerMarks(this::markMounts);

  /** The 1 every wake-up adds to the eventfd's counter; only ever read by write(2). */
  private final Memory one = new Memory(8);

  /**
   * Guards {@link #wakeFd} against a wake-up after close: its number may belong to another file by
   * then.
   */
  private final Object wakeLock = new Object();

  private boolean wakeOpen = true;

  /**
   * With {@link Scope#FILESYSTEMS}: the devices of the file systems marked (a mark stays until the
   * group closes).
   */
  private final Set<String> filesystems = new HashSet<>();

  private final FanotifyEventParser parser = new FanotifyEventParser();
  private final ExecChains chains = new ExecChains(MAX_PIDS, MAX_CHAINS_PER_PID);
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
  private volatile long marksByEvent;
  private volatile long marksByReconcile;
  private volatile long missedStarts;
  private volatile long reconcilesFromProc;
  private volatile boolean dockerFollowed = true;
  private volatile boolean stopping;
  private SupervisedThread thread;

  private ExecFileSource(
      int fd, int wakeFd, HostFs host, ContainerInits docker, ContainerInits proc, Scope scope) {
    this.fd = fd;
    this.wakeFd = wakeFd;
    this.host = host;
    this.docker = docker;
    this.proc = proc;
    this.scope = scope;
    one.setLong(0, 1);
  }

  /**
   * Opens the fanotify group.
   *
   * @param docker the running containers as Docker knows them, for the reconciliation pass
   * @param proc the same from /proc, for when Docker is not followed ({@link #dockerFollowed})
   * @throws IOException when fanotify is unavailable here (no CAP_SYS_ADMIN, or a kernel without
   *     it)
   */
  public static ExecFileSource open(HostFs host, ContainerInits docker, ContainerInits proc)
      throws IOException {
    return open(host, docker, proc, Scope.MOUNTS);
  }

  /**
   * Opens the fanotify group, its marks covering {@code scope}.
   *
   * @throws IOException when fanotify is unavailable here
   */
  public static ExecFileSource open(
      HostFs host, ContainerInits docker, ContainerInits proc, Scope scope) throws IOException {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(docker, "docker");
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(scope, "scope");
    int fd;
    int wakeFd;
    try {
      fd =
          FanotifyLibC.fanotify_init(
              FanotifyLibC.FAN_CLASS_NOTIF | FanotifyLibC.FAN_CLOEXEC | FanotifyLibC.FAN_NONBLOCK,
              FanotifyLibC.O_RDONLY | FanotifyLibC.O_LARGEFILE | FanotifyLibC.O_CLOEXEC);
    } catch (LastErrorException | UnsatisfiedLinkError e) {
      throw new IOException("cannot start a fanotify watch: " + e.getMessage(), e);
    }
    try {
      wakeFd = ExecLibC.eventfd(0, ExecLibC.EFD_NONBLOCK | ExecLibC.EFD_CLOEXEC);
    } catch (LastErrorException e) {
      FanotifyFds.close(fd);
      throw new IOException("cannot make an eventfd: " + e.getMessage(), e);
    }
    return new ExecFileSource(fd, wakeFd, host, docker, proc, scope);
  }

  /**
   * A container's run began with init {@code initPid}: its mounts are marked at once, on the
   * watch's thread. Returns at once (called on the Docker source's thread).
   */
  public void containerStarted(String containerId, long initPid) {
    tell(new Started(containerId, initPid));
  }

  /** A container's run ended: forgotten. Returns at once. */
  public void containerEnded(String containerId) {
    tell(new Ended(containerId));
  }

  /**
   * Asks for a reconciliation pass now (Docker reconnected: starts may have been missed). Returns
   * at once.
   */
  public void reconcileNow() {
    tell(new Reconcile());
  }

  /**
   * Whether the Docker daemon is followed now. While it is not, starts are not heard: the
   * reconciliation pass finds the containers in /proc, and the watch says it is degraded.
   */
  public void dockerFollowed(boolean followed) {
    dockerFollowed = followed;
  }

  /**
   * Degraded while Docker is not followed: a container's first execs, until the next pass, have no
   * file.
   */
  @Override
  public SourceHealth health() {
    SourceHealth h = SupervisedSource.super.health();
    return dockerFollowed
        ? h
        : h.and(
            SourceHealth.degraded(
                "the Docker daemon is not followed: containers are "
                    + "found in /proc every "
                    + RECONCILE_SECONDS
                    + " s, and the execs of one started meanwhile have no exec "
                    + "file until then"));
  }

  private void tell(Change change) {
    changes.add(change);
    wake();
  }

  private void wake() {
    synchronized (wakeLock) {
      if (!wakeOpen) {
        return;
      }
      try {
        ExecLibC.write(wakeFd, one, 8);
      } catch (LastErrorException e) {
        // EAGAIN: the counter is full, the thread is woken anyway
      }
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * {@code opened} (files execs opened), {@code taken} (exec events that found their file), {@code
   * not_found} (exec events that found none: an exec on the host or before its container was
   * marked); {@code overflow_drops} (times the kernel's queue overflowed: the files of the execs
   * after it were lost for good, see {@link #losses}); {@code evicted} (never taken: another
   * process's, or no room), {@code skipped} (execs that failed), {@code unreadable}, {@code
   * mark_failures}; mount marks made {@code marks_by_event} (a container's start) and {@code
   * marks_by_reconcile} (the safety-net pass), {@code missed_starts} (containers the pass found
   * that no start had marked), {@code reconciles_from_proc} (passes made from /proc while Docker
   * was not followed).
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
    out.put("marks_by_event", marksByEvent);
    out.put("marks_by_reconcile", marksByReconcile);
    out.put("missed_starts", missedStarts);
    out.put("reconciles_from_proc", reconcilesFromProc);
    return out;
  }

  /**
   * Records lost for good: when the kernel's queue overflows, the exec file of each exec it could
   * not queue is gone (the exec event still comes, through netlink, without it: its exe only if the
   * process was still there to be read). Counted once per overflow, not per file.
   */
  @Override
  public Set<String> losses() {
    return Set.of("overflow_drops");
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

  /**
   * Reconciles once, then marks and forgets containers as told, reconciles when due, and reads the
   * events, until stopped. Asleep in poll between changes, events and passes.
   */
  private void run() {
    Memory pollFds = new Memory(16);
    Memory woken = new Memory(8);
    long reconcileNanos = System.nanoTime();
    while (!stopping) {
      if (applyChanges() || System.nanoTime() - reconcileNanos >= 0) {
        reconcile();
        reconcileNanos = System.nanoTime() + RECONCILE_NANOS;
      }
      pollFds.setInt(0, fd);
      pollFds.setShort(4, FanotifyLibC.POLLIN);
      pollFds.setShort(6, (short) 0);
      pollFds.setInt(8, wakeFd);
      pollFds.setShort(12, FanotifyLibC.POLLIN);
      pollFds.setShort(14, (short) 0);
      long waitMillis = Math.max(0, (reconcileNanos - System.nanoTime()) / 1_000_000L) + 1;
      if (FanotifyLibC.poll(pollFds, 2, (int) Math.min(waitMillis, RECONCILE_NANOS / 1_000_000L))
          <= 0) {
        continue;
      }
      if ((pollFds.getShort(14) & FanotifyLibC.POLLIN) != 0) {
        try {
          FanotifyLibC.read(wakeFd, woken, 8); // resets the counter; the queue says what to do
        } catch (LastErrorException e) {
          // EAGAIN: read already
        }
      }
      if ((pollFds.getShort(6) & FanotifyLibC.POLLIN) != 0) {
        LockSupport.parkNanos(LINGER_NANOS);
        synchronized (this) {
          drain();
        }
      }
    }
  }

  /** Marks and forgets containers as told; whether a reconciliation was asked for. */
  private boolean applyChanges() {
    boolean reconcile = false;
    Change c;
    while ((c = changes.poll()) != null) {
      if (c instanceof Started s) {
        marks.started(s.containerId(), s.initPid());
      } else if (c instanceof Ended e) {
        marks.ended(e.containerId());
      } else {
        reconcile = true;
      }
    }
    published();
    return reconcile;
  }

  /**
   * The safety-net pass, over Docker's containers, or /proc's while Docker is not followed. The
   * starts told before the listing are applied first, so a container is not taken for a missed
   * start because its start was still queued.
   */
  private void reconcile() {
    boolean followed = dockerFollowed;
    Map<String, Long> running;
    try {
      running = followed ? docker.now() : proc.now();
    } catch (RuntimeException e) {
      LOG.warn("{}: cannot list the running containers: {}", NAME, e.toString());
      return;
    }
    applyChanges();
    marks.reconcile(running);
    if (!followed) {
      reconcilesFromProc++;
    }
    published();
  }

  /** Copies the marks' figures where other threads read them. */
  private void published() {
    markCount = marks.marks();
    marksByEvent = marks.byEvent();
    marksByReconcile = marks.byReconcile();
    missedStarts = marks.missedStarts();
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
            read(event.fd())
                .ifPresent(
                    f -> {
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
      Optional<Instant> ctime =
          Optional.ofNullable((FileTime) a.get("ctime")).map(FileTime::toInstant);
      return Optional.of(
          new OpenedExec(path, (Long) a.get("dev"), (Long) a.get("ino"), ctime, kind(eventFd)));
    } catch (IOException | RuntimeException e) {
      unreadable++;
      return Optional.empty();
    }
  }

  /**
   * Script, dynamic or static program, or loader, from its first bytes and program headers (two
   * reads).
   */
  private ExecHeader.Kind kind(int eventFd) {
    int n = (int) ExecLibC.pread(eventFd, head, ExecHeader.HEAD_BYTES, 0);
    Optional<ExecHeader.ProgramHeaders> headers =
        ExecHeader.programHeaders(head.getByteBuffer(0, n), n);
    int read = 0;
    if (headers.isPresent()) {
      int length = (int) Math.min(headers.get().length(), table.size());
      read = (int) ExecLibC.pread(eventFd, table, length, headers.get().offset());
    }
    return ExecHeader.kind(
        head.getByteBuffer(0, n), n, table.getByteBuffer(0, Math.max(read, 0)), Math.max(read, 0));
  }

  /**
   * Marks the container's mounts not marked yet; the ids of those marked now (gone ones left out).
   */
  private Set<Integer> markMounts(String containerId, long initPid, Set<Integer> marked) {
    List<MountEntry> mounts;
    try {
      mounts =
          MountInfoParser.mounts(Files.readString(host.pidDir((int) initPid).resolve("mountinfo")));
    } catch (IOException | RuntimeException e) {
      return Set.of(); // its init ended: it is no longer running
    }
    String root = host.pidDir((int) initPid).resolve("root").toString();
    Set<Integer> now = new HashSet<>();
    for (MountEntry m : mounts) {
      if (NOT_EXECUTABLE.contains(m.fsType())) {
        continue;
      }
      if (marked.contains(m.id())
          || (scope == Scope.FILESYSTEMS && filesystems.contains(m.device()))
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

  /**
   * Marks the mount at {@code path} if it is the mount {@code mountId}; false (counted) when not.
   */
  private boolean mark(String path, int mountId, String containerId) {
    int pathFd;
    try {
      pathFd =
          ExecLibC.open(
              path.endsWith("/") ? path : path + "/",
              ExecLibC.O_PATH | ExecLibC.O_NOFOLLOW | ExecLibC.O_CLOEXEC);
    } catch (LastErrorException e) {
      try {
        pathFd =
            ExecLibC.open(
                path, ExecLibC.O_PATH | ExecLibC.O_NOFOLLOW | ExecLibC.O_CLOEXEC); // a file's mount
      } catch (LastErrorException again) {
        markFailures++;
        return false;
      }
    }
    try {
      if (FanotifyFds.mountId(pathFd) != mountId) {
        markFailures++; // the path leads elsewhere now: not this mount
        LOG.warn(
            "{}: mount {} of container {} is not where its mount table says: not watched",
            NAME,
            mountId,
            containerId);
        return false;
      }
      int kind = scope == Scope.MOUNTS ? FAN_MARK_MOUNT : FanotifyLibC.FAN_MARK_FILESYSTEM;
      FanotifyLibC.fanotify_mark(
          fd,
          FanotifyLibC.FAN_MARK_ADD | kind,
          FAN_OPEN_EXEC,
          FanotifyLibC.AT_FDCWD,
          "/proc/self/fd/" + pathFd);
      return true;
    } catch (IOException | LastErrorException e) {
      markFailures++;
      LOG.warn(
          "{}: cannot watch execs on mount {} of container {}: {}",
          NAME,
          mountId,
          containerId,
          e.getMessage());
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
    wake(); // out of its poll at once
    FanotifyFds.stopWatch(t, fd, JOIN_TIMEOUT);
    synchronized (wakeLock) {
      wakeOpen = false;
      FanotifyFds.close(wakeFd);
    }
    LOG.info("{}: stopped: {}", NAME, counters());
  }
}
