package dev.dockward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.EventDocuments;
import dev.dockward.event.ProcessInfo;
import dev.dockward.proc.ProcReader;
import dev.dockward.proc.ProcTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attribution and the process built from an audited exec, over a fixture /proc tree. */
class AuditExecSourceTest {
  private static final String WEB =
      "9f2c4e1b7a3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a";

  @TempDir Path root;

  private ProcTree proc;
  private ProcReader reader;
  private ExecAttribution attribution;

  @BeforeEach
  void setUp() {
    proc = new ProcTree(root);
    reader = new ProcReader(proc.hostFs());
    attribution = new ExecAttribution(reader, 100);
  }

  private static AuditExec exec(int pid, int ppid, String comm, String exe, List<String> argv) {
    return new AuditExec(
        1_796_651_817_278L,
        377,
        pid,
        ppid,
        OptionalInt.of(0),
        OptionalInt.of(0),
        comm,
        exe,
        argv,
        argv.size(),
        true,
        "/tmp",
        List.of(),
        String.join(" ", argv),
        "dockward");
  }

  /** The process ended: its /proc directory is gone. */
  private void gone(int pid) throws IOException {
    try (Stream<Path> files = Files.walk(proc.hostFs().pidDir(pid))) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  @Test
  void theKernelCommandLineTellsAuditWasOffAtBoot() {
    assertTrue(AuditExecSource.disabledAtBoot("console=ttyS0 audit=0 quiet\n"));
    assertTrue(AuditExecSource.disabledAtBoot("audit=off"));
    assertFalse(AuditExecSource.disabledAtBoot("console=ttyS0 audit=1 audit_backlog_limit=8192"));
    assertFalse(AuditExecSource.disabledAtBoot(""));
  }

  @Test
  void aLiveProcessIsAttributedByItsOwnCgroup() {
    proc.process(31681, "busybox", 5107, "/docker/" + WEB);
    AuditExec e =
        exec(31681, 31613, "busybox", "/bin/busybox", List.of("/bin/busybox", "true", "dwmark1"));
    Optional<ProcessInfo> read = reader.read(31681);
    ExecAttribution.Result r = attribution.attribute(e, read);
    assertEquals(ExecAttribution.Via.PROC, r.how());
    assertEquals(Optional.of(WEB), r.containerId());
  }

  @Test
  void aProcessGoneAtOnceTakesItsParentsContainerAndKeepsEveryArgument() {
    proc.process(31613, "sh", 5000, "/docker/" + WEB);
    AuditExec e =
        exec(31681, 31613, "busybox", "/bin/busybox", List.of("/bin/busybox", "true", "dwmark1"));
    ExecAttribution.Result r = attribution.attribute(e, reader.read(31681));
    assertEquals(ExecAttribution.Via.PARENT, r.how());
    assertEquals(Optional.of(WEB), r.containerId());
    ProcessInfo p = AuditProcess.of(e, Optional.empty(), r.cgroup());
    assertEquals("/bin/busybox true dwmark1", p.cmdline());
    assertEquals("/bin/busybox", p.exe());
    assertEquals("busybox", p.name());
    assertEquals(31613, p.ppid());
    assertEquals(Optional.of("/tmp"), p.cwd());
    assertEquals("/docker/" + WEB, p.cgroup());
    Map<String, Object> doc = EventDocuments.process(p);
    assertEquals("/tmp", doc.get("cwd"));
    assertFalse(doc.containsKey("cmdline_truncated"));
  }

  @Test
  void whenParentAndChildAreGoneAnEarlierExecOfThePidOrItsParentSays() throws IOException {
    proc.process(31613, "sh", 5000, "/docker/" + WEB);
    attribution.attribute(
        exec(31613, 31581, "sh", "/bin/busybox", List.of("/bin/sh", "-c", "x")),
        reader.read(31613));
    gone(31613);
    ExecAttribution.Result child =
        attribution.attribute(
            exec(31700, 31613, "busybox", "/bin/busybox", List.of("/bin/busybox", "true")),
            Optional.empty());
    assertEquals(ExecAttribution.Via.MEMORY, child.how());
    assertEquals(Optional.of(WEB), child.containerId());
    ExecAttribution.Result again =
        attribution.attribute(
            exec(
                31613,
                31581,
                "busybox",
                "/bin/busybox",
                List.of("/bin/busybox", "true", "dwmark2")),
            Optional.empty());
    assertEquals(
        ExecAttribution.Via.MEMORY, again.how(), "the shell's own exec: the pid's earlier exec");
    assertEquals(Optional.of(WEB), again.containerId());
  }

  @Test
  void aChildOfRuncGoneAtOnceIsNotGivenTheHost() {
    proc.process(3000, "runc", 4000, "/system.slice/containerd.service");
    ExecAttribution.Result r =
        attribution.attribute(exec(3010, 3000, "sh", "/bin/sh", List.of("sh")), Optional.empty());
    assertFalse(r.known());
  }

  @Test
  void aHostProcessIsKnownWithoutAContainer() {
    proc.process(31723, "true", 6000, "/user.slice");
    ExecAttribution.Result r =
        attribution.attribute(
            exec(31723, 31455, "true", "/bin/true", List.of("/bin/true", "dwhost1")),
            reader.read(31723));
    assertTrue(r.known());
    assertEquals(Optional.empty(), r.containerId());
  }

  @Test
  void aLiveProcessKeepsWhatOnlyProcKnows() {
    proc.process(31681, "busybox", 5107, "/docker/" + WEB).exe(31681, "/bin/busybox");
    AuditExec e =
        exec(31681, 31613, "busybox", "/bin/busybox", List.of("/bin/busybox", "true", "dwmark1"));
    ProcessInfo p = AuditProcess.of(e, reader.read(31681), "/docker/" + WEB);
    assertEquals(5107, p.startTime());
    assertEquals(0xa80425fbL, p.capEff().orElseThrow());
    assertEquals("/bin/busybox true dwmark1", p.cmdline(), "the arguments still come from audit");
  }

  @Test
  void aCommandLineOverTheCapIsCutAndMarked() {
    AuditExec e = exec(1, 0, "x", "/x", List.of("/x", "y".repeat(ProcReader.CMDLINE_CAP)));
    ProcessInfo p = AuditProcess.of(e, Optional.empty(), "");
    assertEquals(ProcReader.CMDLINE_CAP, p.cmdline().length());
    assertTrue(p.cmdlineTruncated());
  }

  @Test
  void aOneShotProgramStartedByDockerExecIsAttributedByItsOwnExecNotByTheShim() throws IOException {
    // docker exec: the program's parent is the containerd shim, a host process.
    proc.process(23779, "containerd-shim", 4000, "/");
    proc.process(26173, "linker", 5107, "/docker/" + WEB);
    AuditExec e =
        exec(
            26173,
            23779,
            "linker",
            "/x/linker",
            List.of("/x/linker", "s", "/etc/shadow", "/tmp/s1"));
    assertEquals(Optional.of(WEB), attribution.attribute(e, reader.read(26173)).containerId());
    gone(26173); // it made its link and ended before the record was read
    AuditCall link =
        new AuditCall(
            1_796_671_483_166L,
            60252,
            AuditCall.Call.SYMLINK,
            26173,
            23779,
            OptionalInt.of(0),
            OptionalInt.of(0),
            "linker",
            "/x/linker",
            List.of("479016", "479009", "0", "0"),
            0,
            "/tmp",
            List.of());
    ExecAttribution.Result r = attribution.attribute(link, reader.read(26173));
    assertEquals(ExecAttribution.Via.MEMORY, r.how());
    assertEquals(Optional.of(WEB), r.containerId(), "not the shim's host cgroup");
  }

  @Test
  void aLiveCallerIsAttributedByItsOwnCgroup() {
    proc.process(26180, "traceme", 5200, "/docker/" + WEB);
    AuditCall call =
        new AuditCall(
            1L,
            60204,
            AuditCall.Call.PTRACE_TRACEME,
            26180,
            1,
            OptionalInt.of(0),
            OptionalInt.of(0),
            "traceme",
            "/x/traceme",
            List.of("0", "0", "0", "0"),
            0,
            "",
            List.of());
    ExecAttribution.Result r = attribution.attribute(call, reader.read(26180));
    assertEquals(ExecAttribution.Via.PROC, r.how());
    assertEquals(Optional.of(WEB), r.containerId());
  }
}
