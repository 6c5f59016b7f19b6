package dev.dockward.source;

import java.time.Duration;
import java.util.Optional;

/**
 * Times the passes of a source that works in passes (a scan, a sample) for {@link
 * Source#lastPass()}.
 */
public final class PassTimer {
  private volatile long lastNanos = -1;

  /** Runs one pass and records how long it took when it completes. */
  public <E extends Exception> void time(Pass<E> pass) throws E {
    long begin = System.nanoTime();
    pass.run();
    lastNanos = System.nanoTime() - begin;
  }

  /** The duration of the last completed pass. */
  public Optional<Duration> last() {
    long n = lastNanos;
    return n < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(n));
  }

  /** One pass. */
  @FunctionalInterface
  public interface Pass<E extends Exception> {
    void run() throws E;
  }
}
