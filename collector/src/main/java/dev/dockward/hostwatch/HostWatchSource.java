package dev.dockward.hostwatch;

import dev.dockward.event.Event;
import dev.dockward.source.EventSink;
import dev.dockward.source.PassTimer;
import dev.dockward.source.Source;
import dev.dockward.source.Workers;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link WatchPass} every {@code interval} on its own thread and emits what changed: the
 * {@link HostWatch} as source {@value #NAME} ({@code host_file_change}, {@code container_mount}),
 * the {@link DaemonSocketWatch} as source {@value DaemonSocketWatch#NAME}.
 */
public final class HostWatchSource implements Source {
  /** The source's name in events, logs and metrics. */
  public static final String NAME = "host_watch";

  private static final Logger LOG = LoggerFactory.getLogger(HostWatchSource.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

  private final String name;
  private final WatchPass watch;
  private final Duration interval;
  private final Clock clock;
  private final CountDownLatch stop = new CountDownLatch(1);
  /** Released to run the next pass at once instead of after the interval. */
  private final java.util.concurrent.Semaphore wake = new java.util.concurrent.Semaphore(0);
  private final PassTimer passes = new PassTimer();
  private final LongAdder failedPasses = new LongAdder();
  private Thread thread;

  /** @param interval the pause between passes; positive */
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
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    this.interval = interval;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<String, Long> counters() {
    Map<String, Long> counters = new java.util.HashMap<>(watch.counters());
    counters.put("failed_passes", failedPasses.sum());
    return counters;
  }

  @Override
  public Optional<Duration> lastPass() {
    return passes.last();
  }

  @Override
  public synchronized void start(EventSink sink) {
    Objects.requireNonNull(sink, "sink");
    if (thread != null) {
      throw new IllegalStateException(name + " already started");
    }
    LOG.info("{}: a pass every {}", name, interval);
    thread = new Thread(() -> run(sink), "dockward-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void run(EventSink sink) {
    try {
      do {
        try {
          passes.time(() -> {
            for (Event e : watch.pass(clock.instant())) {
              sink.accept(e);
            }
          });
        } catch (RuntimeException e) {
          failedPasses.increment();
          LOG.warn("{}: pass failed, next one in {}", name, interval, e);
        }
        wake.tryAcquire(interval.toNanos(), TimeUnit.NANOSECONDS);
        wake.drainPermits(); // several requests during one pass make one more pass
      } while (stop.getCount() > 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // shutting down
    }
  }

  /**
   * Asks for a pass now rather than at the end of the interval (e.g. on a Docker API event, while
   * the client that caused it may still be connected). Never blocks.
   */
  public void passNow() {
    wake.release();
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      t = thread;
    }
    stop.countDown();
    wake.release();
    if (t == null) {
      watch.close();
      return;
    }
    if (t == Thread.currentThread()) {
      return;
    }
    t.interrupt();
    if (!Workers.join(t, JOIN_TIMEOUT)) {
      LOG.warn("{}: thread did not end within {}", name, JOIN_TIMEOUT);
      return; // the pass may still use what closing would release
    }
    watch.close();
  }
}
