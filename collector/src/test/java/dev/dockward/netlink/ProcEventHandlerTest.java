package dev.dockward.netlink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.CapabilityChanged;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.event.ExeSource;
import dev.dockward.event.ExecFile;
import dev.dockward.event.NamespaceChanged;
import dev.dockward.event.ProcessExited;
import dev.dockward.event.ProcessForked;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessObserved;
import dev.dockward.event.ProcessTraced;
import dev.dockward.event.UidChanged;
import dev.dockward.execfile.ExecFiles;
import dev.dockward.proc.HostNamespaces;
import dev.dockward.proc.ProcReader;
import dev.dockward.proc.ProcTree;
import dev.dockward.proc.RuntimeBinaries;
import dev.dockward.proc.SeenProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's logic over a fixture /proc tree, fed connector events directly. */
class ProcEventHandlerTest {
  private static final String WEB =
      "9f2c4e1b7a3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a";
  private static final String DB =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final Instant T0 = Instant.parse("2026-11-23T05:41:02Z");

  @TempDir Path root;

  private ProcTree proc;
  private final SeenProcesses seen = new SeenProcesses();
  private final NetlinkStats stats = new NetlinkStats(new ProcEventParser());
  private final List<Event> out = new ArrayList<>();
  private ProcEventHandler handler;

  @BeforeEach
  void setUp() {
    proc = new ProcTree(root);
    handler =
        new ProcEventHandler(
            new ProcReader(proc.hostFs()),
            seen,
            new ProcessTable(1000, 64L << 20, stats.tableShed::increment),
            ns -> T0.plusNanos(ns),
            stats,
            64L << 20,
            () -> false,
            RuntimeBinaries.NONE);
  }

  private Event handle(ProcEvent e) throws InterruptedException {
    int before = out.size();
    handler.handle(e, out::add);
    assertEquals(before + 1, out.size(), "one event for " + e);
    return out.get(before);
  }

  private void handleSilently(ProcEvent e) throws InterruptedException {
    int before = out.size();
    handler.handle(e, out::add);
    assertEquals(before, out.size(), "no event for " + e);
  }

  private static String containerId(Event e) {
    return e.container().map(ContainerInfo::id).orElse("");
  }

  @Test
  void whileAuditReportsExecsAnExecIsHandledWithoutItsEvent() throws Exception {
    AtomicBoolean audit = new AtomicBoolean(true);
    handler =
        new ProcEventHandler(
            new ProcReader(proc.hostFs()),
            seen,
            new ProcessTable(1000, 64L << 20, stats.tableShed::increment),
            ns -> T0.plusNanos(ns),
            stats,
            64L << 20,
            audit::get,
            RuntimeBinaries.NONE);
    proc.process(4242, "sh", 5000, "/docker/" + WEB);
    proc.process(4321, "id", 5107, "/docker/" + WEB);
    handle(new ProcEvent.Fork(0, 1_000_000L, 4242, 4242, 4321, 4321));
    handleSilently(new ProcEvent.Exec(1, 1_500_000L, 4321, 4321));
    assertTrue(
        seen.contains(4321, 5107), "still claimed: the /proc rescan must not report it either");
    handleSilently(
        new ProcEvent.Exec(1, 1_600_000L, 4400, 4400)); // gone at once: audit has it whole
    assertEquals(2, stats.execsLeftToAudit());
    ProcessExited exit =
        (ProcessExited) handle(new ProcEvent.Exit(0, 2_000_000L, 4321, 4321, 0, 17, 4242, 4242));
    assertEquals(WEB, containerId(exit), "the table was kept: exits are still attributed");
    audit.set(false);
    proc.process(4500, "id", 5200, "/docker/" + WEB);
    assertEquals(
        "exec",
        handle(new ProcEvent.Exec(1, 3_000_000L, 4500, 4500)).type(),
        "back to netlink at once");
  }

  @Test
  void anExecdProcessIsClaimedFromTheRescanWhenReadNotWhenTheWorkerGetsToIt() throws Exception {
    AtomicBoolean audit = new AtomicBoolean(true);
    handler =
        new ProcEventHandler(
            new ProcReader(proc.hostFs()),
            seen,
            new ProcessTable(1000, 64L << 20, stats.tableShed::increment),
            ns -> T0.plusNanos(ns),
            stats,
            64L << 20,
            audit::get,
            RuntimeBinaries.NONE);
    proc.process(4321, "true", 5107, "/docker/" + WEB);
    handler.receive(new ProcEvent.Exec(1, 1_500_000L, 4321, 4321)).orElseThrow();
    assertTrue(seen.contains(4321, 5107), "audit mode: claimed at the read of its identity");
    audit.set(false);
    proc.process(4322, "true", 5108, "/docker/" + WEB);
    handler.receive(new ProcEvent.Exec(1, 1_600_000L, 4322, 4322)).orElseThrow();
    assertTrue(seen.contains(4322, 5108), "netlink alone: claimed at the whole read");
  }

