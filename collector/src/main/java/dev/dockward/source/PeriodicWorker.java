package dev.dockward.source;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of a source that works in passes (a /proc scan, a cgroup sample, a host watch): one
 * pass at start, then one after each {@code interval}, or at once when asked ({@link #passNow}). A
 * pass that throws is counted and logged and the next one comes as usual; an {@link Error} restarts
 * the thread ({@link SupervisedThread}). The duration of the last pass is kept for {@link
 * Source#lastPass()}.
 */
public final class PeriodicWorker {
  private static final Logger LOG = LoggerFactory.getLogger(PeriodicWorker.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

  private final String name;
  private final String passNoun;
  private final Duration interval;

  /** Released to run the next pass at once instead of after the interval. */
  private final Semaphore wake = new Semaphore(0);

  private final PassTimer passes = new PassTimer();
  private final LongAdder failed = new LongAdder();
  private volatile boolean stopping;
  private SupervisedThread thread;

  /**
   * @param name the source's name (thread name and logs)
   * @param passNoun what a pass is called in the logs ("scan", "sample", "pass")
   * @param interval the pause between passes; positive
   */
  public PeriodicWorker(String name, String passNoun, Duration interval) {
    this.name = Objects.requireNonNull(name, "name");
    this.passNoun = Objects.requireNonNull(passNoun, "passNoun");
    this.interval = Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
  }

  /**
   * Starts the thread that runs {@code pass} until {@link #stop}; a pass may block on the sink, and
   * its interrupt ends the thread.
   */
  public synchronized void start(PassTimer.Pass<InterruptedException> pass) {
    Objects.requireNonNull(pass, "pass");
    if (thread != null) {
      throw new IllegalStateException(name + " already started");
    }
    thread = new SupervisedThread("dockward-" + name, () -> run(pass));
    thread.start();
  }

  /**
   * Passes until stopped; an interrupt (of the sink or the pause) means the agent is shutting down.
   */
  private void run(PassTimer.Pass<InterruptedException> pass) throws InterruptedException {
    do {
      try {
        passes.time(pass);
      } catch (RuntimeException e) {
        failed.increment();
        LOG.warn("{}: {} failed, next one in {}", name, passNoun, interval, e);
      }
      wake.tryAcquire(interval.toNanos(), TimeUnit.NANOSECONDS);
      wake.drainPermits(); // every request made before now is served by the pass that follows
    } while (!stopping);
  }

  /** Asks for the next pass now rather than at the end of the interval. Never blocks. */
  public void passNow() {
    wake.release();
  }

  /** Passes that threw. */
  public long failedPasses() {
    return failed.sum();
  }

  /** Running, or degraded for a while after the thread failed and was restarted. */
  public SourceHealth health() {
    SupervisedThread t;
    synchronized (this) {
      t = thread;
    }
    return t == null ? SourceHealth.running() : t.health();
  }

  /** How many times the thread failed (an Error) and was started again. */
  public synchronized long restarts() {
    return thread == null ? 0 : thread.restarts();
  }

  /** Whether the thread runs (false before start and after stop). */
  public synchronized boolean alive() {
    return thread != null && thread.alive();
  }

  /** The duration of the last completed pass. */
  public Optional<Duration> lastPass() {
    return passes.last();
  }

  /**
   * Ends the thread: the pause ends at once, and a sink that blocks is interrupted.
   *
   * @return whether no pass can run any more (false when the thread did not end in time, or when
   *     called from the thread itself), so that the caller may release what passes use
   */
  public boolean stop() {
    SupervisedThread t;
    synchronized (this) {
      t = thread;
    }
    stopping = true;
    wake.release();
    if (t == null) {
      return true;
    }
    if (t.isCurrent()) {
      t.stopping();
      return false;
    }
    if (!t.stop(JOIN_TIMEOUT)) {
      LOG.warn("{}: thread did not end within {}", name, JOIN_TIMEOUT);
      return false;
    }
    return true;
  }
}
