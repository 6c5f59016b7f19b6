package dev.dockward.hostwatch;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.dockward.cgroup.ContainerIdResolver;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.HostFileWritten;
import dev.dockward.event.MountInfo;
import dev.dockward.event.ProcessInfo;
import dev.dockward.hostwatch.FanotifyEventParser.FanotifyEvent;
import dev.dockward.hostfs.HostFs;
import dev.dockward.proc.ProcReader;
import dev.dockward.source.EventSink;
import dev.dockward.source.Source;
import dev.dockward.source.Workers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
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
 * Files on the host written by container processes through the containers' bind mounts (source
 * {@value #NAME}, events {@code host_file_write}). A fanotify watch marks the file system of each
 * running container's writable bind mount and hears every close of a file that was open for
 * writing on it, with the writer's pid. The mount the file was written through names the
 * container (its bind mounts' mount ids are read from the container's mountinfo), even when the
 * writer has already ended; failing that, the writer's cgroup does. The container's mounts then
 * turn the path it used into the host file, checked to be the very file written. Writes by host processes, to a
 * container's own file system and to volumes are counted and dropped.
 *
 * <p>The file systems of the host's own directories (such as {@code /}, {@code /etc}, {@code /root})
 * are marked at start, so a container that writes through a bind mount of one of them the moment
 * it starts is heard too; a bind mount of any other file system is marked once the container is
 * seen running (within one refresh interval), and a write closed before that is not seen.
 *
 * <p>Needs CAP_SYS_ADMIN (a file system mark). Without it, {@link #open} fails and the agent says
 * so once.
 */
public final class HostWriteWatch implements Source {
  public static final String NAME = "host_writes";

  private static final Logger LOG = LoggerFactory.getLogger(HostWriteWatch.class);
  private static final int POLL_MILLIS = 250;
  /** While writes wait for their container to be inspected, the watch looks again this often. */
  private static final int PENDING_POLL_MILLIS = 20;
  /**
   * How long a write waits for its container to be inspected: a container that writes the moment
   * it starts does so before the Docker daemon has announced it.
   */
  private static final long PENDING_NANOS = 3_000_000_000L;
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
  /** More than a read ever returns: the kernel fills whole events only. */
  private static final int BUFFER_BYTES = 64 * 1024;

  private final int fd;
  private final ProcReader reader;
  private final Supplier<? extends List<ContainerInfo>> running;
  private final Function<String, Optional<ContainerInfo>> containerById;
  private final Clock clock;
  private final Duration refreshInterval;
  private final List<String> hostDirectories;
  private final FanotifyEventParser parser = new FanotifyEventParser();
  private final BindMountIndex mounts;
  private final Set<String> marked = new HashSet<>();
  private final long ownPid = ProcessHandle.current().pid();
  private final LongAdder reported = new LongAdder();
  private final LongAdder hostWrites = new LongAdder();
  private final LongAdder ownWrites = new LongAdder();
  private final LongAdder vanished = new LongAdder();
  private final LongAdder overflows = new LongAdder();
  private final LongAdder markFailures = new LongAdder();
  private final LongAdder unreadable = new LongAdder();
  private final LongAdder unattributed = new LongAdder();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private volatile boolean stopping;
  private Thread thread;

  private HostWriteWatch(int fd, HostFs host, ProcReader reader, Supplier<? extends List<ContainerInfo>> running,
      Function<String, Optional<ContainerInfo>> containerById, Clock clock, Duration refreshInterval,
      List<String> hostDirectories) {
    this.fd = fd;
    this.hostDirectories = List.copyOf(hostDirectories);
    this.mounts = new BindMountIndex(host, Path.of("/proc/self/mountinfo"));
    this.reader = reader;
    this.running = running;
    this.containerById = containerById;
    this.clock = clock;
    this.refreshInterval = refreshInterval;
  }

  /**
   * Opens the fanotify watch.
   *
   * @param running the running containers, whose bind mounts are marked
   * @param containerById a container by id, for its mounts when a write is heard
   * @param refreshInterval how often the running containers are looked at for new bind mounts
   * @param hostDirectories host directories whose file systems are marked at start (those that exist)
   * @throws IOException when fanotify is unavailable here (no CAP_SYS_ADMIN, or a kernel without it)
   */
  public static HostWriteWatch open(HostFs host, ProcReader reader, Supplier<? extends List<ContainerInfo>> running,
      Function<String, Optional<ContainerInfo>> containerById, Clock clock, Duration refreshInterval,
      List<String> hostDirectories) throws IOException {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(running, "running");
    Objects.requireNonNull(containerById, "containerById");
    Objects.requireNonNull(clock, "clock");
    int fd;
    try {
      fd = FanotifyLibC.fanotify_init(FanotifyLibC.FAN_CLASS_NOTIF | FanotifyLibC.FAN_CLOEXEC
          | FanotifyLibC.FAN_NONBLOCK, FanotifyLibC.O_RDONLY | FanotifyLibC.O_LARGEFILE | FanotifyLibC.O_CLOEXEC);
    } catch (LastErrorException | UnsatisfiedLinkError e) {
      throw new IOException("cannot start a fanotify watch: " + e.getMessage(), e);
    }
    return new HostWriteWatch(fd, host, reader, running, containerById, clock, refreshInterval, hostDirectories);
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Degradations by reason: {@code overflow_drops} (the kernel's queue overflowed: writes were
   * lost), {@code vanished} (the writer ended before it could be attributed), {@code mark_failures}
   * (a bind mount's file system could not be watched), {@code unreadable} (a record or a path that
   * could not be read), {@code unattributed} (a container's write whose container was never
   * inspected, most likely one that ended at once: whether it went through a bind mount is
   * unknown); and what was heard and dropped by design: {@code host_writes},
   * {@code container_own_writes}.
   */
  @Override
  public Map<String, Long> counters() {
    return Map.of("reported", reported.sum(), "host_writes", hostWrites.sum(), "container_own_writes", ownWrites.sum(),
        "vanished", vanished.sum(), "overflow_drops", overflows.sum(), "mark_failures", markFailures.sum(),
        "unreadable", unreadable.sum() + parser.malformed() + mounts.unreadable(), "unattributed", unattributed.sum());
  }

  @Override
  public synchronized void start(EventSink sink) {
    Objects.requireNonNull(sink, "sink");
    if (thread != null) {
      throw new IllegalStateException(NAME + " already started");
    }
    thread = new Thread(() -> run(sink), "dockward-host-writes");
    thread.setDaemon(true);
    thread.start();
  }

  private void run(EventSink sink) {
    Memory buffer = new Memory(BUFFER_BYTES);
    Memory pollFd = new Memory(8);
    long nextRefresh = 0;
    for (String directory : hostDirectories) {
      if (Files.isDirectory(Path.of(directory))) {
        mark(directory, "host directory " + directory);
      }
    }
    try {
      while (!stopping) {
        long now = System.nanoTime();
        if (now - nextRefresh >= 0) {
          markBindMounts();
          mounts.refresh(running.get(), now);
          mounts.refreshHost();
          nextRefresh = now + refreshInterval.toNanos();
        }
        pollFd.setInt(0, fd);
        pollFd.setShort(4, FanotifyLibC.POLLIN);
        pollFd.setShort(6, (short) 0);
        resolvePending(sink, now);
        if (FanotifyLibC.poll(pollFd, 1, pending.isEmpty() ? POLL_MILLIS : PENDING_POLL_MILLIS) <= 0) {
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // shutting down
    } catch (RuntimeException e) {
      if (!stopping) {
        LOG.error("{}: the watch failed, no more host file writes are seen", NAME, e);
      }
    }
  }

  /** Marks the file system of every writable bind mount of the running containers not marked yet. */
  private void markBindMounts() {
    for (ContainerInfo container : running.get()) {
      for (MountInfo mount : container.mounts()) {
        if ("bind".equals(mount.type()) && mount.readWrite() && !marked.contains(mount.source())) {
          mark(mount.source(), "bind mount at " + mount.destination() + " in " + container.name());
        }
      }
    }
  }

  /** Marks the file system {@code path} is on; a failure is said once per path. */
  private void mark(String path, String what) {
    marked.add(path);
    try {
      FanotifyLibC.fanotify_mark(fd, FanotifyLibC.FAN_MARK_ADD | FanotifyLibC.FAN_MARK_FILESYSTEM,
          FanotifyLibC.FAN_CLOSE_WRITE, FanotifyLibC.AT_FDCWD, path);
      LOG.debug("{}: watching writes to the file system of {} ({})", NAME, path, what);
    } catch (LastErrorException e) {
      markFailures.increment();
      LOG.warn("{}: cannot watch writes to {} ({}): {}", NAME, path, what, e.getMessage());
    }
  }

  private void handle(FanotifyEvent event, EventSink sink) throws InterruptedException {
    if (event.overflow()) {
      overflows.increment();
      LOG.warn("{}: the kernel's fanotify queue overflowed: host file writes were lost", NAME);
      return;
    }
    String path;
    Object fileKey;
    int mountId;
    try {
      Path fd = Path.of("/proc/self/fd/" + event.fd());
      path = Files.readSymbolicLink(fd).toString();
      fileKey = Files.readAttributes(fd, BasicFileAttributes.class).fileKey(); // the written file itself
      mountId = mountIdOf(event.fd());
    } catch (IOException | RuntimeException e) {
      unreadable.increment();
      return;
    } finally {
      closeQuietly(event.fd());
    }
    if (event.pid() == ownPid || mounts.isHostMount(mountId)) {
      hostWrites.increment();
      return;
    }
    // By the mount it went through: that names the container even when the writer has ended.
    Optional<BindMountIndex.Binding> binding = mounts.byMountId(mountId);
    if (binding.isEmpty()) {
      mounts.refresh(running.get(), System.nanoTime()); // a container started since the last refresh
      binding = mounts.byMountId(mountId);
    }
    if (binding.isPresent()
        && emitIfHostFile(binding.get().container(), event.pid(), path, fileKey, () -> reader.read(event.pid()),
            clock.instant(), sink)) {
      return;
    }
    // Else by the writer's cgroup: a container whose mounts were not indexed (it ended at once).
    Optional<String> cgroup = reader.cgroup(event.pid());
    if (cgroup.isEmpty()) {
      vanished.increment();
      return;
    }
    Optional<String> containerId = ContainerIdResolver.containerId(cgroup.get());
    if (containerId.isEmpty()) {
      hostWrites.increment();
      return;
    }
    Optional<ContainerInfo> container = containerById.apply(containerId.get());
    if (container.isPresent()) {
      emitOrCount(container.get(), event.pid(), path, fileKey, () -> reader.read(event.pid()), clock.instant(), sink);
    } else {
      // Read now: the writer may be gone by the time its container is known.
      pending.add(new Pending(event.pid(), path, fileKey, containerId.get(), reader.read(event.pid()), clock.instant(),
          System.nanoTime() + PENDING_NANOS));
    }
  }

  /** The mount id of an open file ({@code mnt_id} in its fdinfo). */
  private static int mountIdOf(int fd) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
      if (line.startsWith("mnt_id:")) {
        return Integer.parseInt(line.substring(7).trim());
      }
    }
    throw new IOException("no mnt_id in the fdinfo of " + fd);
  }

  /** A container's write heard before the container was inspected. */
  private record Pending(int pid, String path, Object fileKey, String containerId, Optional<ProcessInfo> proc, Instant time,
      long deadlineNanos) {}

  private void resolvePending(EventSink sink, long now) throws InterruptedException {
    for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
      Pending write = it.next();
      Optional<ContainerInfo> container = containerById.apply(write.containerId());
      if (container.isPresent()) {
        it.remove();
        emitOrCount(container.get(), write.pid(), write.path(), write.fileKey(), write::proc, write.time(), sink);
      } else if (now - write.deadlineNanos() >= 0) {
        it.remove();
        unattributed.increment();
        LOG.debug("{}: container {} wrote {} but was never inspected: the write is dropped", NAME,
            write.containerId(), write.path());
      }
    }
  }

  /** A write through one of the container's bind mounts is emitted; any other is counted as its own. */
  private void emitOrCount(ContainerInfo container, int pid, String path, Object fileKey,
      Supplier<Optional<ProcessInfo>> proc, Instant time, EventSink sink) throws InterruptedException {
    if (!emitIfHostFile(container, pid, path, fileKey, proc, time, sink)) {
      ownWrites.increment(); // its own file system or a volume
    }
  }

  /** Emits the write if it reached a host file through one of the container's bind mounts (the writer is read only then). */
  private boolean emitIfHostFile(ContainerInfo container, int pid, String path, Object fileKey,
      Supplier<Optional<ProcessInfo>> proc, Instant time, EventSink sink) throws InterruptedException {
    Optional<BindMounts.HostFile> file = BindMounts.hostFile(container.mounts(), path, p -> isFile(p, fileKey));
    if (file.isEmpty()) {
      return false;
    }
    reported.increment();
    sink.accept(new HostFileWritten(time, NAME, proc.get(), pid, path, file.get().hostPath(),
        file.get().mount().source(), file.get().mount().destination(), Optional.of(container)));
    return true;
  }

  /** Whether the host path is the file with this key (device and inode); false when it cannot be read. */
  private static boolean isFile(String hostPath, Object fileKey) {
    try {
      // Links followed: a bind mount's source may name its directory through one.
      return fileKey != null && fileKey.equals(Files.readAttributes(Path.of(hostPath), BasicFileAttributes.class).fileKey());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private void closeQuietly(int eventFd) {
    if (eventFd < 0) {
      return;
    }
    try {
      FanotifyLibC.close(eventFd);
    } catch (LastErrorException e) {
      unreadable.increment();
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
      t = thread;
    }
    if (t != null) {
      t.interrupt();
      Workers.join(t, JOIN_TIMEOUT);
    }
    try {
      FanotifyLibC.close(fd);
    } catch (LastErrorException e) {
      // closing anyway
    }
    LOG.info("{}: stopped: {}", NAME, counters());
  }
}