  @Test
  void anExecTheQueueDidNotTakeIsLeftToTheRescanAgain() throws Exception {
    proc.process(4323, "true", 5109, "/docker/" + WEB);
    ProcEventHandler.Received received =
        handler.receive(new ProcEvent.Exec(1, 1_500_000L, 4323, 4323)).orElseThrow();
    handler.notQueued(received);
    assertFalse(
        seen.contains(4323, 5109),
        "its event was dropped: the rescan it asks for reports the process");
  }

  @Test
  void whileAuditReportsExecsTheExecIsReadOnlyForItsIdentityAndContainerAndItsDetailsLater()
      throws Exception {
    handler =
        new ProcEventHandler(
            new ProcReader(proc.hostFs()),
            seen,
            new ProcessTable(1000, 64L << 20, stats.tableShed::increment),
            ns -> T0.plusNanos(ns),
            stats,
            64L << 20,
            () -> true,
            RuntimeBinaries.NONE);
    // runc forks on the host; the child joins the container's cgroup before it executes
    proc.process(4100, "runc", 4900, "/");
    handle(new ProcEvent.Fork(0, 1_000_000L, 4100, 4100, 4321, 4321));
    proc.process(4321, "sh", 5107, "/docker/" + WEB);
    ProcEventHandler.Received received =
        handler.receive(new ProcEvent.Exec(1, 1_500_000L, 4321, 4321)).orElseThrow();
    assertEquals(Optional.empty(), received.read(), "the audit source reads what rules need");
    assertTrue(received.leftToAudit());
    handler.handleBatch(List.of(received), out::add);
    assertTrue(seen.contains(4321, 5107), "claimed from its start time");
    assertEquals(1, stats.execsLeftToAudit());
    assertEquals(0, stats.vanishedAtExec());
    // its cgroup names the container, not the host it was forked in
    ProcessForked child =
        (ProcessForked) handle(new ProcEvent.Fork(0, 2_000_000L, 4321, 4321, 4400, 4400));
    assertEquals(WEB, containerId(child));
    assertEquals(
        "sh", child.parent().orElseThrow().name(), "the parent's details read when it was needed");
    ProcessExited exit =
        (ProcessExited) handle(new ProcEvent.Exit(0, 3_000_000L, 4321, 4321, 0, 17, 4100, 4100));
    assertEquals(WEB, containerId(exit));
    assertEquals(OptionalLong.of(2), exit.lifetimeMs(), "its fork time was kept");
  }

  @Test
  void execInAContainerIsReadAtOnceAndClaimedForTheScan() throws Exception {
    proc.process(4242, "sh", 5000, "/docker/" + WEB);
    proc.process(4321, "id", 5107, "/docker/" + WEB);
    ProcessForked fork =
        (ProcessForked) handle(new ProcEvent.Fork(0, 1_000_000L, 4242, 4242, 4321, 4321));
    assertEquals(WEB, containerId(fork));
    assertEquals("sh", fork.parent().orElseThrow().name());
    assertEquals(4321, fork.childPid());

    ProcessObserved exec = (ProcessObserved) handle(new ProcEvent.Exec(1, 1_500_000L, 4321, 4321));
    assertEquals("netlink", exec.source());
    assertEquals("id", exec.proc().name());
    assertEquals(5107, exec.proc().startTime());
    assertEquals(WEB, containerId(exec));
    assertEquals(T0.plusNanos(1_500_000L), exec.time(), "stamped with the kernel's time");
    assertTrue(seen.contains(4321, 5107), "the /proc scan will not report it again");
  }

