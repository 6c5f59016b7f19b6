package dev.dockward.fileopen;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.dockward.cgroup.ContainerIdResolver;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FileOpened;
import dev.dockward.event.ProcessInfo;
import dev.dockward.host.HostFs;
import dev.dockward.hostwatch.FanotifyEventParser;
import dev.dockward.hostwatch.FanotifyEventParser.FanotifyEvent;
import dev.dockward.hostwatch.FanotifyFds;
import dev.dockward.hostwatch.FanotifyLibC;
import dev.dockward.proc.HostReference;
import dev.dockward.proc.ProcReader;
import dev.dockward.source.EventSink;
import dev.dockward.source.SourceHealth;
import dev.dockward.source.SupervisedSource;
import dev.dockward.source.SupervisedThread;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sensitive files opened by container processes (source {@value #NAME}, events {@code file_open}),
 * heard from the open itself, whatever program opened them and however briefly it lived. A fanotify
 * group of the notification class (it never blocks an open) holds {@code FAN_OPEN} inode marks on
 * the host's credentials files, set at start, and on each running container's own copies, set
 * through {@code /proc/<init pid>/root} as soon as the container is seen with an init process and
 * looked for again every {@value #RESCAN_SECONDS} s (a file created later is marked then); the
 * files found are looked at every {@value #CHECK_SECONDS} s, and one replaced (a new inode under
 * the same name, as {@code passwd} leaves it) makes its root be looked at again at once. An inode
 * mark costs nothing to opens of other files.
 *
 * <p>An open is attributed by the mount it went through (its descriptor's {@code mnt_id}: every
 * container's mounts are its own, a bind mount of a host directory included), so the container is
 * known even when the opener has ended; else by the opener's cgroup while it lives; else, for a
 * container's own copy, by the mark itself. Opens through the host's own mounts are the host's:
 * counted and dropped.
 *
 * <p>Needs CAP_SYS_ADMIN (fanotify). Without it, {@link #open} fails and the agent says so once.
 */
public final class SensitiveOpenSource implements SupervisedSource {
  public static final String NAME = "sensitive_opens";

  static final int RESCAN_SECONDS = 60;
  static final int CHECK_SECONDS = 10;
  private static final Logger LOG = LoggerFactory.getLogger(SensitiveOpenSource.class);
  private static final int POLL_MILLIS = 250;

  /**
   * An open through a mount nobody indexed makes the mount tables be read again, at most this
   * often.
   */
  private static final long REINDEX_NANOS = 100_000_000L;

  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
  private static final int BUFFER_BYTES = 64 * 1024;

  /**
   * Whose file a mark is on: a container's own copy, or the host's when {@code containerId} is
   * empty.
   */
  private record Mark(Optional<String> containerId, String path) {}

  /**
   * A container whose copies are marked, with the init pid they were reached through, the files
   * found (by key), and when to check them and to look for files again.
   */
  private record Watched(long initPid, Map<Object, Path> files, long checkNanos, long rescanNanos) {
    Set<Object> keys() {
      return files.keySet();
    }
  }

  private final int fd;
  private final HostFs host;
  private final HostReference reference;
  private final ProcReader reader;
  private final Supplier<? extends List<ContainerInfo>> running;
  private final Function<String, Optional<ContainerInfo>> containerById;
  private final Clock clock;
  private final SensitiveFiles files;
  private final FanotifyEventParser parser = new FanotifyEventParser();
  private final MountOwners mounts = new MountOwners();
  private final Map<Object, Mark> marks = new HashMap<>();
  private final Map<String, Watched> watched = new HashMap<>();
  private Set<Object> hostKeys = Set.of();
  private long hostRescanNanos = System.nanoTime();
  private long hostCheckNanos = System.nanoTime();

  /** The host's files found, by key, checked every {@value #CHECK_SECONDS} s. */
  private Map<Object, Path> hostFiles = Map.of();

  private long reindexedNanos = System.nanoTime() - REINDEX_NANOS;
  private final long ownPid = ProcessHandle.current().pid();
  private final LongAdder reported = new LongAdder();
  private final LongAdder hostOpens = new LongAdder();
  private final LongAdder unattributed = new LongAdder();
  private final LongAdder unknownFiles = new LongAdder();
  private final LongAdder overflows = new LongAdder();
  private final LongAdder markFailures = new LongAdder();
  private final LongAdder unreadable = new LongAdder();
  private volatile long markCount;
  private volatile boolean stopping;
  private volatile String hostMarkFailure;
  private SupervisedThread thread;

  private SensitiveOpenSource(
      int fd,
      HostFs host,
      HostReference reference,
      ProcReader reader,
      Supplier<? extends List<ContainerInfo>> running,
      Function<String, Optional<ContainerInfo>> containerById,
      Clock clock,
      SensitiveFiles files) {
    this.fd = fd;
    this.host = host;
    this.reference = reference;
    this.reader = reader;
    this.running = running;
    this.containerById = containerById;
    this.clock = clock;
    this.files = files;
  }

  /**
   * Opens the fanotify group.
   *
   * @param reference the host process whose root the host's files are reached through and whose
   *     mount table says which mounts are the host's
   * @param running the running containers, whose copies are marked
   * @param containerById a container by id, for the event
   * @param files the credentials files, marked on the host and in each container
   * @throws IOException when fanotify is unavailable here (no CAP_SYS_ADMIN, or a kernel without
   *     it)
   */
  public static SensitiveOpenSource open(
      HostFs host,
      HostReference reference,
      ProcReader reader,
      Supplier<? extends List<ContainerInfo>> running,
      Function<String, Optional<ContainerInfo>> containerById,
      Clock clock,
      SensitiveFiles files)
      throws IOException {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(running, "running");
    Objects.requireNonNull(containerById, "containerById");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(files, "files");
    int fd;
    try {
      fd =
          FanotifyLibC.fanotify_init(
              FanotifyLibC.FAN_CLASS_NOTIF | FanotifyLibC.FAN_CLOEXEC | FanotifyLibC.FAN_NONBLOCK,
              FanotifyLibC.O_RDONLY | FanotifyLibC.O_LARGEFILE | FanotifyLibC.O_CLOEXEC);
    } catch (LastErrorException | UnsatisfiedLinkError e) {
      throw new IOException("cannot start a fanotify watch: " + e.getMessage(), e);
    }
    return new SensitiveOpenSource(
        fd, host, reference, reader, running, containerById, clock, files);
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * {@code reported}; dropped by design: {@code host_opens} (through the host's own mounts, or by a
   * host process); lost: {@code overflow_drops} (the kernel's queue overflowed), {@code
   * unattributed} (through a mount no container owns, by a process already gone, of a host file),
   * {@code unknown_files} (a file no longer marked by that name), {@code mark_failures}, {@code
   * unreadable}.
   */
  @Override
  public Map<String, Long> counters() {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("reported", reported.sum());
    out.put("host_opens", hostOpens.sum());
    out.put("overflow_drops", overflows.sum());
    out.put("unattributed", unattributed.sum());
    out.put("unknown_files", unknownFiles.sum());
    out.put("mark_failures", markFailures.sum());
    out.put("unreadable", unreadable.sum() + parser.malformed());
    return out;
  }

  /** Opens lost for good: the kernel's queue overflowed. */
  @Override
  public Set<String> losses() {
    return Set.of("overflow_drops");
  }

  /**
   * The inode marks held now: the host's credentials files and every running container's copies.
   */
  public long marks() {
    return markCount;
  }

  @Override
  public synchronized Optional<SupervisedThread> supervisor() {
    return Optional.ofNullable(thread);
  }

  /** The thread's health, and degraded while a host mark was refused. */
  @Override
  public SourceHealth health() {
    SourceHealth marks =
        hostMarkFailure == null ? SourceHealth.running() : SourceHealth.degraded(hostMarkFailure);
    return SupervisedSource.super.health().and(marks);
  }

  @Override
  public synchronized void start(EventSink sink) {
    Objects.requireNonNull(sink, "sink");
    if (thread != null) {
      throw new IllegalStateException(NAME + " already started");
    }
    thread = new SupervisedThread("dockward-sensitive-opens", () -> run(sink));
    thread.start();
  }

  /** Marks, then listens until stopped; a failure ends it and the supervisor starts it again. */
  private void run(EventSink sink) throws InterruptedException {
    Memory buffer = new Memory(BUFFER_BYTES);
    Memory pollFd = new Memory(8);
    while (!stopping) {
      long now = System.nanoTime();
      if (now - hostRescanNanos >= 0 || (now - hostCheckNanos >= 0 && replaced(hostFiles))) {
        markHost();
        hostRescanNanos = now + Duration.ofSeconds(RESCAN_SECONDS).toNanos();
        hostCheckNanos = now + Duration.ofSeconds(CHECK_SECONDS).toNanos();
      } else if (now - hostCheckNanos >= 0) {
        hostCheckNanos = now + Duration.ofSeconds(CHECK_SECONDS).toNanos();
      }
      syncContainers(now);
      pollFd.setInt(0, fd);
      pollFd.setShort(4, FanotifyLibC.POLLIN);
      pollFd.setShort(6, (short) 0);
      if (FanotifyLibC.poll(pollFd, 1, POLL_MILLIS) <= 0) {
        continue;
      }
      long n;
      try {
        n = FanotifyLibC.read(fd, buffer, BUFFER_BYTES);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == FanotifyLibC.EAGAIN || e.getErrorCode() == FanotifyLibC.EINTR) {
          continue;
        }
        throw e;
      }
      if (n > 0) {
        for (FanotifyEvent event : parser.parse(buffer.getByteBuffer(0, n), (int) n)) {
          handle(event, sink);
        }
      }
    }
  }

  /** The host's mounts and credentials files, marked again where a file was replaced. */
  private void markHost() {
    try {
      mounts.indexHost(Files.readString(reference.mountinfo()));
    } catch (IOException | RuntimeException e) {
      unreadable.increment();
    }
    Set<Object> before = hostKeys;
    Set<Object> now = new HashSet<>();
    Map<Object, Path> found = new HashMap<>();
    int failed = 0;
    for (SensitiveFiles.Found f : files.expand(reference.root())) {
      if (!mark(f.file(), new Mark(Optional.empty(), f.path()), now)) {
        failed++;
      } else {
        fileKey(f.file()).ifPresent(k -> found.put(k, f.file()));
      }
    }
    forgetMarks(before, now);
    hostKeys = now;
    hostFiles = found;
    hostMarkFailure =
        failed == 0 ? null : "cannot watch opens of " + failed + " of the host's credentials files";
    updateMarkCount();
  }

  /**
   * Marks the copies of containers seen running for the first time (or again after a restart) or
   * due a rescan; forgets stopped ones.
   */
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
        indexMounts(c.id(), initPid);
        watchCopies(c.id(), initPid, w == null ? Set.of() : w.keys(), now);
      } else if (now - w.rescanNanos() >= 0 || (now - w.checkNanos() >= 0 && replaced(w.files()))) {
        watchCopies(c.id(), initPid, w.keys(), now);
      } else if (now - w.checkNanos() >= 0) {
        watched.put(
            c.id(),
            new Watched(
                initPid,
                w.files(),
                now + Duration.ofSeconds(CHECK_SECONDS).toNanos(),
                w.rescanNanos()));
      }
    }
    for (String id : Set.copyOf(watched.keySet())) {
      if (!alive.contains(id)) {
        forgetMarks(watched.remove(id).keys(), Set.of());
        mounts.forget(id);
        updateMarkCount();
      }
    }
  }

  private void indexMounts(String containerId, long initPid) {
    try {
      mounts.index(containerId, Files.readString(host.pidDir((int) initPid).resolve("mountinfo")));
    } catch (IOException | RuntimeException e) {
      unreadable.increment(); // its init ended: it is no longer running
    }
  }

  private void watchCopies(String containerId, long initPid, Set<Object> before, long now) {
    Set<Object> keys = new HashSet<>();
    Map<Object, Path> found = new HashMap<>();
    for (SensitiveFiles.Found f : files.expand(host.pidDir((int) initPid).resolve("root"))) {
      if (mark(f.file(), new Mark(Optional.of(containerId), f.path()), keys)) {
        fileKey(f.file()).ifPresent(k -> found.put(k, f.file()));
      }
    }
    forgetMarks(before, keys);
    LOG.debug(
        "{}: watching opens of {} credentials files in container {}",
        NAME,
        found.size(),
        containerId);
    watched.put(
        containerId,
        new Watched(
            initPid,
            found,
            now + Duration.ofSeconds(CHECK_SECONDS).toNanos(),
            now + Duration.ofSeconds(RESCAN_SECONDS).toNanos()));
    updateMarkCount();
  }

  /** Whether a file found before is gone or is another file now (one stat each). */
  private static boolean replaced(Map<Object, Path> found) {
    for (Map.Entry<Object, Path> f : found.entrySet()) {
      if (!fileKey(f.getValue()).equals(Optional.of(f.getKey()))) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Object> fileKey(Path file) {
    try {
      return Optional.ofNullable(
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Marks one file (links not followed: {@link SensitiveFiles} resolved them inside its root); adds
   * its key to {@code keys}.
   */
  private boolean mark(Path file, Mark mark, Set<Object> keys) {
    Object key;
    try {
      key =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
              .fileKey();
    } catch (IOException | RuntimeException e) {
      return true; // gone since it was listed
    }
    if (key == null) {
      return true;
    }
    keys.add(key);
    if (mark.equals(marks.get(key))) {
      return true;
    }
    try {
      FanotifyLibC.fanotify_mark(
          fd,
          FanotifyLibC.FAN_MARK_ADD
              | FanotifyLibC.FAN_MARK_INODE
              | FanotifyLibC.FAN_MARK_DONT_FOLLOW,
          FanotifyLibC.FAN_OPEN,
          FanotifyLibC.AT_FDCWD,
          file.toString());
      marks.put(key, mark);
      return true;
    } catch (LastErrorException e) {
      keys.remove(key);
      markFailures.increment();
      LOG.warn(
          "{}: cannot watch opens of {} ({}): {}",
          NAME,
          mark.path(),
          mark.containerId().map(id -> "in container " + id).orElse("on the host"),
          e.getMessage());
      return false;
    }
  }

  /**
   * Forgets the files of {@code before} not in {@code now}. The kernel drops a mark with its inode;
   * a file replaced but still linked elsewhere keeps its mark, and its opens count as unknown
   * files.
   */
  private void forgetMarks(Set<Object> before, Set<Object> now) {
    for (Object key : before) {
      if (!now.contains(key)) {
        marks.remove(key);
      }
    }
  }

  private void updateMarkCount() {
    markCount = marks.size();
  }

  private void handle(FanotifyEvent event, EventSink sink) throws InterruptedException {
    if (event.overflow()) {
      overflows.increment();
      LOG.warn(
          "{}: the kernel's fanotify queue overflowed: opens of sensitive files were lost", NAME);
      return;
    }
    String path;
    Object key;
    int mountId;
    try {
      Path link = Path.of("/proc/self/fd/" + event.fd());
      path = Files.readSymbolicLink(link).toString();
      key = Files.readAttributes(link, BasicFileAttributes.class).fileKey();
      mountId = FanotifyFds.mountId(event.fd());
    } catch (IOException | RuntimeException e) {
      unreadable.increment();
      return;
    } finally {
      closeQuietly(event.fd());
    }
    if (event.pid() == ownPid) {
      return;
    }
    Mark mark = marks.get(key);
    if (mark == null) {
      unknownFiles.increment();
      return;
    }
    Optional<Opener> opener = attribute(event.pid(), mountId, mark);
    if (opener.isEmpty()) {
      return;
    }
    String id = opener.get().containerId();
    ContainerInfo container = containerById.apply(id).orElse(ContainerInfo.unresolved(id));
    reported.increment();
    sink.accept(
        new FileOpened(
            clock.instant(),
            NAME,
            opener.get().proc(),
            event.pid(),
            path.isEmpty() ? mark.path() : path,
            mark.containerId().isEmpty() ? Optional.of(mark.path()) : Optional.empty(),
            opener.get().by(),
            Optional.of(container)));
  }

  /** The container an open belongs to, how it was told, and the opener if it was still there. */
  private record Opener(String containerId, String by, Optional<ProcessInfo> proc) {}

  /**
   * By the mount, the opener's cgroup, or the mark, in that order; empty (counted) for the host's
   * opens and the unknown.
   */
  private Optional<Opener> attribute(int pid, int mountId, Mark mark) {
    Optional<String> byMount = mounts.container(mountId);
    if (byMount.isEmpty()
        && !mounts.isHost(mountId)
        && System.nanoTime() - reindexedNanos >= REINDEX_NANOS) {
      reindex(); // a mount added since the tables were read
      reindexedNanos = System.nanoTime();
      byMount = mounts.container(mountId);
    }
    if (mounts.isHost(mountId)) {
      hostOpens.increment();
      return Optional.empty();
    }
    if (byMount.isPresent()) {
      return Optional.of(new Opener(byMount.get(), "mount", opener(pid, byMount.get())));
    }
    Optional<String> cgroup = reader.cgroup(pid);
    if (cgroup.isPresent()) {
      Optional<String> id = ContainerIdResolver.containerId(cgroup.get());
      if (id.isEmpty()) {
        hostOpens
            .increment(); // a host process in a mount namespace of its own (a sandboxed service)
        return Optional.empty();
      }
      return Optional.of(new Opener(id.get(), "process", opener(pid, id.get())));
    }
    if (mark.containerId().isPresent()) {
      return Optional.of(new Opener(mark.containerId().get(), "mark", Optional.empty()));
    }
    unattributed.increment();
    return Optional.empty();
  }

  /** Reads every watched container's mount table and the host's again: a mount was added since. */
  private void reindex() {
    for (Map.Entry<String, Watched> w : watched.entrySet()) {
      indexMounts(w.getKey(), w.getValue().initPid());
    }
    try {
      mounts.indexHost(Files.readString(reference.mountinfo()));
    } catch (IOException | RuntimeException e) {
      unreadable.increment();
    }
  }

  /**
   * The opener as read now, if its pid still names a process of that container (not a reused pid).
   */
  private Optional<ProcessInfo> opener(int pid, String containerId) {
    Optional<String> cgroup = reader.cgroup(pid);
    if (cgroup.isEmpty()
        || !ContainerIdResolver.containerId(cgroup.get()).equals(Optional.of(containerId))) {
      return Optional.empty();
    }
    return reader.read(pid);
  }

  private void closeQuietly(int eventFd) {
    if (!FanotifyFds.close(eventFd)) {
      unreadable.increment();
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
