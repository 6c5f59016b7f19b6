package dev.dockward.agent.ship;

import java.time.Duration;

/** Exponential backoff between re-send rounds: doubles from {@code min} up to {@code max}. */
final class Backoff {
  private final Duration min;
  private final Duration max;
  private Duration current;

  Backoff(Duration min, Duration max) {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < min <= max, not " + min + ", " + max);
    }
    this.min = min;
    this.max = max;
    this.current = min;
  }

  /** The wait before the next round; each call doubles the following one. */
  Duration next() {
    Duration wait = current;
    current = current.multipliedBy(2).compareTo(max) > 0 ? max : current.multipliedBy(2);
    return wait;
  }

  /** After a success the next failure waits {@code min} again. */
  void reset() {
    current = min;
  }
}
