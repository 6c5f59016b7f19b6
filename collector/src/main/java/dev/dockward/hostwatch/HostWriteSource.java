package dev.dockward.hostwatch;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.MountInfo;
import dev.dockward.host.HostFs;
import dev.dockward.hostwatch.FanotifyEventParser.FanotifyEvent;
import dev.dockward.proc.HostReference;
import dev.dockward.proc.ProcReader;
import dev.dockward.source.EventSink;
import dev.dockward.source.SourceHealth;
import dev.dockward.source.SupervisedSource;
import dev.dockward.source.SupervisedThread;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
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
 * Files on the host written by container processes through the containers' bind mounts (source
 * {@value #NAME}, events {@code host_file_write}). A fanotify watch marks the file system of each
 * running container's writable bind mount and hears every close of a file that was open for writing
 * on it, with the writer's pid; {@link WriteAttribution} tells which container wrote which host
 * file. A container's write to its own root file system becomes a {@code container_file_write} when
 * the place matters ({@link ContainerFileWrites}); writes by host processes, to the rest of a
 * container's own file system and to volumes are counted and dropped.
 *
 * <p>The file systems of the host's own directories (such as {@code /}, {@code /etc}, {@code
 * /root}) are marked at start, so a container that writes through a bind mount of one of them the
 * moment it starts is heard too; a bind mount of any other file system is marked once the container
 * is seen running (within one refresh interval), and a write closed before that is not seen.
 *
 * <p>Needs CAP_SYS_ADMIN (a file system mark). Without it, {@link #open} fails and the agent says
 * so once.
 */
public final class HostWriteSource implements SupervisedSource {
  public static final String NAME = "host_writes";

  private static final Logger LOG = LoggerFactory.getLogger(HostWriteSource.class);
  private static final int POLL_MILLIS = 250;

  /** While writes wait for their container to be inspected, the watch looks again this often. */
  private static final int PENDING_POLL_MILLIS = 20;

  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

  /** More than a read ever returns: the kernel fills whole events only. */
  private static final int BUFFER_BYTES = 64 * 1024;

  private final int fd;
  private final Supplier<? extends List<ContainerInfo>> running;
  private final Duration refreshInterval;
  private final List<String> hostDirectories;
  private final HostReference reference;
  private final FanotifyEventParser parser = new FanotifyEventParser();
  private final WriteAttribution attribution;
  private final Set<String> marked = new HashSet<>();
  private final HostFs host;
  private final ContainerRootMarks rootMarks = new ContainerRootMarks();
  private final LongAdder overflows = new LongAdder();
  private final LongAdder markFailures = new LongAdder();
  private final LongAdder unreadable = new LongAdder();
  private volatile boolean stopping;
  private SupervisedThread thread;

  /** Why a host directory's file system could not be marked; null when all were. */
  private volatile String hostMarkFailure;

  private HostWriteSource(
      int fd,
      HostFs host,
      HostReference reference,
      ProcReader reader,
      Supplier<? extends List<ContainerInfo>> running,
      Function<String, Optional<ContainerInfo>> containerById,
      Clock clock,
      Duration refreshInterval,
      List<String> hostDirectories) {
    this.fd = fd;
    this.host = host;
    this.hostDirectories = List.copyOf(hostDirectories);
    this.reference = reference;
    this.attribution =
        new WriteAttribution(
            host, reference::mountinfo, reference::hostPath, reader, running, containerById, clock);
    this.running = running;
    this.refreshInterval = refreshInterval;
  }

  /**
   * Opens the fanotify watch.
   *
   * @param reference the host process whose root and mount table host paths and host mounts are
   *     read through (the agent may run in a mount namespace of its own)
   * @param running the running containers, whose bind mounts are marked
   * @param containerById a container by id, for its mounts when a write is heard
   * @param refreshInterval how often the running containers are looked at for new bind mounts
   * @param hostDirectories host directories whose file systems are marked at start (those that
   *     exist)
   * @throws IOException when fanotify is unavailable here (no CAP_SYS_ADMIN, or a kernel without
   *     it)
   */
  public static HostWriteSource open(
      HostFs host,
      HostReference reference,
      ProcReader reader,
      Supplier<? extends List<ContainerInfo>> running,
      Function<String, Optional<ContainerInfo>> containerById,
      Clock clock,
      Duration refreshInterval,
      List<String> hostDirectories)
      throws IOException {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(running, "running");
    Objects.requireNonNull(containerById, "containerById");
    Objects.requireNonNull(clock, "clock");
    int fd;
    try {
      fd =
          FanotifyLibC.fanotify_init(
              FanotifyLibC.FAN_CLASS_NOTIF | FanotifyLibC.FAN_CLOEXEC | FanotifyLibC.FAN_NONBLOCK,
              FanotifyLibC.O_RDONLY | FanotifyLibC.O_LARGEFILE | FanotifyLibC.O_CLOEXEC);
    } catch (LastErrorException | UnsatisfiedLinkError e) {
      throw new IOException("cannot start a fanotify watch: " + e.getMessage(), e);
    }
    return new HostWriteSource(
        fd,
        host,
        reference,
        reader,
        running,
        containerById,
        clock,
        refreshInterval,
        hostDirectories);
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
   * unknown), {@code pending_drops} (writes of a container not inspected yet dropped because too
   * many waited), {@code container_file_writes_throttled} (writes to places that matter in a
   * container's own file system beyond its budget, see {@link ContainerFileWrites}); and what was
   * heard and dropped by design: {@code host_writes}, {@code container_own_writes}.
   */
  @Override
  public Map<String, Long> counters() {
    Map<String, Long> out = new LinkedHashMap<>(attribution.counters());
    out.put("overflow_drops", overflows.sum());
    out.put("mark_failures", markFailures.sum());
    out.put(
        "unreadable", unreadable.sum() + parser.malformed() + out.remove("unreadable_mountinfo"));
    return out;
  }

  /**
   * Writes lost for good: the kernel's queue overflowed, or too many waited for their container.
   */
  @Override
  public Set<String> losses() {
    return Set.of("overflow_drops", "pending_drops");
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
    thread = new SupervisedThread("dockward-host-writes", () -> run(sink));
    thread.start();
  }

  /** Marks, then listens until stopped; a failure ends it and the supervisor starts it again. */
  private void run(EventSink sink) throws InterruptedException {
    Memory buffer = new Memory(BUFFER_BYTES);
    Memory pollFd = new Memory(8);
    long nextRefresh = 0;
    for (String directory : hostDirectories) {
      if (Files.isDirectory(reference.hostPath(directory))
          && !mark(directory, "host directory " + directory)) {
        hostMarkFailure = "cannot watch writes to the file system of " + directory;
      }
    }
    while (!stopping) {
      long now = System.nanoTime();
      if (now - nextRefresh >= 0) {
        markBindMounts();
        attribution.refresh();
        nextRefresh = now + refreshInterval.toNanos();
      }
      pollFd.setInt(0, fd);
      pollFd.setShort(4, FanotifyLibC.POLLIN);
      pollFd.setShort(6, (short) 0);
      attribution.resolvePending(sink, now);
      if (FanotifyLibC.poll(pollFd, 1, attribution.hasPending() ? PENDING_POLL_MILLIS : POLL_MILLIS)
          <= 0) {
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

  /**
   * Marks the file system of every writable bind mount of the running containers not marked yet,
   * and each container's root file system (its own with overlay2).
   */
  private void markBindMounts() {
    List<? extends ContainerInfo> containers = running.get();
    rootMarks.refresh(
        List.copyOf(containers), host, root -> mark(root, "root file system " + root));
    for (ContainerInfo container : containers) {
      for (MountInfo mount : container.mounts()) {
        if ("bind".equals(mount.type()) && mount.readWrite() && !marked.contains(mount.source())) {
          mark(mount.source(), "bind mount at " + mount.destination() + " in " + container.name());
        }
      }
    }
  }

  /**
   * Marks the file system the host path {@code path} is on, reached through the host's root (not
   * the agent's, which may be a sandbox's private view); a failure is said once per path.
   */
  private boolean mark(String path, String what) {
    marked.add(path);
    return mark(reference.hostPath(path), what);
  }

  /** Marks the file system {@code target} (as the agent reaches it) is on. */
  private boolean mark(Path target, String what) {
    try {
      FanotifyLibC.fanotify_mark(
          fd,
          FanotifyLibC.FAN_MARK_ADD | FanotifyLibC.FAN_MARK_FILESYSTEM,
          FanotifyLibC.FAN_CLOSE_WRITE,
          FanotifyLibC.AT_FDCWD,
          target.toString());
      LOG.debug("{}: watching writes to the file system of {} ({})", NAME, target, what);
      return true;
    } catch (LastErrorException e) {
      markFailures.increment();
      LOG.warn("{}: cannot watch writes to {} ({}): {}", NAME, target, what, e.getMessage());
      return false;
    }
  }

  private void handle(FanotifyEvent event, EventSink sink) throws InterruptedException {
    if (event.overflow()) {
      overflows.increment();
      LOG.warn("{}: the kernel's fanotify queue overflowed: host file writes were lost", NAME);
      return;
    }
    WriteAttribution.HeardWrite write;
    try {
      Path fd = Path.of("/proc/self/fd/" + event.fd());
      write =
          new WriteAttribution.HeardWrite(
              event.pid(),
              Files.readSymbolicLink(fd).toString(),
              Files.readAttributes(fd, BasicFileAttributes.class).fileKey(),
              FanotifyFds.mountId(event.fd()));
    } catch (IOException | RuntimeException e) {
      unreadable.increment();
      return;
    } finally {
      closeQuietly(event.fd());
    }
    attribution.heard(write, sink);
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
