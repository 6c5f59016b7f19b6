package dev.dockward.hostwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.Event;
import dev.dockward.proc.ProcReader;
import dev.dockward.proc.ProcTree;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes of a container nobody inspected wait, within bounds. */
class WriteAttributionTest {
  /** A cgroup named like a container that the inventory never learns of. */
  private static final String NEVER_INSPECTED = "5ca1ab1e".repeat(8);

  @TempDir Path root;

  private WriteAttribution attribution(ProcTree proc) {
    return new WriteAttribution(proc.hostFs(), () -> proc.hostFs().proc().resolve("self/mountinfo"),
        p -> proc.hostFs().root().resolve(p.substring(1)), new ProcReader(proc.hostFs()), List::of, id -> Optional.empty(),
        Clock.fixed(Instant.parse("2026-11-23T07:30:00Z"), ZoneOffset.UTC));
  }

  @Test
  void writersWithHostileCommandLinesKeepTheWaitingWritesWithinTheirBudget() throws Exception {
    ProcTree proc = new ProcTree(root);
    byte[] ff = new byte[64 * 1024];
    Arrays.fill(ff, (byte) 0xff);
    proc.process(4242, "sh", 5000, "/docker/" + NEVER_INSPECTED).cmdline(4242, ff);
    WriteAttribution a = attribution(proc);
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      a.heard(new WriteAttribution.HeardWrite(4242, "/data/f" + i, null, 77), out::add);
    }
    // each writer as read keeps ~257 KiB (its command line 256 KiB): 16 MiB holds 63 of them
    assertTrue(a.pendingWrites() < 70 && a.pendingWrites() > 50, "waiting: " + a.pendingWrites());
    assertEquals(200 - a.pendingWrites(), a.counters().get("pending_drops"));
    assertEquals(List.of(), out);
  }

  @Test
  void atMostMaxPendingWritesWait() throws Exception {
    ProcTree proc = new ProcTree(root);
    proc.process(4242, "sh", 5000, "/docker/" + NEVER_INSPECTED);
    WriteAttribution a = attribution(proc);
    int writes = WriteAttribution.MAX_PENDING + 100;
    for (int i = 0; i < writes; i++) {
      a.heard(new WriteAttribution.HeardWrite(4242, "/data/f" + i, null, 77), e -> { });
    }
    assertEquals(WriteAttribution.MAX_PENDING, a.pendingWrites());
    assertEquals(100L, a.counters().get("pending_drops"));
  }
}
