package dev.dockward.hostwatch;

import dev.dockward.event.Event;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One comparison of host state with the previous pass, run by a {@link HostWatchSource}. */
public interface WatchPass extends AutoCloseable {
  /** The changes since the previous pass; never throws on what it reads. */
  List<Event> pass(Instant now);

  /** What it counted instead of failing, by a short snake_case reason. */
  Map<String, Long> counters();

  /**
   * Why the watch cannot see what it should, when a privilege or the sandbox keeps it from part of
   * the host (e.g. entering containers' network namespaces); empty when it sees everything.
   */
  default Optional<String> blindness() {
    return Optional.empty();
  }

  /** Releases what the pass holds (a socket); nothing by default. */
  @Override
  default void close() {}
}
