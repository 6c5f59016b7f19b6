package dev.dockward.agent.it;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; never a bare sleep. */
final class Await {
  private Await() {}

  static void until(BooleanSupplier condition, Duration deadline, Supplier<String> what) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("not within " + deadline + ": " + what.get());
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }
}
