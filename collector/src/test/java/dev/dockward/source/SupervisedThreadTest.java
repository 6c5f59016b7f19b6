package dev.dockward.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SupervisedThreadTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void aLoopThatThrowsIsStartedAgainCountedAndReportedDegraded() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch thirdRun = new CountDownLatch(1);
    CountDownLatch stop = new CountDownLatch(1);
    SupervisedThread t =
        new SupervisedThread(
            "dockward-test",
            () -> {
              int n = runs.incrementAndGet();
              if (n == 1) {
                throw new IllegalStateException("bug on a hostile input");
              }
              if (n == 2) {
                throw new StackOverflowError(); // an Error ends a plain thread; this one comes back
              }
              thirdRun.countDown();
              stop.await();
            });
    t.start();
    assertTrue(
        thirdRun.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "the loop ran a third time");
    assertEquals(2, t.restarts());
    assertTrue(t.alive());
    assertTrue(t.lastFailure().orElseThrow().what().contains("StackOverflowError"));
    SourceHealth health = t.health();
    assertTrue(health.isDegraded(), health.toString());
    assertTrue(health.reason().contains("2 restarts"), health.reason());
    assertTrue(t.stop(DEADLINE), "an interrupt ends it");
    assertFalse(t.alive());
    assertEquals(3, runs.get(), "no restart after a stop");
  }

  @Test
  void aLoopThatFailsWhileStoppingIsNotRestarted() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SupervisedThread t =
        new SupervisedThread(
            "dockward-test",
            () -> {
              runs.incrementAndGet();
              running.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                throw new IllegalStateException(
                    "closed under it"); // as a closed socket makes a read fail
              }
            });
    t.start();
    assertTrue(running.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
    assertTrue(t.stop(DEADLINE));
    assertEquals(1, runs.get());
    assertEquals(0, t.restarts());
    assertEquals(
        SourceHealth.running(),
        t.health(),
        "a thread that ended because it was stopped is no degradation");
  }

  @Test
  void healthOfTwoDegradationsNamesBoth() {
    SourceHealth both = SourceHealth.degraded("a").and(SourceHealth.degraded("b"));
    assertEquals("a; b", both.reason());
    assertEquals(
        SourceHealth.State.DEGRADED,
        SourceHealth.running().and(SourceHealth.degraded("x")).state());
    assertEquals(SourceHealth.State.OFF, SourceHealth.off("y").and(SourceHealth.running()).state());
  }
}