  @Test
  void nsenterChangingNamespacesThenExecutingGivesANamespaceChangeBeforeItsExec() throws Exception {
    proc.process(4500, "nsenter", 5200, "/docker/" + WEB)
        .ns(4500, "mnt", "mnt:[4026532201]")
        .ns(4500, "net", "net:[4026532207]");
    handle(
        new ProcEvent.Exec(0, 1_000L, 4500, 4500)); // nsenter itself, in the container's namespaces
    // setns into the host's mount namespace, then exec of sh: same pid, same start time
    proc.remove(4500, "ns/mnt");
    proc.ns(4500, "mnt", "mnt:[4026531841]")
        .status(4500, "Name:\tsh\nUid:\t0\t0\t0\t0\nCapEff:\t0000003fffffffff\n");
    handler.handle(new ProcEvent.Exec(0, 2_000L, 4500, 4500), out::add);
    assertEquals(
        List.of("exec", "namespace_change", "capability_change", "exec"),
        out.stream().map(Event::type).toList());
    NamespaceChanged ns = (NamespaceChanged) out.get(1);
    assertEquals(List.of("mnt"), ns.changed(), "net stayed");
    assertEquals(4026532201L, ns.previous().get("mnt"));
    assertEquals(WEB, containerId(ns));
    assertEquals(Optional.empty(), ns.previousHostNamespaces(), "no host reference here");
    CapabilityChanged caps = (CapabilityChanged) out.get(2);
    assertEquals(0xa80425fbL, caps.previousCapEff());
    assertEquals(0x3fffffffffL & ~0xa80425fbL, caps.gained());
  }

  @Test
  void aNamespaceChangeSaysWhereTheProcessWasInTheHostsNamespacesBefore() throws Exception {
    HostNamespaces host = new HostNamespaces(Map.of("mnt", 4026531841L, "user", 4026531837L));
    handler =
        new ProcEventHandler(
            new ProcReader(proc.hostFs(), host),
            seen,
            new ProcessTable(1000, 64L << 20, stats.tableShed::increment),
            ns -> T0.plusNanos(ns),
            stats,
            64L << 20,
            () -> false,
            RuntimeBinaries.NONE);
    // unshare in a container: in the container's mount namespace and the host's user namespace
    proc.process(4600, "unshare", 5300, "/docker/" + WEB)
        .ns(4600, "mnt", "mnt:[4026532201]")
        .ns(4600, "user", "user:[4026531837]");
    handle(new ProcEvent.Exec(0, 1_000L, 4600, 4600));
    proc.remove(4600, "ns/user");
    proc.ns(4600, "user", "user:[4026532243]"); // unshare -U, then exec of its command
    handler.handle(new ProcEvent.Exec(0, 2_000L, 4600, 4600), out::add);
    NamespaceChanged unshare = (NamespaceChanged) out.get(1);
    assertEquals(List.of("user"), unshare.changed());
    assertEquals(
        Optional.of(List.of("user")),
        unshare.previousHostNamespaces(),
        "the host's user namespace, not its mnt");
    assertEquals(Optional.of(List.of()), unshare.proc().hostNamespaces(), "now in neither");
  }

  @Test
  void aProcessGoneBeforeItsExecIsReadBelongsToItsParentsContainer() throws Exception {
    proc.process(4242, "sh", 5000, "/docker/" + WEB);
    handle(new ProcEvent.Fork(0, 2_000_000_000L, 4242, 4242, 4400, 4400));
    // 4400 has no /proc directory: it ended before the worker got to its exec
    ProcessObserved exec =
        (ProcessObserved) handle(new ProcEvent.Exec(0, 2_000_300_000L, 4400, 4400));
    assertEquals(WEB, containerId(exec));
    assertEquals(4400, exec.proc().pid());
    assertEquals(4242, exec.proc().ppid());
    assertEquals("", exec.proc().name(), "its program is unknown: nothing is made up");
    assertEquals(200, exec.proc().startTime(), "the fork's time in clock ticks");
    assertEquals(1, stats.vanishedAtExec());
    assertEquals(1, stats.attributedToParent());

    ProcessExited exit =
        (ProcessExited)
            handle(new ProcEvent.Exit(0, 2_004_300_000L, 4400, 4400, 0, 17, 4242, 4242));
    assertEquals(WEB, containerId(exit));
    assertEquals(OptionalLong.of(4), exit.lifetimeMs(), "from the fork's timestamp: exact");
  }

  /** Exec files handed out as recorded, and every question asked. */
  private static final class RecordedExecFiles implements ExecFiles {
    final Map<Integer, ExecFile> files = new HashMap<>();
    final List<String> calls = new ArrayList<>();

    @Override
    public Optional<ExecFile> take(int pid, OptionalLong dev, OptionalLong inode) {
      calls.add("take " + pid + " " + dev + " " + inode);
      return Optional.ofNullable(files.remove(pid));
    }

