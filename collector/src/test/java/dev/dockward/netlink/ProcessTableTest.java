package dev.dockward.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ProcessInfo;
import dev.dockward.netlink.ProcessTable.Entry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProcessTableTest {
  private static final String WEB =
      "9f2c4e1b7a3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a";

  /** What /proc shows of 64 KiB of 0xff arguments: 256 KiB of {@code \xff}. */
  private static final String HOSTILE = "\\xff".repeat(64 * 1024);

  private final AtomicLong sheds = new AtomicLong();

  private static ProcessInfo process(int pid, int ppid, String cmdline) {
    return new ProcessInfo(
        pid,
        ppid,
        100_000L + pid,
        "sleep",
        "/bin/busybox",
        cmdline,
        false,
        OptionalInt.of(1000),
        OptionalInt.of(1000),
        OptionalLong.of(0xa80425fbL),
        Map.of("mnt", 4026532201L, "pid", 4026532204L),
        "/docker/" + WEB,
        Optional.of(List.of("user")),
        List.of("pipe", "null", "null"),
        Optional.of(Instant.parse("2026-11-23T05:41:02Z")));
  }

  private static Entry entry(ProcessInfo p) {
    return new Entry(
        p.pid(),
        p.ppid(),
        1_000L * p.pid(),
        OptionalLong.of(p.startTime()),
        Optional.of(WEB),
        Optional.of(p));
  }

  /** The table's running total against the sum of its entries' sizes, computed afresh. */
  private static long recount(ProcessTable table, int fromPid, int toPid) {
    long sum = 0;
    for (int pid = fromPid; pid < toPid; pid++) {
      sum += table.get(pid).map(RetainedSize::of).orElse(0L);
    }
    return sum;
  }

  @Test
  void twoThousandHostileCommandLinesStayWithinTheBudgetAndKeepWhoTheyAre() {
    long budget = 8L << 20;
    ProcessTable table = new ProcessTable(1 << 20, budget, sheds::incrementAndGet);
    ProcessInfo parent = process(4242, 1, "sh");
    assertTrue(table.put(entry(parent)));
    long hostile = RetainedSize.of(entry(process(5000, 4242, HOSTILE)));
    assertTrue(hostile > 256 * 1024, "one entry alone estimates " + hostile + " bytes");
    for (int pid = 5000; pid < 7000; pid++) {
      assertTrue(table.put(entry(process(pid, 4242, HOSTILE))), "pid " + pid + " kept");
      assertTrue(table.bytes() <= budget, "over budget after pid " + pid + ": " + table.bytes());
    }
    assertEquals(2001, table.size(), "every process still known");
    assertEquals(
        recount(table, 4242, 7000), table.bytes(), "the running total is the sum of the entries");
    long kept = 0;
    for (int pid = 5000; pid < 7000; pid++) {
      Entry e = table.get(pid).orElseThrow();
      assertEquals(4242, e.ppid(), "the parent stays");
      assertEquals(Optional.of(WEB), e.containerId(), "the container stays");
      assertEquals(OptionalLong.of(100_000L + pid), e.startTime(), "the identity stays");
      ProcessInfo info = e.info().orElseThrow();
      assertEquals(
          Map.of("mnt", 4026532201L, "pid", 4026532204L),
          info.namespaces(),
          "what detection compares stays");
      assertEquals(OptionalLong.of(0xa80425fbL), info.capEff());
      assertEquals(OptionalInt.of(1000), info.euid());
      if (info.cmdline().length() == HOSTILE.length()) {
        kept++;
      } else {
        assertEquals(ProcessTable.SHED_CMDLINE_CHARS, info.cmdline().length());
        assertTrue(info.cmdlineTruncated(), "a cut command line says so");
      }
    }
    assertTrue(kept > 0 && kept < budget / hostile, "the newest fit in full: " + kept);
    assertEquals(2000 - kept, sheds.get(), "every shed is counted");
    assertEquals(
        "sh",
        table.get(4242).orElseThrow().info().orElseThrow().cmdline(),
        "a short entry is never cut");
  }

  @Test
  void theLargestDetailsAreShedFirst() {
    long small = RetainedSize.of(entry(process(100, 1, "sleep 1000")));
    long big = RetainedSize.of(entry(process(200, 1, "x".repeat(10_000))));
    ProcessTable table =
        new ProcessTable(1000, 10 * small + big + small / 2, sheds::incrementAndGet);
    table.put(entry(process(200, 1, "x".repeat(10_000))));
    table.put(entry(process(201, 1, "y".repeat(5_000))));
    for (int pid = 100; pid < 110; pid++) {
      table.put(entry(process(pid, 1, "sleep 1000")));
    }
    assertEquals(1, sheds.get());
    assertEquals(
        ProcessTable.SHED_CMDLINE_CHARS,
        table.get(200).orElseThrow().info().orElseThrow().cmdline().length(),
        "the largest went first");
    assertEquals(
        5_000,
        table.get(201).orElseThrow().info().orElseThrow().cmdline().length(),
        "the next one was spared");
  }

  @Test
  void whenIdentitiesAloneFillTheBudgetNewPidsAreRefusedAndKnownOnesStillReplaced() {
    long one = RetainedSize.of(entry(process(100, 1, "sleep 1000")));
    ProcessTable table = new ProcessTable(1000, 3 * one, sheds::incrementAndGet);
    assertTrue(table.put(entry(process(100, 1, "sleep 1000"))));
    assertTrue(table.put(entry(process(101, 1, "sleep 1000"))));
    assertTrue(table.put(entry(process(102, 1, "sleep 1000"))));
    assertFalse(table.put(entry(process(103, 1, "sleep 1000"))), "no room, nothing to shed");
    assertEquals(3, table.size());
    assertTrue(table.get(103).isEmpty());
    assertTrue(table.put(entry(process(101, 100, "sleep 2000"))), "a known pid is replaced");
    assertEquals(100, table.get(101).orElseThrow().ppid());
    assertTrue(table.bytes() <= 3 * one);
  }

  @Test
  void removingReleasesTheBytes() {
    ProcessTable table = new ProcessTable(1000, 64L << 20, sheds::incrementAndGet);
    for (int pid = 100; pid < 200; pid++) {
      table.put(entry(process(pid, 1, HOSTILE)));
    }
    assertEquals(recount(table, 100, 200), table.bytes());
    table.remove(151);
    assertEquals(recount(table, 100, 200), table.bytes());
    assertEquals(50, table.removeIf(e -> e.pid() % 2 == 0));
    assertEquals(recount(table, 100, 200), table.bytes());
    for (int pid = 100; pid < 200; pid++) {
      table.remove(pid);
    }
    assertEquals(0, table.bytes());
    assertEquals(0, sheds.get());
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String cmdline =
        "a".repeat(ProcessTable.SHED_CMDLINE_CHARS - 1) + "\uD83D\uDE00" + "b".repeat(1000);
    ProcessInfo shed = ProcessTable.shed(process(1, 0, cmdline));
    assertEquals(ProcessTable.SHED_CMDLINE_CHARS - 1, shed.cmdline().length());
    assertTrue(shed.cmdlineTruncated());
  }

  @Test
  void longPathsBecomeUnknownWhenShedAndShortOnesStay() {
    ProcessInfo p = process(1, 0, "sh");
    ProcessInfo longExe =
        new ProcessInfo(
            1,
            0,
            5,
            "sh",
            "/" + "d".repeat(4000),
            "sh",
            false,
            p.uid(),
            p.euid(),
            p.capEff(),
            p.namespaces(),
            "/docker/" + WEB + "/" + "c".repeat(1000));
    ProcessInfo shed = ProcessTable.shed(longExe);
    assertEquals("", shed.exe());
    assertEquals("", shed.cgroup());
    assertEquals("sh", shed.cmdline());
    assertFalse(shed.cmdlineTruncated());
    assertEquals(p, ProcessTable.shed(p), "nothing long, nothing lost");
  }
}
