package dev.dockward.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Ancestry over remembered processes and a stand-in for /proc. */
class ProcessLineageTest {
  private static Ancestor proc(int pid, int ppid, long start, String name) {
    return new Ancestor(pid, ppid, start, name, "/bin/" + name, name + " -c x", false);
  }

  private static List<Integer> pids(List<Ancestor> chain) {
    return chain.stream().map(Ancestor::pid).toList();
  }

  @Test
  void anAncestorsTextIsBoundedWhateverTheProcessChose() {
    String escapedPath =
        "/" + "\\xff".repeat(256); // 256 bytes that are not UTF-8: 1,025 characters
    Ancestor a = new Ancestor(7, 1, 5, "x", escapedPath, "\\xff".repeat(64 * 1024), false);
    assertEquals("", a.exe(), "too long a path is unknown");
    assertEquals(Ancestor.CMDLINE_CAP, a.cmdline().length());
    assertTrue(a.cmdlineTruncated());
    String longest = "/" + "d".repeat(Ancestor.EXE_CAP - 1);
    assertEquals(
        longest,
        new Ancestor(7, 1, 5, "x", longest, "x", false).exe(),
        "a path of the longest kept length stays");
  }

  @Test
  void theChainGoesParentFirstUpToTheMaximum() {
    RecentProcesses recent = new RecentProcesses(100);
    recent.remember(proc(1, 0, 1, "init"));
    recent.remember(proc(310, 1, 500, "containerd-shim"));
    recent.remember(proc(321, 310, 510, "sleep"));
    recent.remember(proc(400, 321, 600, "sh"));
    recent.remember(proc(401, 400, 601, "sh"));
    recent.remember(proc(402, 401, 602, "sh"));
    assertEquals(List.of(402, 401, 400, 321, 310), pids(recent.ancestors(402, 700, 5)));
    assertEquals(List.of(321, 310, 1), pids(recent.ancestors(321, 520, 5)), "pid 0 ends the chain");
  }

  @Test
  void aParentThatStartedAfterItsChildIsAnotherProcessThatTookThePid() {
    RecentProcesses recent = new RecentProcesses(100);
    recent.remember(proc(500, 1, 9000, "reused"));
    assertTrue(
        recent.ancestors(500, 800, 5).isEmpty(),
        "the child started at 800, the pid's owner at 9000");
    recent.remember(proc(500, 1, 700, "real"));
    assertEquals("real", recent.ancestors(500, 800, 5).get(0).name());
  }

  @Test
  void aGoneParentEndsTheChainUnlessTheFallbackStillHasIt() {
    RecentProcesses recent = new RecentProcesses(100);
    recent.remember(proc(20, 10, 200, "sh"));
    assertEquals(
        List.of(20), pids(recent.ancestors(20, 300, 5)), "10 is neither remembered nor given");
    ProcessLineage proc =
        (pid, startedBy) -> pid == 10 ? Optional.of(proc(10, 1, 100, "bash")) : Optional.empty();
    assertEquals(List.of(20, 10), pids(recent.orElse(proc).ancestors(20, 300, 5)));
  }

  @Test
  void aForkedPidIsForgottenAndALoopEnds() {
    RecentProcesses recent = new RecentProcesses(100);
    recent.remember(proc(7, 8, 10, "a"));
    recent.remember(proc(8, 7, 5, "b"));
    assertEquals(List.of(7, 8), pids(recent.ancestors(7, 20, 5)), "7 → 8 → 7 stops at the repeat");
    recent.forget(8);
    assertEquals(List.of(7), pids(recent.ancestors(7, 20, 5)));
  }

  @Test
  void theOldestEntriesMakeRoomAndLongCommandLinesAreCut() {
    RecentProcesses recent = new RecentProcesses(2);
    recent.remember(proc(1, 0, 1, "a"));
    recent.remember(proc(2, 1, 2, "b"));
    recent.remember(proc(3, 2, 3, "c"));
    assertEquals(2, recent.size());
    assertEquals(List.of(3, 2), pids(recent.ancestors(3, 10, 5)));
    Ancestor long1 = new Ancestor(9, 1, 1, "x", "", "y".repeat(Ancestor.CMDLINE_CAP + 7), false);
    assertEquals(Ancestor.CMDLINE_CAP, long1.cmdline().length());
    assertTrue(long1.cmdlineTruncated());
    Ancestor surrogate =
        new Ancestor(
            9, 1, 1, "x", "", "y".repeat(Ancestor.CMDLINE_CAP - 1) + "\uD83D\uDE00z", false);
    assertEquals(
        Ancestor.CMDLINE_CAP - 1, surrogate.cmdline().length(), "half an emoji is not kept");
  }

  @Test
  void theLiveLineageReadsProcFromAFixtureTree() throws Exception {
    java.nio.file.Path root = java.nio.file.Files.createTempDirectory("lineage");
    try {
      ProcTree tree = new ProcTree(root);
      tree.process(4300, "sh", 777, "/docker/x")
          .stat(
              4300,
              ProcTree.statLine(
                  4300, "sh".getBytes(java.nio.charset.StandardCharsets.UTF_8), 'S', 4200, 777))
          .cmdline(4300, "sh\0-c\0sleep 5\0".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      ProcReader reader = new ProcReader(tree.hostFs());
      Optional<Ancestor> found = ProcessLineage.live(reader).process(4300, Long.MAX_VALUE);
      assertEquals("sh -c sleep 5", found.orElseThrow().cmdline());
      assertEquals(4200, found.get().ppid());
      assertTrue(
          ProcessLineage.live(reader).process(4301, Long.MAX_VALUE).isEmpty(), "no such process");
      assertTrue(
          ProcessLineage.live(reader).process(4300, 776).isEmpty(),
          "started after the child: not its parent");
    } finally {
      try (var walk = java.nio.file.Files.walk(root)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
