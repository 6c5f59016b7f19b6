package dev.dockward.hostwatch;

import dev.dockward.cgroup.ContainerIdResolver;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.HostFileWritten;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessInfoSize;
import dev.dockward.host.HostFs;
import dev.dockward.proc.ProcReader;
import dev.dockward.source.EventSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a heard write was: a host file written through one of a container's bind mounts
 * (emitted as {@link HostFileWritten}), a container's own file, or a host process's write
 * (counted). The mount the file was written through names the container first, the writer's cgroup
 * second; a write of a container Docker has not announced yet waits for it a while. Used by the
 * watch's thread only.
 */
final class WriteAttribution {
  /**
   * A file closed after writing: its path as the kernel names it, identity and mount, and its
   * writer.
   */
  record HeardWrite(int pid, String path, Object fileKey, int mountId) {}

  private static final Logger LOG = LoggerFactory.getLogger(WriteAttribution.class);

  /**
   * How long a write waits for its container to be inspected: a container that writes the moment it
   * starts does so before the Docker daemon has announced it.
   */
  private static final long PENDING_NANOS = 3_000_000_000L;

  private static final long WRITER_TTL_NANOS = 1_000_000_000L;
  private static final int WRITERS_KEPT = 256;

  /**
   * The most writes waiting, and the estimated bytes of their paths and writers: a process in a
   * cgroup named like a container nobody inspects makes every write wait, and each writer's command
   * line is its own to size. Past either, the oldest waiting write is dropped and counted.
   */
  static final int MAX_PENDING = 4096;

  static final long PENDING_BUDGET_BYTES = 16L << 20;

  private final ProcReader reader;
  private final Supplier<? extends List<ContainerInfo>> running;
  private final Function<String, Optional<ContainerInfo>> containerById;
  private final Clock clock;
  private final BindMountIndex mounts;
  private final Function<String, Path> hostPaths;
  private final long ownPid = ProcessHandle.current().pid();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private long pendingBytes;

