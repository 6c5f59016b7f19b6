package dev.dockward.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The periodic line of a long replay, on a clock the test moves. */
class ReplayProgressTest {
  private final StringWriter err = new StringWriter();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private List<String> lines() {
    return err.toString().lines().toList();
  }

  @Test
  void aLineEveryTwoSecondsOfScanningThenTheSummary() {
    ReplayProgress progress = new ReplayProgress(new PrintWriter(err), true, nanos::get);
    for (int i = 0; i < 5120; i++) {
      progress.scanned();
      if (i % 10 == 0) {
        progress.matched();
      }
    }
    assertEquals(List.of(), lines(), "no time has passed: no line");

    nanos.addAndGet(ReplayProgress.EVERY.toNanos() - 1);
    for (int i = 0; i < 2048; i++) {
      progress.scanned();
    }
    assertEquals(List.of(), lines(), "just under the interval: still none");

    nanos.addAndGet(1);
    for (int i = 0; i < 1024; i++) {
      progress.scanned();
    }
    assertEquals(List.of("dockward: scanned 8192 records, 512 matched …"), lines());

    nanos.addAndGet(ReplayProgress.EVERY.toNanos() / 2);
    for (int i = 0; i < 4096; i++) {
      progress.scanned();
    }
    assertEquals(1, lines().size(), "the next line waits a whole interval from the last");

    nanos.addAndGet(ReplayProgress.EVERY.toNanos());
    progress.finish();
    assertEquals("dockward: scanned 12288 records, 512 matched in 5.0s", lines().get(1));
  }

  @Test
  void quietWhenNotLive() {
    ReplayProgress progress = new ReplayProgress(new PrintWriter(err), false, nanos::get);
    for (int i = 0; i < 4096; i++) {
      nanos.addAndGet(ReplayProgress.EVERY.toNanos());
      progress.scanned();
    }
    progress.finish();
    assertEquals("", err.toString());
  }
}
