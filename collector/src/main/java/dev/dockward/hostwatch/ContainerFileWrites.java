package dev.dockward.hostwatch;

import dev.dockward.event.ContainerFileWritten;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.ProcessInfo;
import dev.dockward.source.EventSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Turns a container's write to its own root file system into a {@link ContainerFileWritten} when
 * the place matters ({@link PersistencePaths}), at most {@value #MAX_PER_WINDOW} distinct files per
 * container per window of {@link #WINDOW}, and each file once per window: a package install or a
 * loop rewriting one file is a few events, not thousands. What is held back is counted ({@code
 * container_file_writes_throttled}). Used by the watch's thread only.
 */
final class ContainerFileWrites {
  static final int MAX_PER_WINDOW = 16;
  static final Duration WINDOW = Duration.ofMinutes(1);

  private final Clock clock;
  private final Map<String, Window> windows = new HashMap<>();
  private final LongAdder reported = new LongAdder();
  private final LongAdder throttled = new LongAdder();

  /** One container's current window: when it started and the files reported in it. */
  private record Window(long startMillis, Set<String> paths) {}

  ContainerFileWrites(Clock clock) {
    this.clock = clock;
  }

  /**
   * Reports the write if its place matters and the container's window has room.
   *
   * @param path the file as the container names it
   * @param writer the writing process, read only when the write is reported
   * @param time when the write was heard
   * @return whether the place matters (reported or held back); false for any other write, which the
   *     caller counts as the container's own
   */
  boolean offer(
      ContainerInfo container,
      int pid,
      String path,
      Supplier<Optional<ProcessInfo>> writer,
      Instant time,
      EventSink sink)
      throws InterruptedException {
    Optional<String> category = PersistencePaths.category(path);
    if (category.isEmpty()) {
      return false;
    }
    long now = clock.millis();
    Window window = windows.get(container.id());
    if (window == null || now - window.startMillis() >= WINDOW.toMillis()) {
      windows
          .values()
          .removeIf(w -> now - w.startMillis() >= WINDOW.toMillis()); // stopped containers' too
      window = new Window(now, new HashSet<>());
      windows.put(container.id(), window);
    }
    if (window.paths().contains(path) || window.paths().size() >= MAX_PER_WINDOW) {
      throttled.increment();
      return true;
    }
    window.paths().add(path);
    reported.increment();
    sink.accept(
        new ContainerFileWritten(
            time,
            HostWriteSource.NAME,
            writer.get(),
            pid,
            path,
            category.get(),
            Optional.of(container)));
    return true;
  }

  /** Containers with an open window (bounded by the containers that wrote within one window). */
  int windows() {
    return windows.size();
  }

  long reported() {
    return reported.sum();
  }

  long throttled() {
    return throttled.sum();
  }
}
