package dev.dockward.hostwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ContainerFileWritten;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.event.ProcessInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ContainerFileWritesTest {
  private static final Instant T0 = Instant.parse("2026-12-07T16:00:00Z");
  private final List<Event> sink = new ArrayList<>();
  private final MutableClock clock = new MutableClock(T0);
  private final ContainerFileWrites writes = new ContainerFileWrites(clock);
  private final AtomicInteger writerReads = new AtomicInteger();
  private final Supplier<Optional<ProcessInfo>> writer =
      () -> {
        writerReads.incrementAndGet();
        return Optional.empty();
      };

  private static ContainerInfo container(String id) {
    return ContainerInfo.unresolved(id);
  }

  private boolean offer(String id, String path) throws InterruptedException {
    return writes.offer(container(id), 4242, path, writer, clock.instant(), sink::add);
  }

  @Test
  void aWriteToAPlaceThatMattersIsReportedWithItsCategoryAndWriter() throws InterruptedException {
    assertTrue(offer("c1", "/etc/ld.so.preload"));
    ContainerFileWritten w = (ContainerFileWritten) sink.get(0);
    assertEquals("/etc/ld.so.preload", w.path());
    assertEquals("loader_preload", w.category());
    assertEquals(4242, w.pid());
    assertEquals("c1", w.container().orElseThrow().id());
    assertEquals(HostWriteSource.NAME, w.source());
    assertEquals(1, writerReads.get());
  }

  @Test
  void anyOtherWriteIsNotTheirsAndItsWriterIsNotRead() throws InterruptedException {
    assertFalse(offer("c1", "/var/log/app.log"));
    assertEquals(List.of(), sink);
    assertEquals(0, writerReads.get());
  }

  @Test
  void oneFileRewrittenIsReportedOncePerWindow() throws InterruptedException {
    for (int i = 0; i < 1000; i++) {
      assertTrue(offer("c1", "/etc/passwd"));
    }
    assertEquals(1, sink.size());
    assertEquals(999, writes.throttled());
    clock.advance(ContainerFileWrites.WINDOW);
    offer("c1", "/etc/passwd");
    assertEquals(2, sink.size());
  }

  @Test
  void eachContainerHasItsOwnBudgetOfDistinctFiles() throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      offer("c1", "/usr/bin/tool" + i); // a package install
    }
    assertEquals(ContainerFileWrites.MAX_PER_WINDOW, sink.size());
    assertEquals(100 - ContainerFileWrites.MAX_PER_WINDOW, writes.throttled());
    offer("c2", "/etc/ld.so.preload"); // another container's write is not held back by the first's
    assertEquals("c2", sink.get(sink.size() - 1).container().orElseThrow().id());
    assertEquals(ContainerFileWrites.MAX_PER_WINDOW + 1, sink.size());
  }

  @Test
  void windowsOfContainersThatStoppedWritingAreForgotten() throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      offer("gone" + i, "/etc/passwd");
    }
    assertEquals(50, writes.windows());
    clock.advance(ContainerFileWrites.WINDOW.plusSeconds(1));
    offer("c1", "/etc/passwd");
    assertEquals(1, writes.windows());
  }

  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
