package dev.dockward.source;

import java.time.Duration;

/** Helpers for the agent's worker threads (sources, pipeline, shippers). */
public final class Workers {
  private Workers() {}

  /**
   * Waits for a worker to end, at most {@code max}; keeps the caller's interrupt status.
   *
   * @return whether the thread has ended
   */
  public static boolean join(Thread worker, Duration max) {
    try {
      worker.join(max.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !worker.isAlive();
  }
}
