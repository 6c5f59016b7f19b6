package dev.dockward.source;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of a source's or stage's loop, started again when the loop ends by throwing: a bug or
 * an unexpected input must cost a pause, never the sensor for good. The pause grows from {@value
 * #FIRST_PAUSE_MILLIS} ms to {@value #MAX_PAUSE_MILLIS} ms while the loop keeps failing at once,
 * and is back to the first after a loop that ran a minute. Every restart is counted and logged with
 * its stack; a loop that returns, or is interrupted, ends the thread (the owner is stopping). An
 * {@link OutOfMemoryError} never reaches here when the JVM runs with {@code
 * -XX:+ExitOnOutOfMemoryError}, as the launcher starts it.
 */
public final class SupervisedThread {
  /** A loop that returns when its owner stops, and may throw on a bug. */
  @FunctionalInterface
  public interface Loop {
    void run() throws InterruptedException;
  }

  /** A failure of the loop: when (epoch millis) and what. */
  public record Failure(long atMillis, String what) {}

  private static final Logger LOG = LoggerFactory.getLogger(SupervisedThread.class);
  static final long FIRST_PAUSE_MILLIS = 100;
  static final long MAX_PAUSE_MILLIS = 30_000;

  /** A loop that ran this long before failing had settled: its next pause is the first again. */
  private static final long SETTLED_MILLIS = 60_000;

  /** For this long after a restart the owner reports itself degraded. */
  private static final long DEGRADED_AFTER_FAILURE_MILLIS = 60_000;

  private final String name;
  private final Loop loop;
  private final Thread thread;
  private final LongAdder restarts = new LongAdder();
  private volatile boolean stopping;
  private volatile Failure lastFailure;

  /**
   * @param name the thread's name, also used in logs ({@code dockward-…}; Linux keeps 15
   *     characters)
   * @param loop the loop
   */
  public SupervisedThread(String name, Loop loop) {
    this.name = Objects.requireNonNull(name, "name");
    this.loop = Objects.requireNonNull(loop, "loop");
    this.thread = new Thread(this::supervise, name);
    this.thread.setDaemon(true);
  }

  public SupervisedThread priority(int priority) {
    thread.setPriority(priority);
    return this;
  }

  public void start() {
    thread.start();
  }

  private void supervise() {
    long pause = FIRST_PAUSE_MILLIS;
    while (!stopping) {
      long began = System.currentTimeMillis();
      try {
        loop.run();
        return;
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | Error e) {
        if (stopping) {
          return;
        }
        long now = System.currentTimeMillis();
        pause = now - began >= SETTLED_MILLIS ? FIRST_PAUSE_MILLIS : pause;
        restarts.increment();
        lastFailure = new Failure(now, e.toString());
        LOG.error("{}: failed, restarting in {} ms (restart {})", name, pause, restarts.sum(), e);
        try {
          Thread.sleep(pause); // a pause before a restart, not a wait for a condition
        } catch (InterruptedException ie) {
          return;
        }
        pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
      }
    }
  }

  /**
   * Marks the owner as stopping: a failure from now on ends the thread instead of restarting it.
   */
  public void stopping() {
    stopping = true;
  }

  /** Stops, interrupts the thread and waits for it at most {@code max}; whether it ended. */
  public boolean stop(Duration max) {
    stopping = true;
    if (thread == Thread.currentThread()) {
      return false;
    }
    thread.interrupt();
    return Workers.join(thread, max);
  }

  /** Waits for the thread at most {@code max} without interrupting it; whether it ended. */
  public boolean join(Duration max) {
    stopping = true;
    return Workers.join(thread, max);
  }

  public void interrupt() {
    thread.interrupt();
  }

  /** Whether the thread runs (or pauses before a restart): the owner's liveness. */
  public boolean alive() {
    return thread.isAlive();
  }

  /** Whether this is the supervised thread. */
  public boolean isCurrent() {
    return thread == Thread.currentThread();
  }

  /** How many times the loop failed and was started again. */
  public long restarts() {
    return restarts.sum();
  }

  public Optional<Failure> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /**
   * Degraded for a minute after a failure, or for good when the thread ended while its owner was
   * not stopping; running otherwise (also before it started).
   */
  public SourceHealth health() {
    if (!stopping && !thread.isAlive() && thread.getState() == Thread.State.TERMINATED) {
      return SourceHealth.degraded(name + " ended");
    }
    Failure f = lastFailure;
    if (f != null && System.currentTimeMillis() - f.atMillis() < DEGRADED_AFTER_FAILURE_MILLIS) {
      return SourceHealth.degraded(
          name
              + " failed ("
              + f.what()
              + ") and was restarted; "
              + restarts.sum()
              + " restarts so far");
    }
    return SourceHealth.running();
  }
}