    @Override
    public void forgetBefore(int pid, long monotonicNanos) {
      calls.add("forget " + pid + " " + monotonicNanos);
    }
  }

  private RecordedExecFiles withExecFiles() {
    RecordedExecFiles files = new RecordedExecFiles();
    handler =
        new ProcEventHandler(
            new ProcReader(proc.hostFs()),
            seen,
            new ProcessTable(1000, 64L << 20, stats.tableShed::increment),
            ns -> T0.plusNanos(ns),
            stats,
            64L << 20,
            () -> false,
            RuntimeBinaries.NONE,
            files);
    return files;
  }

  @Test
  void aProcessGoneBeforeItsExecIsReadHasTheExeItsExecOpened() throws Exception {
    RecordedExecFiles files = withExecFiles();
    Instant dropped = Instant.parse("2026-11-23T05:40:59Z");
    files.files.put(
        4400,
        new ExecFile("/tmp/dropped", "254:0", 1639260, Optional.of(dropped), Optional.empty()));
    proc.process(4242, "sh", 5000, "/docker/" + WEB);
    handle(new ProcEvent.Fork(0, 2_000_000_000L, 4242, 4242, 4400, 4400));
    ProcessObserved exec =
        (ProcessObserved) handle(new ProcEvent.Exec(0, 2_000_300_000L, 4400, 4400));
    assertEquals(WEB, containerId(exec));
    assertEquals("/tmp/dropped", exec.proc().exe());
    assertEquals("dropped", exec.proc().program());
    assertEquals(Optional.of(dropped), exec.proc().exeChanged());
    assertEquals("", exec.proc().cmdline(), "its arguments went with it");
    assertEquals(Optional.of(ExeSource.EXEC_FILE), exec.exeSource());
    Map<String, Object> doc = exec.processDocument().orElseThrow();
    assertEquals("exec_file", doc.get("exe_source"));
    assertEquals(
        Map.of(
            "path",
            "/tmp/dropped",
            "dev",
            "254:0",
            "inode",
            1639260L,
            "ctime",
            "2026-11-23T05:40:59.000Z"),
        doc.get("exec_file"));
    assertEquals(1, stats.exeFromExecFile());
    handle(new ProcEvent.Exit(0, 2_004_300_000L, 4400, 4400, 0, 17, 4242, 4242));
    assertEquals(
        List.of(
            "forget 4400 2000000000",
            "take 4400 OptionalLong.empty OptionalLong.empty",
            "forget 4400 2004300000"),
        files.calls,
        "a fork and an exit drop another process's files of that pid");
  }

  @Test
  void aProcessReadWithItsExeKeepsItAndCarriesItsExecFile() throws Exception {
    RecordedExecFiles files = withExecFiles();
    files.files.put(
        4321,
        new ExecFile("/bin/busybox", "254:0", 1639148, Optional.empty(), Optional.of("/tmp/s.sh")));
    proc.process(4321, "s.sh", 5107, "/docker/" + WEB).exe(4321, "/bin/busybox");
    ProcessObserved exec = (ProcessObserved) handle(new ProcEvent.Exec(1, 1_500_000L, 4321, 4321));
    assertEquals("/bin/busybox", exec.proc().exe());
    assertEquals(Optional.of(ExeSource.PROC), exec.exeSource());
    assertEquals(Optional.of("/tmp/s.sh"), exec.execFile().orElseThrow().script());
    assertEquals(0, stats.exeFromExecFile());
  }

  @Test
  void withoutARecordedFileAGoneProcessStaysWithoutExe() throws Exception {
    withExecFiles();
    proc.process(4242, "sh", 5000, "/docker/" + WEB);
    handle(new ProcEvent.Fork(0, 2_000_000_000L, 4242, 4242, 4400, 4400));
    ProcessObserved exec =
        (ProcessObserved) handle(new ProcEvent.Exec(0, 2_000_300_000L, 4400, 4400));
    assertEquals("", exec.proc().exe());
    assertEquals(Optional.empty(), exec.exeSource());
    assertEquals(Optional.empty(), exec.execFile());
    assertTrue(!exec.processDocument().orElseThrow().containsKey("exe_source"));
  }

