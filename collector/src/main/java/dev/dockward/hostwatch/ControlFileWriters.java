package dev.dockward.hostwatch;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.dockward.cgroup.ContainerIdResolver;
import dev.dockward.event.ProcessInfo;
import dev.dockward.hostwatch.FanotifyEventParser.FanotifyEvent;
import dev.dockward.proc.ProcReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who last wrote each of the kernel's control files the host watch compares (core_pattern, cgroup
 * release agents, notify_on_release): a fanotify inode mark ({@code FAN_MODIFY}) on each file hears
 * every write with the writer's pid, through any mount of the file and from any namespace (a cgroup
 * hierarchy mounted by several containers is one file system; one mark covers them all). A thread
 * of its own reads the events at once and reads the writer while it still exists: its container (by
 * cgroup) and the process. The host watch keeps polling the files; this only names who changed
 * them. Files are told by their identity (device and inode), the same through every path.
 */
final class ControlFileWriters implements AutoCloseable {
  /**
   * A write heard: the writer's pid, its container id when it had one, and the process as read
   * then.
   */
  record Writer(int pid, Optional<String> containerId, Optional<ProcessInfo> proc) {}

  private static final Logger LOG = LoggerFactory.getLogger(ControlFileWriters.class);

  /**
   * fanotify's FAN_MODIFY: a write to the file (not shared with the write watch's constants:
   * different masks).
   */
  private static final long FAN_MODIFY = 0x2;

  private static final int FAN_MARK_INODE = 0x0;
  private static final int POLL_MILLIS = 250;
  private static final int BUFFER_BYTES = 16 * 1024;

  /**
   * Files marked at most: the host watch remembers at most {@value HostWatch#MAX_CONTAINER_FILES}
   * through containers.
   */
  static final int MAX_MARKS = 2 * HostWatch.MAX_CONTAINER_FILES;

  private final int fd;
  private final ProcReader reader;
  private final FanotifyEventParser parser = new FanotifyEventParser();
  private final Set<Object> marked = ConcurrentHashMap.newKeySet();
  private final Map<Object, Writer> lastWriter = new ConcurrentHashMap<>();

  /**
   * A marked file's identity to the identity its writers are kept under (itself, but for aliases).
   */
  private final Map<Object, Object> aliases = new ConcurrentHashMap<>();

  private final LongAdder markFailures = new LongAdder();
  private final LongAdder unreadable = new LongAdder();
  private final Thread thread;
  private volatile boolean stopping;
  private volatile String failure;

  private ControlFileWriters(int fd, ProcReader reader) {
    this.fd = fd;
    this.reader = reader;
    this.thread = new Thread(this::run, "dockward-control-file-writers");
    thread.setDaemon(true);
  }

  /**
   * Starts listening; empty (said once) when fanotify is unavailable: the host watch then polls
   * alone.
   */
  static Optional<ControlFileWriters> open(ProcReader reader) {
    int fd;
    try {
      fd =
          FanotifyLibC.fanotify_init(
              FanotifyLibC.FAN_CLASS_NOTIF | FanotifyLibC.FAN_CLOEXEC | FanotifyLibC.FAN_NONBLOCK,
              FanotifyLibC.O_RDONLY | FanotifyLibC.O_LARGEFILE | FanotifyLibC.O_CLOEXEC);
    } catch (LastErrorException | UnsatisfiedLinkError e) {
      LOG.warn(
          "{}: no fanotify ({}): changes of core_pattern and release agents are not attributed to their writer",
          HostWatch.SOURCE,
          e.getMessage());
      return Optional.empty();
    }
    ControlFileWriters w = new ControlFileWriters(fd, reader);
    w.thread.start();
    return Optional.of(w);
  }

  /**
   * Marks the file once (by its identity); false when it could not be marked or identified. A
   * failed mark is said once per file and leaves the watch degraded: its changes are still polled
   * but name no writer.
   */
  boolean watch(Path file, Object fileKey) {
    return watch(file, fileKey, fileKey);
  }

