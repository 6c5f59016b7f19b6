package dev.dockward.hostwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.event.HostFileWritten;
import dev.dockward.proc.ProcReader;
import dev.dockward.proc.ProcTree;
import java.nio.file.Files;
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
    return new WriteAttribution(
        proc.hostFs(),
        () -> proc.hostFs().proc().resolve("self/mountinfo"),
        p -> proc.hostFs().root().resolve(p.substring(1)),
        new ProcReader(proc.hostFs()),
        List::of,
        id -> Optional.empty(),
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

  /** The host's root mount in the recorded host table (mountinfo/host-with-docker.txt). */
  private static final int HOST_ROOT_MOUNT = 26;

  private static final String RUNNING = "c0ffee00".repeat(8);

  @Test
  void aContainerProcessWritingThroughAHostMountIsReportedOutsideItsMounts() throws Exception {
    ProcTree proc = new ProcTree(root);
    Path hostMounts = proc.hostFs().proc().resolve("self/mountinfo");
    Files.createDirectories(hostMounts.getParent());
    Files.copy(Path.of("src/test/resources/mountinfo/host-with-docker.txt"), hostMounts);
    proc.process(
        4242,
        "sh",
        5000,
        "/docker/" + RUNNING); // a container's process, e.g. through /proc/<runc>/exe
    proc.process(4343, "dpkg", 5000, "/system.slice/ssh.service"); // the host's own
    WriteAttribution a =
        new WriteAttribution(
            proc.hostFs(),
            () -> proc.hostFs().proc().resolve("self/mountinfo"),
            p -> proc.hostFs().root().resolve(p.substring(1)),
            new ProcReader(proc.hostFs()),
            List::of,
            id ->
                id.equals(RUNNING)
                    ? Optional.of(ContainerInfo.unresolved(RUNNING))
                    : Optional.empty(),
            Clock.fixed(Instant.parse("2026-11-23T07:30:00Z"), ZoneOffset.UTC));
    a.refresh();
    List<Event> out = new ArrayList<>();
    a.heard(
        new WriteAttribution.HeardWrite(4343, "/usr/sbin/runc", null, HOST_ROOT_MOUNT), out::add);
    assertEquals(List.of(), out, "a host process's write is the host's");
    a.heard(
        new WriteAttribution.HeardWrite(4242, "/usr/sbin/runc", null, HOST_ROOT_MOUNT), out::add);
    HostFileWritten w = (HostFileWritten) out.get(0);
    assertEquals("/usr/sbin/runc", w.hostPath());
    assertEquals("", w.mountSource());
    assertEquals(RUNNING, w.container().orElseThrow().id());
    assertEquals(1L, a.counters().get("outside_mounts"));
    assertEquals(1L, a.counters().get("host_writes"));
  }

  @Test
  void atMostMaxPendingWritesWait() throws Exception {
    ProcTree proc = new ProcTree(root);
    proc.process(4242, "sh", 5000, "/docker/" + NEVER_INSPECTED);
    WriteAttribution a = attribution(proc);
    int writes = WriteAttribution.MAX_PENDING + 100;
    for (int i = 0; i < writes; i++) {
      a.heard(new WriteAttribution.HeardWrite(4242, "/data/f" + i, null, 77), e -> {});
    }
    assertEquals(WriteAttribution.MAX_PENDING, a.pendingWrites());
    assertEquals(100L, a.counters().get("pending_drops"));
  }
}
