package dev.dockward.hostwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class HostWatchSourceTest {
  private final AtomicInteger passes = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final WatchPass counting =
      new WatchPass() {
        @Override
        public List<Event> pass(Instant now) {
          passes.incrementAndGet();
          return List.of();
        }

        @Override
        public Map<String, Long> counters() {
          return Map.of();
        }

        @Override
        public void close() {
          closed.set(true);
        }
      };

  private void awaitPasses(int n) {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (passes.get() < n && System.nanoTime() < end) {
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }

  @Test
  void passNowRunsAPassWithoutWaitingForTheIntervalAndCloseReleasesThePass() {
    HostWatchSource source =
        new HostWatchSource("t", counting, Duration.ofHours(1), Clock.systemUTC());
    source.start(e -> {});
    awaitPasses(1);
    assertEquals(1, passes.get(), "the first pass runs at start");
    source.passNow();
    awaitPasses(2);
    assertEquals(2, passes.get(), "an hour's interval, yet a second pass");
    source.close();
    assertTrue(closed.get());
    assertTrue(source.lastPass().isPresent());
  }
}