  /**
   * Marks a file whose writes count as writes of another: the kernel's core_pattern as a
   * container's own procfs shows it is another inode of another file system than the host's.
   *
   * @param as the identity its writers are kept under
   */
  boolean watch(Path file, Object fileKey, Object as) {
    if (fileKey == null || as == null) {
      return false;
    }
    aliases.putIfAbsent(fileKey, as);
    if (marked.contains(fileKey)) {
      return true;
    }
    if (marked.size() >= MAX_MARKS) {
      return false;
    }
    try {
      FanotifyLibC.fanotify_mark(
          fd,
          FanotifyLibC.FAN_MARK_ADD | FAN_MARK_INODE,
          FAN_MODIFY,
          FanotifyLibC.AT_FDCWD,
          file.toString());
      marked.add(fileKey);
      return true;
    } catch (LastErrorException e) {
      markFailures.increment();
      marked.add(fileKey); // not tried again
      failure =
          "cannot watch writes to "
              + file
              + " ("
              + e.getMessage()
              + "): changes are polled without their writer";
      LOG.warn("{}: {}", HostWatch.SOURCE, failure);
      return false;
    }
  }

  /**
   * The writer heard last for the file with this identity since the previous take, if any: taken
   * once, so a later change (by a writer whose event was lost) is not blamed on it.
   */
  Optional<Writer> takeWriter(Object fileKey) {
    return Optional.ofNullable(fileKey == null ? null : lastWriter.remove(fileKey));
  }

  /**
   * Forgets the files not in {@code keys} (no longer compared: their container or cgroup is gone),
   * and their writers, so that what is kept stays bounded by what the watch compares now. A file
   * forgotten and compared again is marked again (a second mark of the same inode changes nothing).
   */
  void retain(Set<Object> keys) {
    marked.retainAll(keys);
    aliases.keySet().retainAll(keys);
    lastWriter.keySet().removeIf(k -> !keys.contains(k) && !aliases.containsValue(k));
  }

  /** Files marked now. */
  int marked() {
    return marked.size();
  }

  /** Why some writes cannot be attributed; empty while every mark held. */
  Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  long markFailures() {
    return markFailures.sum();
  }

  long unreadable() {
    return unreadable.sum() + parser.malformed();
  }

  private void run() {
    Memory buffer = new Memory(BUFFER_BYTES);
    Memory pollFd = new Memory(8);
    while (!stopping) {
      try {
        pollFd.setInt(0, fd);
        pollFd.setShort(4, FanotifyLibC.POLLIN);
        pollFd.setShort(6, (short) 0);
        if (FanotifyLibC.poll(pollFd, 1, POLL_MILLIS) <= 0) {
          continue;
        }
        long n = FanotifyLibC.read(fd, buffer, BUFFER_BYTES);
        if (n > 0) {
          for (FanotifyEvent event : parser.parse(buffer.getByteBuffer(0, n), (int) n)) {
            heard(event);
          }
        }
      } catch (LastErrorException e) {
        if (e.getErrorCode() != FanotifyLibC.EAGAIN && e.getErrorCode() != FanotifyLibC.EINTR) {
          if (stopping) {
            return;
          }
          failure = "reading fanotify events failed: " + e.getMessage();
          LOG.warn("{}: {}", HostWatch.SOURCE, failure);
          return;
        }
      } catch (RuntimeException e) {
        unreadable.increment(); // one event's trouble is not the watch's end
      }
    }
  }

  private void heard(FanotifyEvent event) {
    if (event.fd() < 0) {
      return; // an overflow: the poll still sees the change, without its writer
    }
    Object fileKey;
    try {
      fileKey =
          Files.readAttributes(Path.of("/proc/self/fd/" + event.fd()), BasicFileAttributes.class)
              .fileKey();
    } catch (IOException | RuntimeException e) {
      unreadable.increment();
      return;
    } finally {
      if (!FanotifyFds.close(event.fd())) {
        unreadable.increment();
      }
    }
    Optional<String> containerId =
        reader.cgroup(event.pid()).flatMap(ContainerIdResolver::containerId);
    lastWriter.put(
        aliases.getOrDefault(fileKey, fileKey),
        new Writer(event.pid(), containerId, reader.read(event.pid())));
  }

  @Override
  public void close() {
    stopping = true;
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      FanotifyLibC.close(fd);
    } catch (LastErrorException e) {
      // closing anyway
    }
  }
}