  @Test
  void hostileCommandLinesKeepTheCacheWithinItsBudgetAndAttributionWorks() throws Exception {
    ProcessTable table = new ProcessTable(1000, 4L << 20, stats.tableShed::increment);
    ProcEventHandler small =
        new ProcEventHandler(
            new ProcReader(proc.hostFs()),
            seen,
            table,
            ns -> T0.plusNanos(ns),
            stats,
            64L << 20,
            () -> false,
            RuntimeBinaries.NONE);
    proc.process(4242, "sh", 5000, "/docker/" + WEB);
    byte[] ff = new byte[64 * 1024];
    Arrays.fill(ff, (byte) 0xff);
    for (int pid = 5000; pid < 5200; pid++) {
      proc.process(pid, "sleep", 6000 + pid, "/docker/" + WEB)
          .stat(
              pid,
              ProcTree.statLine(
                  pid, "sleep".getBytes(StandardCharsets.UTF_8), 'S', 4242, 6000 + pid))
          .cmdline(pid, ff);
      small.handle(new ProcEvent.Fork(0, 1_000L * pid, 4242, 4242, pid, pid), out::add);
      small.handle(new ProcEvent.Exec(0, 1_000L * pid + 1, pid, pid), out::add);
      assertTrue(
          table.bytes() <= 4L << 20, "within budget after pid " + pid + ": " + table.bytes());
    }
    ProcessObserved last = (ProcessObserved) out.get(out.size() - 1);
    assertEquals(4 * 64 * 1024, last.proc().cmdline().length(), "the exec event itself is whole");
    assertTrue(stats.tableShed() > 100, "sheds counted: " + stats.tableShed());

    // The first sleep was shed long ago: its child, gone before its exec was read, still gets the
    // container.
    out.clear();
    small.handle(new ProcEvent.Fork(0, 9_000_000L, 5000, 5000, 5300, 5300), out::add);
    small.handle(new ProcEvent.Exec(0, 9_000_001L, 5300, 5300), out::add);
    ProcessObserved orphan = (ProcessObserved) out.get(1);
    assertEquals(WEB, containerId(orphan));
    assertEquals(5000, orphan.proc().ppid());
    assertEquals(1, stats.attributedToParent());

    ProcessExited exit =
        (ProcessExited)
            handleWith(small, new ProcEvent.Exit(0, 9_500_000L, 5000, 5000, 0, 15, 4242, 4242));
    assertEquals(WEB, containerId(exit));
    ProcessInfo shed = exit.proc().orElseThrow();
    assertEquals(4242, shed.ppid());
    assertEquals("sleep", shed.name());
    assertEquals(ProcessTable.SHED_CMDLINE_CHARS, shed.cmdline().length());
    assertTrue(shed.cmdlineTruncated(), "the exit says its command line is cut");
    assertEquals(OptionalLong.of(4), exit.lifetimeMs(), "the fork time stays");
  }

  @Test
  void execsWaitingForTheWorkerAreHeldToTheQueueBudget() throws Exception {
    long budget = 4L << 20;
    ProcEventHandler h =
        new ProcEventHandler(
            new ProcReader(proc.hostFs()),
            seen,
            new ProcessTable(1000, 64L << 20, stats.tableShed::increment),
            ns -> T0.plusNanos(ns),
            stats,
            budget,
            () -> false,
            RuntimeBinaries.NONE);
    byte[] ff = new byte[64 * 1024];
    Arrays.fill(ff, (byte) 0xff);
    List<ProcEventHandler.Received> queued = new ArrayList<>();
    int refused = 0;
    for (int pid = 6000; pid < 6100; pid++) {
      proc.process(pid, "sleep", 9000 + pid, "/docker/" + WEB).cmdline(pid, ff);
      Optional<ProcEventHandler.Received> r = h.receive(new ProcEvent.Exec(0, pid, pid, pid));
      if (r.isPresent()) {
        queued.add(r.get());
      } else {
        refused++;
      }
      assertTrue(h.queuedBytes() <= budget, "over budget at pid " + pid + ": " + h.queuedBytes());
    }
    // ~257 KiB a whole read: 15 fit; the rest fit only cut (a few KiB each) until the budget is
    // spent
    assertEquals(
        15,
        queued.stream()
            .filter(r -> r.read().orElseThrow().cmdline().length() == 4 * 64 * 1024)
            .count());
    assertEquals(0, refused, "the cut ones fit in what was left");
    assertEquals(85, stats.queueShed());
    h.handleBatch(queued, out::add);
    assertEquals(0, h.queuedBytes(), "handled: nothing waits");
    ProcessObserved cut = (ProcessObserved) out.get(out.size() - 1);
    assertEquals(WEB, containerId(cut));
    assertTrue(cut.proc().cmdlineTruncated(), "a cut exec says so");

    ProcEventHandler spent =
        new ProcEventHandler(
            new ProcReader(proc.hostFs()),
            seen,
            new ProcessTable(1000, 64L << 20, stats.tableShed::increment),
            ns -> T0.plusNanos(ns),
            stats,
            100,
            () -> false,
            RuntimeBinaries.NONE);
    assertTrue(
        spent.receive(new ProcEvent.Exec(0, 1L, 6000, 6000)).isEmpty(),
        "not even a cut read fits: dropped");
    assertTrue(
        spent.receive(new ProcEvent.Fork(0, 2L, 6000, 6000, 6001, 6001)).isPresent(),
        "other events carry no read");
    assertEquals(0, spent.queuedBytes());
  }

