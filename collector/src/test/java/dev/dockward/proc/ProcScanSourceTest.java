package dev.dockward.proc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.event.ProcessObserved;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcScanSourceTest {
  private static final String CONTAINER =
      "655049bf2bac6e8916abdb9740c867b6807fcb48d77f087b4483554cb81e8ed4";
  private static final Instant NOW = Instant.parse("2026-11-22T18:02:11.431Z");

  @TempDir Path root;
  private ProcTree tree;
  private ProcScanSource source;
  private final List<Event> events = new ArrayList<>();

  @BeforeEach
  void setUp() {
    tree = new ProcTree(root);
    source =
        new ProcScanSource(tree.hostFs(), Duration.ofSeconds(1), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private List<Integer> pidsEmitted() {
    return events.stream()
        .map(e -> e.process().orElseThrow().pid())
        .sorted()
        .collect(Collectors.toList());
  }

  @Test
  void firstScanEmitsEveryExistingProcess() throws InterruptedException {
    tree.process(1, "init", 100, "/")
        .process(20, "sshd", 2000, "/")
        .process(33, "nginx", 3300, "/docker/" + CONTAINER);
    source.scanOnce(events::add);
    assertEquals(List.of(1, 20, 33), pidsEmitted());
  }

  @Test
  void aScannedProcessCarriesTheRuntimeItRunsAndItsAncestorsLikeARealTimeOne() throws Exception {
    Path runc =
        Files.write(
            Files.createDirectories(root.resolve("usr/sbin")).resolve("runc"),
            new byte[] {7, 7, 7});
    tree.process(1, "init", 100, "/")
        .process(3000, "runc", 4000, "/system.slice/containerd.service")
        .exe(3000, runc.toString())
        .stat(3000, ProcTree.statLine(3000, "runc".getBytes(UTF_8), 'S', 1, 4000))
        .process(3010, "runc:[0:PARENT]", 4001, "/docker/" + CONTAINER)
        .exe(3010, runc.toString())
        .stat(3010, ProcTree.statLine(3010, "runc:[0:PARENT]".getBytes(UTF_8), 'S', 3000, 4001));
    source.scanOnce(events::add);
    ProcessObserved init =
        events.stream()
            .map(e -> (ProcessObserved) e)
            .filter(e -> e.proc().pid() == 3010)
            .findFirst()
            .orElseThrow();
    assertEquals(Optional.of("runc"), init.origin().runtime());
    assertEquals(List.of(3000, 1), init.origin().ancestors().stream().map(a -> a.pid()).toList());
    assertEquals(Optional.of("runc"), init.origin().parent().orElseThrow().runtime());
  }

  @Test
  void secondScanEmitsOnlyTheNewProcess() throws InterruptedException {
    tree.process(1, "init", 100, "/").process(20, "sshd", 2000, "/");
    source.scanOnce(events::add);
    events.clear();
    tree.process(21, "bash", 2100, "/");
    source.scanOnce(events::add);
    assertEquals(List.of(21), pidsEmitted());
  }

  @Test
  void reusedPidWithANewStartTimeIsEmittedAgain() throws InterruptedException {
    tree.process(20, "old", 2000, "/");
    source.scanOnce(events::add);
    events.clear();
    tree.process(20, "new", 2999, "/");
    source.scanOnce(events::add);
    assertEquals(1, events.size());
    assertEquals("new", events.get(0).process().orElseThrow().name());
    assertEquals(2999, events.get(0).process().orElseThrow().startTime());
  }

  @Test
  void goneProcessesAreForgotten() throws InterruptedException, IOException {
    tree.process(1, "init", 100, "/").process(20, "sshd", 2000, "/");
    source.scanOnce(events::add);
    assertEquals(2, source.remembered());
    deleteRecursively(tree.pidDir(20));
    source.scanOnce(events::add);
    assertEquals(1, source.remembered());
  }

  @Test
  void knownProcessesCostOnlyAStatRead() throws InterruptedException {
    tree.process(20, "sshd", 2000, "/");
    source.scanOnce(events::add);
    // Were the full process read again, its now garbage status would be counted as a parse error.
    tree.status(20, "garbage");
    source.scanOnce(events::add);
    assertEquals(0, source.readStats().parseErrors());
    assertEquals(1, events.size());
  }

  @Test
  void containerProcessCarriesItsUnresolvedContainerAndHostProcessNone()
      throws InterruptedException {
    tree.process(1, "init", 100, "/").process(33, "nginx", 3300, "/docker/" + CONTAINER);
    source.scanOnce(events::add);
    ProcessObserved host = (ProcessObserved) events.get(0);
    ProcessObserved inContainer = (ProcessObserved) events.get(1);
    assertEquals(Optional.empty(), host.container());
    assertEquals(Optional.of(ContainerInfo.unresolved(CONTAINER)), inContainer.container());
  }

  @Test
  void eventsAreStampedByTheClockAndNamedAfterTheSource() throws InterruptedException {
    tree.process(1, "init", 100, "/");
    source.scanOnce(events::add);
    assertEquals(NOW, events.get(0).time());
    assertEquals("proc_scan", events.get(0).source());
    assertEquals("exec", events.get(0).type());
    assertEquals("proc_scan", source.name());
  }

  @Test
  void processVanishedSinceTheListingIsSkippedAndCounted() throws InterruptedException {
    tree.process(1, "init", 100, "/");
    tree.stat(
        2, ProcTree.statLine(2, "dying".getBytes(UTF_8), 'Z', 1, 200)); // no status: gone mid-read
    source.scanOnce(events::add);
    assertEquals(List.of(1), pidsEmitted());
    assertEquals(1, source.readStats().vanished());
  }

  @Test
  void processNotDeliveredBecauseTheSinkWasInterruptedIsEmittedByTheNextScan()
      throws InterruptedException {
    tree.process(1, "init", 100, "/");
    assertThrows(
        InterruptedException.class,
        () ->
            source.scanOnce(
                e -> {
                  throw new InterruptedException();
                }));
    source.scanOnce(events::add);
    assertEquals(List.of(1), pidsEmitted());
  }

  @Test
  void runningSourceGoesOnAfterAFailedScan() throws InterruptedException {
    tree.process(1, "init", 100, "/");
    BlockingQueue<Event> delivered = new LinkedBlockingQueue<>();
    AtomicInteger calls = new AtomicInteger();
    ProcScanSource fast =
        new ProcScanSource(tree.hostFs(), Duration.ofMillis(10), Clock.systemUTC());
    try {
      fast.start(
          e -> {
            if (calls.getAndIncrement() == 0) {
              throw new IllegalStateException("sink broke once");
            }
            delivered.put(e);
          });
      Event e = delivered.poll(10, TimeUnit.SECONDS);
      assertNotNull(e, "the process was emitted again by a later scan");
      assertEquals(1, e.process().orElseThrow().pid());
      assertEquals(1, fast.failedScans());
    } finally {
      fast.close();
    }
  }

  @Test
  void closeInterruptsASinkThatBlocksAndEndsTheLoop() throws InterruptedException {
    tree.process(1, "init", 100, "/");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ProcScanSource blocking =
        new ProcScanSource(tree.hostFs(), Duration.ofMillis(10), Clock.systemUTC());
    blocking.start(
        e -> {
          entered.countDown();
          try {
            new CountDownLatch(1).await(); // a full pipeline that never drains
          } catch (InterruptedException ex) {
            interrupted.countDown();
            throw ex;
          }
        });
    assertTrue(entered.await(10, TimeUnit.SECONDS), "the scan reached the sink");
    blocking.close();
    assertEquals(
        0, interrupted.getCount(), "close() returned only after the sink saw the interrupt");
    assertEquals(0, blocking.failedScans());
  }

  @Test
  void startingTwiceIsRejected() {
    ProcScanSource once =
        new ProcScanSource(tree.hostFs(), Duration.ofSeconds(60), Clock.systemUTC());
    try {
      once.start(e -> {});
      assertThrows(IllegalStateException.class, () -> once.start(e -> {}));
    } finally {
      once.close();
    }
  }

  @Test
  void nonPositiveIntervalIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ProcScanSource(tree.hostFs(), Duration.ZERO, Clock.systemUTC()));
  }

  @Test
  void closeBeforeStartAndTwiceIsHarmless() {
    source.close();
    source.close();
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void aProcessAnotherSourceReportedIsNotReportedAgainButAReusedPidIs()
      throws InterruptedException {
    SeenProcesses seen = new SeenProcesses();
    ProcScanSource shared =
        new ProcScanSource(
            new ProcReader(tree.hostFs()),
            Duration.ofSeconds(1),
            Clock.fixed(NOW, ZoneOffset.UTC),
            seen);
    tree.process(40, "id", 4000, "/docker/" + CONTAINER)
        .process(41, "ls", 4100, "/docker/" + CONTAINER);
    seen.claim(40, 4000); // netlink read it at exec
    seen.claim(41, 1); // netlink's process 41 ended; a new one has the pid now
    shared.scanOnce(events::add);
    assertEquals(List.of(41), pidsEmitted());
    assertTrue(seen.contains(41, 4100));
  }

  @Test
  void aProcessClaimedAfterTheListingSurvivesTheScansCleanUp() throws InterruptedException {
    SeenProcesses seen = new SeenProcesses();
    ProcScanSource shared =
        new ProcScanSource(
            new ProcReader(tree.hostFs()),
            Duration.ofSeconds(1),
            Clock.fixed(NOW, ZoneOffset.UTC),
            seen);
    tree.process(50, "sh", 5000, "/");
    // the sink is where the scan waits: netlink claims a process that started meanwhile
    shared.scanOnce(
        e -> {
          tree.process(51, "id", 5100, "/");
          seen.claim(51, 5100);
        });
    assertTrue(seen.contains(51, 5100), "not forgotten just because the listing missed it");
    assertTrue(seen.contains(50, 5000));
  }

  /** A scan sharing its claims with a real-time source that is live. */
  private ProcScanSource besideLiveRealTimeSource(SeenProcesses seen) {
    seen.realTimeReporting(true);
    return new ProcScanSource(
        new ProcReader(tree.hostFs()),
        Duration.ofSeconds(1),
        Clock.fixed(NOW, ZoneOffset.UTC),
        seen);
  }

  @Test
  void besideALiveRealTimeSourceAProcessFoundBetweenItsForkAndItsExecIsLeftToThatSource()
      throws InterruptedException {
    SeenProcesses seen = new SeenProcesses();
    ProcScanSource scan = besideLiveRealTimeSource(seen);
    tree.process(1, "init", 100, "/");
    scan.scanOnce(events::add); // the first scan reports what runs at once
    // A shell's child, forked and not yet executed: it still runs the shell, under its own pid.
    tree.process(60, "sh", 6000, "/docker/" + CONTAINER);
    scan.scanOnce(events::add);
    seen.claim(
        60, 6000); // its exec, read by netlink (audit reports it): the same process, now `true`
    scan.scanOnce(events::add);
    scan.scanOnce(events::add);
    assertEquals(List.of(1), pidsEmitted(), "the child was reported once, by the real-time source");
  }

  @Test
  void besideALiveRealTimeSourceAProcessEndedBeforeTheNextScanIsNotReportedByTheScan()
      throws InterruptedException {
    SeenProcesses seen = new SeenProcesses();
    ProcScanSource scan = besideLiveRealTimeSource(seen);
    scan.scanOnce(events::add);
    // read as it exits, after audit reported its exec and before netlink could read it: no claim
    tree.process(61, "true", 6100, "/docker/" + CONTAINER);
    scan.scanOnce(events::add);
    deleteRecursively(tree.pidDir(61));
    scan.scanOnce(events::add);
    assertEquals(List.of(), pidsEmitted());
  }

  @Test
  void besideALiveRealTimeSourceAProcessItMissedIsReportedOnceByTheNextScan()
      throws InterruptedException {
    SeenProcesses seen = new SeenProcesses();
    ProcScanSource scan = besideLiveRealTimeSource(seen);
    scan.scanOnce(events::add);
    tree.process(62, "nginx", 6200, "/docker/" + CONTAINER);
    scan.scanOnce(events::add);
    assertEquals(List.of(), pidsEmitted());
    scan.scanOnce(events::add);
    scan.scanOnce(events::add);
    assertEquals(List.of(62), pidsEmitted());
    assertTrue(seen.contains(62, 6200));
  }

  @Test
  void aLeftProcessWhosePidWasReusedBeforeTheNextScanIsLeftAgainAsTheNewProcess()
      throws InterruptedException {
    SeenProcesses seen = new SeenProcesses();
    ProcScanSource scan = besideLiveRealTimeSource(seen);
    scan.scanOnce(events::add);
    tree.process(63, "old", 6300, "/");
    scan.scanOnce(events::add);
    tree.process(63, "new", 6399, "/");
    scan.scanOnce(events::add);
    assertEquals(List.of(), pidsEmitted(), "another process than the one left last scan");
    scan.scanOnce(events::add);
    assertEquals(
        List.of("new"), events.stream().map(e -> e.process().orElseThrow().name()).toList());
  }

  @Test
  void aRescanAskedForAfterALossReportsNewProcessesAtOnce() throws InterruptedException {
    SeenProcesses seen = new SeenProcesses();
    ProcScanSource scan = besideLiveRealTimeSource(seen);
    scan.scanOnce(events::add);
    tree.process(64, "nc", 6400, "/docker/" + CONTAINER);
    scan.rescanNow(); // netlink lost events: what it missed is wanted now
    scan.scanOnce(events::add);
    assertEquals(List.of(64), pidsEmitted());
  }

  @Test
  void whenTheRealTimeSourceStopsNewProcessesAreReportedAtOnceAgain() throws InterruptedException {
    SeenProcesses seen = new SeenProcesses();
    ProcScanSource scan = besideLiveRealTimeSource(seen);
    scan.scanOnce(events::add);
    seen.realTimeReporting(false);
    tree.process(65, "sh", 6500, "/");
    scan.scanOnce(events::add);
    assertEquals(List.of(65), pidsEmitted());
  }

  /** A scan over fixtures whose pid directories stand for processes as procfs ones do. */
  private ProcScanSource scanWithDirectoryIdentity() {
    return new ProcScanSource(
        new ProcReader(tree.hostFs(), HostNamespaces.UNKNOWN, true),
        Duration.ofSeconds(1),
        Clock.fixed(NOW, ZoneOffset.UTC),
        new SeenProcesses());
  }

  @Test
  void aKnownProcessWhoseDirectoryIsUnchangedIsNotReadAtAllAfterItsStartTimeWasRead()
      throws InterruptedException {
    ProcScanSource scan = scanWithDirectoryIdentity();
    tree.process(70, "sshd", 7000, "/");
    scan.scanOnce(events::add);
    // Were its stat read again, the garbage would be counted as a parse error and the process lost.
    tree.stat(70, "garbage".getBytes(UTF_8));
    scan.scanOnce(events::add);
    scan.scanOnce(events::add);
    assertEquals(0, scan.readStats().parseErrors());
    assertEquals(1, events.size());
    assertEquals(1, scan.remembered());
  }

  @Test
  void aReusedPidHasANewDirectoryAndIsReadAndEmittedAgain() throws InterruptedException {
    ProcScanSource scan = scanWithDirectoryIdentity();
    tree.process(71, "old", 7100, "/");
    scan.scanOnce(events::add);
    scan.scanOnce(events::add);
    // The old process ended; a new one took its pid. Its directory is made while the old one still
    // exists, so that this file system cannot hand the freed inode number back (procfs never does).
    tree.process(9071, "new", 7199, "/");
    deleteRecursively(tree.pidDir(71));
    try {
      Files.move(tree.pidDir(9071), tree.pidDir(71));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    tree.process(71, "new", 7199, "/");
    scan.scanOnce(events::add);
    assertEquals(
        List.of("old", "new"), events.stream().map(e -> e.process().orElseThrow().name()).toList());
  }

  @Test
  void aProcessClaimedByAnotherSourceIsCheckedByItsStatOnceThenByItsDirectory()
      throws InterruptedException {
    SeenProcesses seen = new SeenProcesses();
    ProcScanSource scan =
        new ProcScanSource(
            new ProcReader(tree.hostFs(), HostNamespaces.UNKNOWN, true),
            Duration.ofSeconds(1),
            Clock.fixed(NOW, ZoneOffset.UTC),
            seen);
    tree.process(72, "id", 7200, "/");
    seen.claim(72, 7200); // netlink read it at exec
    scan.scanOnce(events::add); // its stat is read: the identity is learnt
    tree.stat(72, "garbage".getBytes(UTF_8));
    scan.scanOnce(events::add);
    assertEquals(0, scan.readStats().parseErrors());
    assertTrue(seen.contains(72, 7200));
    assertEquals(List.of(), events);
  }

  @Test
  void rescanNowStartsTheNextScanBeforeTheInterval() throws InterruptedException {
    ProcScanSource slow =
        new ProcScanSource(tree.hostFs(), Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));
    BlockingQueue<Event> got = new LinkedBlockingQueue<>();
    tree.process(60, "a", 6000, "/");
    slow.start(got::add);
    try {
      assertNotNull(got.poll(30, TimeUnit.SECONDS), "first scan");
      tree.process(61, "b", 6100, "/");
      slow.rescanNow();
      Event next = got.poll(30, TimeUnit.SECONDS);
      assertNotNull(next, "the rescan ran without waiting an hour");
      assertEquals(61, next.process().orElseThrow().pid());
    } finally {
      slow.close();
    }
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths
          .sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
