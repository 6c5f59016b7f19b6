package dev.dockward.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.Event;
import dev.dockward.event.ProcessExited;
import dev.dockward.event.ProcessForked;
import dev.dockward.event.ProcessObserved;
import dev.dockward.host.HostFs;
import dev.dockward.proc.HostNamespaces;
import dev.dockward.proc.ProcReader;
import dev.dockward.proc.SeenProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The netlink source on the real kernel (needs root), with host processes the test starts. */
@Tag("integration")
class NetlinkProcessSourceIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;

  private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
  private final AtomicInteger rescans = new AtomicInteger();
  private NetlinkProcessSource source;

  @BeforeEach
  void open() throws Exception {
    HostFs host = HostFs.system();
    source =
        NetlinkProcessSource.open(
            new ProcReader(host, HostNamespaces.ofAgent(host)),
            new SeenProcesses(),
            rescans::incrementAndGet,
            Clock.systemUTC(),
            NetlinkProcessSource.Settings.DEFAULT);
    source.start(events::add);
  }

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
  }

  /**
   * A program name no other process has: busybox under an unknown applet name exits 127 at once.
   */
  private Path uniqueProgram() throws Exception {
    Path program = dir.resolve("dw" + Long.toHexString(System.nanoTime() & 0xffffffffL));
    Files.createSymbolicLink(program, Path.of("/bin/busybox"));
    return program;
  }

  private long count(Predicate<Event> which) {
    return events.stream().filter(which).count();
  }

  private void await(Predicate<Event> which, long atLeast, String what) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (count(which) < atLeast) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + DEADLINE + ": " + what + "; " + source.stats());
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  @Test
  void forkExecAndExitOfAHostProcessArriveWithTheirFields() throws Exception {
    Path program = uniqueProgram();
    String name = program.getFileName().toString();
    Process sh =
        new ProcessBuilder("/bin/sh", "-c", "exec 2>/dev/null; " + program + "; sleep 0.3; exit 3")
            .start();
    long shPid = sh.pid();
    assertTrue(sh.waitFor(30, TimeUnit.SECONDS));
    assertEquals(3, sh.exitValue());

    Predicate<Event> shExit = e -> e instanceof ProcessExited x && x.pid() == shPid;
    await(shExit, 1, "exit of sh " + shPid);
    ProcessExited exit = (ProcessExited) events.stream().filter(shExit).findFirst().orElseThrow();
    assertEquals(3, exit.exitStatus());
    assertEquals(0, exit.signal());
    assertTrue(exit.lifetimeMs().orElse(-1) >= 300, "it slept 0.3 s: " + exit);
    assertEquals(Optional.empty(), exit.container(), "a host process");

    ProcessForked fork =
        (ProcessForked)
            events.stream()
                .filter(e -> e instanceof ProcessForked f && f.parentPid() == shPid)
                .findFirst()
                .orElseThrow();
    Predicate<Event> programExec =
        e -> e instanceof ProcessObserved o && o.proc().pid() == fork.childPid();
    await(programExec, 1, "exec of the child " + fork.childPid());
    ProcessObserved exec =
        (ProcessObserved) events.stream().filter(programExec).findFirst().orElseThrow();
    assertEquals("netlink", exec.source());
    if (!exec.proc().name().isEmpty()) { // empty: it ended before it was read (counted)
      assertEquals(name, exec.proc().name());
      // A process read while it exits has lost some namespace links already: every one that
      // was read must be the host's.
      List<String> read =
          List.of("mnt", "pid", "net", "uts", "ipc", "user", "cgroup").stream()
              .filter(exec.proc().namespaces()::containsKey)
              .toList();
      assertTrue(read.contains("pid"), "at least the pid namespace outlives the exit: " + exec);
      assertEquals(
          Optional.of(read),
          exec.proc().hostNamespaces(),
          "a host process shares every namespace read with the agent");
    }
    assertEquals(0, source.stats().malformedMessages());
  }

  /**
   * A bounded storm of short-lived processes: every exec is either reported (read, or gone and
   * given its parent's context) or counted as dropped. Prints the rates seen.
   */
  @Test
  void everyExecOfAStormIsReportedOrCountedAsDropped() throws Exception {
    Path program = uniqueProgram();
    String name = program.getFileName().toString();
    int execs = 2000;
    long t0 = System.nanoTime();
    Process loop =
        new ProcessBuilder(
                "/bin/sh",
                "-c",
                "exec 2>/dev/null; i=0; while [ $i -lt "
                    + execs
                    + " ]; do "
                    + program
                    + "; i=$((i+1)); done; exit 0")
            .start();
    long loopPid = loop.pid();
    assertTrue(loop.waitFor(120, TimeUnit.SECONDS), "the loop ends");
    double seconds = (System.nanoTime() - t0) / 1e9;
    await(e -> e instanceof ProcessExited x && x.pid() == loopPid, 1, "exit of the loop");

    long read = count(e -> e instanceof ProcessObserved o && o.proc().name().equals(name));
    long gone =
        count(
            e ->
                e instanceof ProcessObserved o
                    && o.proc().name().isEmpty()
                    && o.proc().ppid() == loopPid);
    NetlinkStats stats = source.stats();
    System.err.printf(
        "storm: %d execs in %.2f s (%.0f/s); %d read at exec, %d gone before read; %s%n",
        execs, seconds, execs / seconds, read, gone, stats);
    if (stats.overruns() == 0 && stats.queueDrops() == 0) {
      assertEquals(execs, read + gone, "nothing dropped, so every exec was reported");
    } else {
      // the machine was too busy: the drops are counted (the condition above) and the /proc
      // scan was asked to find what was missed
      assertTrue(rescans.get() > 0, "a rescan was asked for after the drop: " + stats);
    }
  }
}