  /**
   * Writers read lately: a loop that writes many files is one process, read once a second at most.
   */
  private final Map<Integer, ReadWriter> writers =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, ReadWriter> eldest) {
          return size() > WRITERS_KEPT;
        }
      };

  private final LongAdder reported = new LongAdder();
  private final LongAdder hostWrites = new LongAdder();
  private final LongAdder outsideMounts = new LongAdder();
  private final LongAdder ownWrites = new LongAdder();
  private final LongAdder vanished = new LongAdder();
  private final LongAdder unattributed = new LongAdder();
  private final LongAdder pendingDrops = new LongAdder();
  private final ContainerFileWrites ownFiles;

  /** A writer as read, with its /proc directory's identity then (a reused pid has another). */
  private record ReadWriter(Object identity, Optional<ProcessInfo> proc, long readNanos) {}

  /** A container's write heard before the container was inspected. */
  private record Pending(
      HeardWrite write,
      String containerId,
      Optional<ProcessInfo> proc,
      Instant time,
      long deadlineNanos) {
    /**
     * Its estimated heap: the record and what it alone may keep (a writer read once may be shared:
     * counted anyway).
     */
    long bytes() {
      return 128
          + ProcessInfoSize.text(write.path())
          + ProcessInfoSize.text(containerId)
          + proc.map(ProcessInfoSize::of).orElse(0L);
    }
  }

  /**
   * @param hostMountinfo the host's mount table (its reference process's, not the agent's own)
   * @param hostPaths a host path as the agent reaches it (through the reference's root: the agent
   *     may have a /tmp and mounts of its own)
   */
  WriteAttribution(
      HostFs host,
      Supplier<Path> hostMountinfo,
      Function<String, Path> hostPaths,
      ProcReader reader,
      Supplier<? extends List<ContainerInfo>> running,
      Function<String, Optional<ContainerInfo>> containerById,
      Clock clock) {
    this.reader = reader;
    this.running = running;
    this.containerById = containerById;
    this.clock = clock;
    this.hostPaths = hostPaths;
    this.ownFiles = new ContainerFileWrites(clock);
    this.mounts =
        new BindMountIndex(
            host,
            hostMountinfo,
            id -> containerById.apply(id).map(ContainerInfo::initPid).orElse(OptionalLong.empty()));
  }

  /** Indexes the mounts of containers started since, and the host's own mounts. */
  void refresh() {
    mounts.refresh(running.get());
    mounts.refreshHost();
  }

  boolean hasPending() {
    return !pending.isEmpty();
  }

  void heard(HeardWrite write, EventSink sink) throws InterruptedException {
    if (write.pid() == ownPid) {
      hostWrites.increment();
      return;
    }
    if (mounts.isHostMount(write.mountId())) {
      heardOnHostMount(write, sink);
      return;
    }
    if (mounts.isContainersOwnMount(write.mountId())) {
      Optional<ContainerInfo> root = mounts.rootOf(write.mountId()).flatMap(containerById);
      if (root.isEmpty()
          || !ownFiles.offer(
              root.get(),
              write.pid(),
              write.path(),
              () -> writer(write.pid()),
              clock.instant(),
              sink)) {
        ownWrites.increment(); // a volume, a tmpfs, or a place that does not matter
      }
      return;
    }
    // By the mount it went through: that names the container even when the writer has ended.
    Optional<BindMountIndex.Binding> binding = mounts.byMountId(write.mountId());
    if (binding.isEmpty()) {
      mounts.refresh(running.get()); // a container started since the last refresh
      binding = mounts.byMountId(write.mountId());
    }
    Supplier<Optional<ProcessInfo>> writer = () -> writer(write.pid());
    if (binding.isPresent()
        && emitIfHostFile(binding.get().container(), write, writer, clock.instant(), sink)) {
      return;
    }
    // Else by the writer's cgroup: a container whose mounts were not indexed (it ended at once).
    Optional<String> cgroup = reader.cgroup(write.pid());
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
      emitOrCount(container.get(), write, writer, clock.instant(), sink);
    } else {
      // Read now: the writer may be gone by the time its container is known.
      hold(
          new Pending(
              write,
              containerId.get(),
              writer.get(),
              clock.instant(),
              System.nanoTime() + PENDING_NANOS));
    }
  }

  /**
   * A write through one of the host's own mounts is the host's, unless the writer belongs to a
   * container: a container process has no host mount in its namespace, so it reached the file
   * through a magic link (/proc/<pid>/root, /proc/<pid>/exe of a host process: runc's exe
   * overwrite) or by entering the host's mount namespace. Emitted with no mount (empty source and
   * destination).
   */
  private void heardOnHostMount(HeardWrite write, EventSink sink) throws InterruptedException {
    Optional<String> containerId =
        reader.cgroup(write.pid()).flatMap(ContainerIdResolver::containerId);
    Optional<ContainerInfo> container = containerId.flatMap(containerById);
    if (container.isEmpty()) {
      hostWrites.increment(); // a host process, or a writer gone before its cgroup was read
      return;
    }
    outsideMounts.increment();
    reported.increment();
    sink.accept(
        new HostFileWritten(
            clock.instant(),
            HostWriteSource.NAME,
            writer(write.pid()),
            write.pid(),
            write.path(),
            write.path(),
            "",
            "",
            container));
  }

  private void hold(Pending p) {
    pending.addLast(p);
    pendingBytes += p.bytes();
    while (pending.size() > MAX_PENDING
        || (pendingBytes > PENDING_BUDGET_BYTES && pending.size() > 1)) {
      Pending oldest = pending.pollFirst();
      pendingBytes -= oldest.bytes();
      pendingDrops.increment();
    }
  }

  int pendingWrites() {
    return pending.size();
  }

  /**
   * The writing process: read again only when it was not read within the last second, or when its
   * pid now names another process.
   */
  private Optional<ProcessInfo> writer(int pid) {
    long now = System.nanoTime();
    Optional<Object> identity = reader.identity(pid);
    ReadWriter known = writers.get(pid);
    if (known != null
        && identity.isPresent()
        && identity.get().equals(known.identity())
        && now - known.readNanos() < WRITER_TTL_NANOS) {
      return known.proc();
    }
    Optional<ProcessInfo> proc = reader.read(pid);
    identity.ifPresent(id -> writers.put(pid, new ReadWriter(id, proc, now)));
    return proc;
  }

  /**
   * Emits the waiting writes whose container is known now; gives up on those that waited too long.
   */
  void resolvePending(EventSink sink, long nowNanos) throws InterruptedException {
    for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      Optional<ContainerInfo> container = containerById.apply(p.containerId());
      if (container.isPresent()) {
        it.remove();
        pendingBytes -= p.bytes();
        emitOrCount(container.get(), p.write(), p::proc, p.time(), sink);
      } else if (nowNanos - p.deadlineNanos() >= 0) {
        it.remove();
        pendingBytes -= p.bytes();
        unattributed.increment();
        LOG.debug(
            "{}: container {} wrote {} but was never inspected: the write is dropped",
            HostWriteSource.NAME,
            p.containerId(),
            p.write().path());
      }
    }
  }

  /**
   * A write through one of the container's bind mounts is emitted; one that may be to its root file
   * system is offered as such; any other is counted as its own.
   */
  private void emitOrCount(
      ContainerInfo container,
      HeardWrite write,
      Supplier<Optional<ProcessInfo>> writer,
      Instant time,
      EventSink sink)
      throws InterruptedException {
    if (emitIfHostFile(container, write, writer, time, sink)) {
      return;
    }
    if (!mounts.mayBeRoot(write.mountId())
        || !ownFiles.offer(container, write.pid(), write.path(), writer, time, sink)) {
      ownWrites.increment(); // its own file system or a volume
    }
  }

  /**
   * Emits the write if it reached a host file through one of the container's bind mounts (the
   * writer is read only then).
   */
  private boolean emitIfHostFile(
      ContainerInfo container,
      HeardWrite write,
      Supplier<Optional<ProcessInfo>> writer,
      Instant time,
      EventSink sink)
      throws InterruptedException {
    Optional<BindMounts.HostFile> file =
        BindMounts.hostFile(
            container.mounts(), write.path(), p -> isFile(hostPaths.apply(p), write.fileKey()));
    if (file.isEmpty()) {
      return false;
    }
    reported.increment();
    sink.accept(
        new HostFileWritten(
            time,
            HostWriteSource.NAME,
            writer.get(),
            write.pid(),
            write.path(),
            file.get().hostPath(),
            file.get().mount().source(),
            file.get().mount().destination(),
            Optional.of(container)));
    return true;
  }

  /**
   * Whether the host file is the one with this key (device and inode); false when it cannot be
   * read.
   */
  private static boolean isFile(Path hostFile, Object fileKey) {
    try {
      // Links followed: a bind mount's source may name its directory through one.
      return fileKey != null
          && fileKey.equals(Files.readAttributes(hostFile, BasicFileAttributes.class).fileKey());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** What was heard and dropped, by reason (see {@link HostWriteSource#counters}). */
  Map<String, Long> counters() {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("reported", reported.sum());
    out.put("host_writes", hostWrites.sum());
    out.put("outside_mounts", outsideMounts.sum());
    out.put("container_own_writes", ownWrites.sum());
    out.put("container_file_writes", ownFiles.reported());
    out.put("container_file_writes_throttled", ownFiles.throttled());
    out.put("vanished", vanished.sum());
    out.put("unattributed", unattributed.sum());
    out.put("pending_drops", pendingDrops.sum());
    out.put("unreadable_mountinfo", mounts.unreadable());
    return out;
  }
}