  private Event handleWith(ProcEventHandler h, ProcEvent e) throws InterruptedException {
    int before = out.size();
    h.handle(e, out::add);
    assertEquals(before + 1, out.size(), "one event for " + e);
    return out.get(before);
  }

  @Test
  void aVanishedChildOfRuncIsNotGivenTheHostItWasForkedIn() throws Exception {
    proc.process(3000, "runc", 4000, "/system.slice/containerd.service");
    handle(new ProcEvent.Fork(0, 1L, 3000, 3000, 3010, 3010));
    // runc moved 3010 into the container, it executed and ended before it was read
    handleSilently(new ProcEvent.Exec(0, 2L, 3010, 3010));
    assertEquals(1, stats.unattributed());
    assertEquals(0, stats.attributedToParent());
  }

  @Test
  void aVanishedProcessWithoutAKnownForkIsCountedNotGivenAContainer() throws Exception {
    handleSilently(new ProcEvent.Exec(0, 1L, 7777, 7777));
    assertEquals(1, stats.unattributed());
  }

  @Test
  void aReusedPidNeverInheritsTheOldProcessContainer() throws Exception {
    proc.process(500, "nginx", 100, "/docker/" + WEB);
    assertEquals(WEB, containerId(handle(new ProcEvent.Exec(0, 1L, 500, 500))));
    // its exit was lost (overrun); a new process got pid 500 in another container
    proc.process(500, "psql", 900, "/docker/" + DB);
    ProcessObserved again = (ProcessObserved) handle(new ProcEvent.Exec(0, 9L, 500, 500));
    assertEquals(DB, containerId(again));
    assertEquals(1, stats.pidReuses());
    assertTrue(seen.contains(500, 900));
  }

  @Test
  void exitCarriesStatusSignalAndLifetime() throws Exception {
    proc.process(4242, "sh", 5000, "/docker/" + WEB);
    proc.process(4500, "sleep", 5001, "/docker/" + WEB);
    handle(new ProcEvent.Fork(0, 10_000_000L, 4242, 4242, 4500, 4500));
    handle(new ProcEvent.Exec(0, 10_500_000L, 4500, 4500));
    ProcessExited killed =
        (ProcessExited)
            handle(new ProcEvent.Exit(0, 1_510_000_000L, 4500, 4500, 9, 17, 4242, 4242));
    assertEquals(9, killed.signal());
    assertEquals(OptionalLong.of(1500), killed.lifetimeMs());
    assertEquals("sleep", killed.proc().orElseThrow().name());
    assertEquals(WEB, containerId(killed));
    assertTrue(!seen.contains(4500, 5001), "forgotten once ended");

    proc.process(4600, "false", 5002, "/docker/" + WEB);
    handle(new ProcEvent.Exec(0, 1L, 4600, 4600));
    ProcessExited three =
        (ProcessExited) handle(new ProcEvent.Exit(0, 60_000_000_000L, 4600, 4600, 768, 17, 1, 1));
    assertEquals(3, three.exitStatus());
    assertEquals(0, three.signal());
    assertEquals(
        OptionalLong.of(60_000 - 50_020),
        three.lifetimeMs(),
        "no fork seen: from the start time in ticks");
  }

  @Test
  void threadsAreNotProcesses() throws Exception {
    handleSilently(new ProcEvent.Fork(0, 1L, 4242, 4242, 4243, 4242));
    handleSilently(new ProcEvent.Exit(0, 2L, 4243, 4242, 0, -1, 0, 0));
    handleSilently(new ProcEvent.Uid(0, 3L, 4243, 4242, 0, 0));
    assertEquals(3, stats.threadEvents());
  }

