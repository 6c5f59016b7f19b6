package dev.dockward.hostwatch;

import dev.dockward.event.Event;
import dev.dockward.source.EventSink;
import dev.dockward.source.PeriodicSource;
import dev.dockward.source.PeriodicWorker;
import dev.dockward.source.SourceHealth;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link WatchPass} every {@code interval} on its own thread and emits what changed: the
 * {@link HostWatch} as source {@value #NAME} ({@code host_file_change}, {@code container_mount}),
 * the {@link DaemonSocketWatch} as source {@value DaemonSocketWatch#NAME}.
 */
public final class HostWatchSource implements PeriodicSource {
  /** The source's name in events, logs and metrics. */
  public static final String NAME = "host_watch";

  private static final Logger LOG = LoggerFactory.getLogger(HostWatchSource.class);

  private final String name;
  private final WatchPass watch;
  private final Duration interval;
  private final Clock clock;
  private final PeriodicWorker worker;

  /**
   * @param interval the pause between passes; positive
   */
  public HostWatchSource(HostWatch watch, Duration interval, Clock clock) {
    this(NAME, watch, interval, clock);
  }

  /**
   * @param name the source's name in logs and metrics
   * @param interval the pause between passes; positive
   */
  public HostWatchSource(String name, WatchPass watch, Duration interval, Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.watch = Objects.requireNonNull(watch, "watch");
    this.worker = new PeriodicWorker(name, "pass", interval);
    this.interval = interval;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<String, Long> counters() {
    Map<String, Long> counters = new HashMap<>(watch.counters());
    counters.put("failed_passes", worker.failedPasses());
    return counters;
  }

  @Override
  public PeriodicWorker worker() {
    return worker;
  }

  @Override
  public SourceHealth health() {
    return PeriodicSource.super
        .health()
        .and(watch.blindness().map(SourceHealth::degraded).orElse(SourceHealth.running()));
  }

  @Override
  public void start(EventSink sink) {
    Objects.requireNonNull(sink, "sink");
    LOG.info("{}: a pass every {}", name, interval);
    worker.start(
        () -> {
          for (Event e : watch.pass(clock.instant())) {
            sink.accept(e);
          }
        });
  }

  /**
   * Asks for a pass now rather than at the end of the interval (e.g. on a Docker API event, while
   * the client that caused it may still be connected). Never blocks.
   */
  public void passNow() {
    worker.passNow();
  }

  @Override
  public void close() {
    // A pass that may still run would use what closing the watch releases.
    if (worker.stop()) {
      watch.close();
    }
  }
}
