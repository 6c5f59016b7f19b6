package dev.dockward.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessObserved;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ByteBudgetTest {
  /** An exec whose command line is 64 KiB of bytes shown as {@code \xff}: 256 KiB of text. */
  private static ProcessObserved hostileExec(int pid) {
    ProcessInfo p =
        new ProcessInfo(
            pid,
            1,
            100L,
            "sleep",
            "/bin/sleep",
            "\\xff".repeat(64 * 1024),
            false,
            OptionalInt.of(0),
            OptionalInt.of(0),
            OptionalLong.of(0),
            Map.of(),
            "/docker/x");
    return new ProcessObserved(
        Instant.parse("2026-12-07T14:00:00Z"), "netlink", p, Optional.empty());
  }

  @Test
  void anExecIsSizedByItsCommandLine() {
    long size = ByteBudget.sizeOf(hostileExec(1));
    assertTrue(size > 256 * 1024 && size < 260 * 1024, "256 KiB of text and a little: " + size);
  }

  @Test
  void aSourceWaitsWhileQueuedEventsHoldTheBudgetAndGoesOnWhenTheyLeave() throws Exception {
    ByteBudget budget = new ByteBudget(1 << 20);
    long size = ByteBudget.sizeOf(hostileExec(1));
    int fit = 0;
    while (budget.used() + size <= 1 << 20) {
      budget.acquire(size);
      fit++;
    }
    assertEquals(3, fit, "three 256 KiB execs fit in 1 MiB");
    CountDownLatch passed = new CountDownLatch(1);
    AtomicLong failure = new AtomicLong();
    Thread source =
        new Thread(
            () -> {
              try {
                budget.acquire(size);
                passed.countDown();
              } catch (InterruptedException e) {
                failure.incrementAndGet();
              }
            });
    source.start();
    assertTrue(
        !passed.await(200, TimeUnit.MILLISECONDS), "the fourth waits while the budget is held");
    budget.release(size); // the pipeline took one
    assertTrue(passed.await(30, TimeUnit.SECONDS), "and goes on once there is room");
    assertEquals(1, budget.waits());
    assertEquals(3 * size, budget.used());
    assertEquals(0, failure.get());
  }

  @Test
  void anEventLargerThanTheWholeBudgetPassesAlone() throws Exception {
    ByteBudget budget = new ByteBudget(1024);
    budget.acquire(1 << 20); // nothing else queued: it must not wait for ever
    assertEquals(1 << 20, budget.used());
    budget.release(1 << 20);
    assertEquals(0, budget.used());
  }
}