  @Test
  void uidChangeToRootInAContainerKnowsThePreviousEuid() throws Exception {
    proc.process(4800, "app", 7000, "/docker/" + WEB)
        .status(4800, "Name:\tapp\nUid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000000000\n");
    handle(new ProcEvent.Exec(0, 1L, 4800, 4800));
    proc.status(4800, "Name:\tapp\nUid:\t1000\t0\t0\t0\nCapEff:\t000001ffffffffff\n");
    handler.handle(new ProcEvent.Uid(0, 2L, 4800, 4800, 1000, 0), out::add);
    assertEquals(
        List.of("exec", "uid_change", "capability_change"), out.stream().map(Event::type).toList());
    UidChanged change = (UidChanged) out.get(1);
    assertEquals(
        0x1ffffffffffL,
        ((CapabilityChanged) out.get(2)).gained(),
        "root's capabilities came with it");
    assertEquals(0, change.euid());
    assertEquals(OptionalInt.of(1000), change.previousEuid());
    assertEquals(OptionalInt.of(0), change.proc().euid(), "the process as read after the change");
    assertEquals(WEB, containerId(change));
  }

  @Test
  void ptraceNamesTracerContainerAndTarget() throws Exception {
    proc.process(4900, "gdb", 8000, "/docker/" + WEB);
    proc.process(2577, "dockerd", 300, "/system.slice/docker.service");
    ProcessTraced t = (ProcessTraced) handle(new ProcEvent.Ptrace(0, 5L, 2577, 2577, 4900, 4900));
    assertEquals(WEB, containerId(t));
    assertEquals("gdb", t.tracer().orElseThrow().name());
    assertEquals("dockerd", t.target().orElseThrow().name());
    assertEquals("", t.targetContainerId(), "the target is a host process");
    handleSilently(new ProcEvent.Ptrace(0, 6L, 2577, 2577, 0, 0)); // detach
  }

  @Test
  void reconcileDropsProcessesGoneOrReplaced() throws Exception {
    proc.process(10, "a", 1, "/docker/" + WEB);
    proc.process(11, "b", 2, "/docker/" + WEB);
    proc.process(12, "c", 3, "/docker/" + WEB);
    for (int pid = 10; pid <= 12; pid++) {
      handle(new ProcEvent.Exec(0, 1L, pid, pid));
    }
    proc.remove(10, "stat"); // ended, exit lost
    proc.process(11, "b2", 99, "/docker/" + DB); // pid reused, exit and exec lost
    assertEquals(2, handler.reconcile());
    assertEquals(1, stats.reconciliations());
    // 12 is still known: its exit has its container
    assertEquals(WEB, containerId(handle(new ProcEvent.Exit(0, 2L, 12, 12, 0, 17, 1, 1))));
    // 10 is not: its exit (were it to come late) names no container
    assertEquals(
        Optional.empty(), handle(new ProcEvent.Exit(0, 3L, 10, 10, 0, 17, 1, 1)).container());
  }

  @Test
  void anExecIsReadWhenReceivedNotWhenHandled() throws Exception {
    proc.process(4242, "sh", 5000, "/docker/" + WEB);
    proc.process(4701, "ls", 5200, "/docker/" + WEB);
    proc.process(4702, "cat", 5201, "/docker/" + WEB);
    List<Event> seenAtEmit = new ArrayList<>();
    List<ProcEventHandler.Received> received =
        Stream.of(
                new ProcEvent.Fork(0, 1L, 4242, 4242, 4701, 4701),
                    new ProcEvent.Exec(0, 2L, 4701, 4701),
                new ProcEvent.Fork(0, 3L, 4242, 4242, 4702, 4702),
                    new ProcEvent.Exec(0, 4L, 4702, 4702))
            .map(handler::receive)
            .map(Optional::orElseThrow)
            .toList();
    // the sink is slow: by the time the first event is out, both processes have ended
    handler.handleBatch(
        received,
        e -> {
          if (seenAtEmit.isEmpty()) {
            proc.remove(4701, "stat").remove(4702, "stat");
          }
          seenAtEmit.add(e);
        });
    assertEquals(
        List.of("fork", "exec", "fork", "exec"), seenAtEmit.stream().map(Event::type).toList());
    assertEquals("ls", ((ProcessObserved) seenAtEmit.get(1)).proc().name());
    assertEquals("cat", ((ProcessObserved) seenAtEmit.get(3)).proc().name());
    assertEquals(0, stats.vanishedAtExec());
  }

  @Test
  void runcsInitCarriesTheRuntimeItRunsAndItsAncestorsByFileNotByName() throws Exception {
    Path runc =
        Files.write(
            Files.createDirectories(root.resolve("usr/sbin")).resolve("runc"),
            new byte[] {1, 2, 3});
    Path busybox =
        Files.write(
            Files.createDirectories(root.resolve("tmp")).resolve("runc"), new byte[] {4, 5, 6});
    handler =
        new ProcEventHandler(
            new ProcReader(proc.hostFs()),
            seen,
            new ProcessTable(1000, 64L << 20, stats.tableShed::increment),
            ns -> T0.plusNanos(ns),
            stats,
            64L << 20,
            () -> false,
            new RuntimeBinaries(proc.hostFs()));
    proc.process(2900, "containerd-shim", 3000, "/system.slice/containerd.service")
        .stat(2900, ProcTree.statLine(2900, "containerd-shim".getBytes(UTF_8), 'S', 1, 3000));
    proc.process(3000, "runc", 4000, "/system.slice/containerd.service")
        .exe(3000, runc.toString())
        .stat(3000, ProcTree.statLine(3000, "runc".getBytes(UTF_8), 'S', 2900, 4000))
        .cmdline(3000, ("runc\0create\0" + WEB + "\0").getBytes(UTF_8));
    handle(new ProcEvent.Exec(0, 1L, 3000, 3000)); // runc create, run by the shim
    proc.process(3010, "runc:[0:PARENT]", 4001, "/docker/" + WEB)
        .exe(3010, runc.toString())
        .stat(3010, ProcTree.statLine(3010, "runc:[0:PARENT]".getBytes(UTF_8), 'S', 3000, 4001));
    ProcessObserved init = (ProcessObserved) handle(new ProcEvent.Exec(0, 2L, 3010, 3010));
    assertEquals(Optional.of("runc"), init.origin().runtime());
    assertEquals(
        List.of(3000, 2900),
        init.origin().ancestors().stream().map(a -> a.pid()).toList(),
        "parent first, to the first process the source does not know (pid 1 has no fixture)");
    assertEquals(Optional.of("runc"), init.origin().parent().orElseThrow().runtime());
    assertEquals("runc create " + WEB, init.origin().parent().orElseThrow().cmdline());
    assertEquals(
        Optional.empty(),
        init.origin().ancestors().get(1).runtime(),
        "the shim's exe is not in the fixture");

    // it executes runc's copy of itself; read as it exits, its exe link is gone: what it was found
    // running before, as the same process (pid and start time), still stands
    proc.remove(3010, "exe");
    ProcessObserved exiting = (ProcessObserved) handle(new ProcEvent.Exec(0, 3L, 3010, 3010));
    assertEquals("", exiting.proc().exe());
    assertEquals(Optional.of("runc"), exiting.origin().runtime());

    // the same names, but the file is another program: no runtime
    proc.process(3020, "runc:[0:PARENT]", 4002, "/docker/" + WEB)
        .exe(3020, busybox.toString())
        .stat(3020, ProcTree.statLine(3020, "runc:[0:PARENT]".getBytes(UTF_8), 'S', 3000, 4002));
    ProcessObserved spoof = (ProcessObserved) handle(new ProcEvent.Exec(0, 4L, 3020, 3020));
    assertEquals(Optional.empty(), spoof.origin().runtime());
    assertEquals("runc", spoof.origin().parent().orElseThrow().name());
    proc.remove(3020, "exe");
    ProcessObserved spoofExiting = (ProcessObserved) handle(new ProcEvent.Exec(0, 5L, 3020, 3020));
    assertEquals(Optional.empty(), spoofExiting.origin().runtime(), "nothing to inherit");
  }

  @Test
  void anAncestorYoungerThanItsChildIsAnotherProcessThatTookThePid() throws Exception {
    proc.process(
        5000, "nginx", 9000, "/docker/" + WEB); // took pid 5000 after the real parent ended
    proc.process(5010, "sh", 8000, "/docker/" + WEB)
        .stat(5010, ProcTree.statLine(5010, "sh".getBytes(UTF_8), 'S', 5000, 8000));
    ProcessObserved sh = (ProcessObserved) handle(new ProcEvent.Exec(0, 1L, 5010, 5010));
    assertEquals(List.of(), sh.origin().ancestors());
  }
}
