package dev.dockward.proc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ProcessInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcReaderTest {
  private static final String RECORDED_ID =
      "d9dfbfe6ba5963c0c7c886ae6687c4623b748d72e2b3c5b1112c15f4636eeb49";

  @TempDir Path root;
  private ProcTree tree;
  private ProcReader reader;

  @BeforeEach
  void setUp() {
    tree = new ProcTree(root);
    reader = new ProcReader(tree.hostFs());
  }

  @Test
  void readsEveryFieldOfARecordedContainerProcess() {
    tree.recorded("container-sleep", 5683);
    ProcessInfo p = reader.read(5683).orElseThrow();
    assertEquals(5683, p.pid());
    assertEquals(5663, p.ppid());
    assertEquals(37800, p.startTime());
    assertEquals("sleep", p.name());
    assertEquals("/bin/busybox", p.exe());
    assertEquals("sleep 300", p.cmdline());
    assertFalse(p.cmdlineTruncated());
    assertEquals(OptionalInt.of(0), p.uid());
    assertEquals(OptionalInt.of(0), p.euid());
    assertEquals(OptionalLong.of(0xa80425fbL), p.capEff());
    assertEquals(
        Map.of(
            "mnt",
            4026532329L,
            "pid",
            4026532332L,
            "net",
            4026532333L,
            "uts",
            4026532330L,
            "ipc",
            4026532331L,
            "user",
            4026531837L,
            "cgroup",
            4026531835L),
        p.namespaces());
    assertEquals("/docker/" + RECORDED_ID, p.cgroup());
    assertEquals(
        0, reader.stats().vanished() + reader.stats().unreadable() + reader.stats().parseErrors());
  }

  @Test
  void aContainerProcessCarriesItsLoaderVariablesAndNothingElseOfItsEnvironment() {
    String id = "9f2c4e1b7a3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a";
    tree.process(4321, "sleep", 5107, "/docker/" + id)
        .write(
            4321,
            "environ",
            ("PATH=/bin\0AWS_SECRET_ACCESS_KEY=s3cr3t\0LD_PRELOAD=/dev/shm/libhide.so\0"
                    + "GLIBC_TUNABLES=glibc.malloc.arena_max=2\0")
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(
        Map.of("LD_PRELOAD", "/dev/shm/libhide.so", "GLIBC_TUNABLES", "glibc.malloc.arena_max=2"),
        reader.read(4321).orElseThrow().loaderEnv());
  }

  @Test
  void aHostProcesssEnvironmentIsNotRead() {
    tree.process(2577, "dockerd", 300, "/system.slice/docker.service")
        .write(2577, "environ", "LD_PRELOAD=/usr/lib/libfoo.so\0".getBytes(StandardCharsets.UTF_8));
    assertEquals(Map.of(), reader.read(2577).orElseThrow().loaderEnv());
  }

  @Test
  void hostProcessGetsTheV2PathNotTheSupervisorsMemoryGroup() {
    tree.recorded("host-dockerd", 2577);
    ProcessInfo p = reader.read(2577).orElseThrow();
    assertEquals("/", p.cgroup());
    assertEquals("/usr/sbin/dockerd --storage-driver=vfs --ip-masq=false", p.cmdline());
    assertEquals(4026531832L, p.namespaces().get("mnt"));
    assertEquals(OptionalLong.of(0x1fffeffffffL), p.capEff());
  }

  @Test
  void firstLineIsUsedWhenThereIsNeitherAContainerNorAV2Line() {
    tree.process(31, "x", 1, "/").cgroup(31, "5:devices:/first\n4:memory:/second\n");
    assertEquals("/first", reader.read(31).orElseThrow().cgroup());
  }

  @Test
  void recordedKernelThreadHasNoExeNoCmdlineAndNoNamespaces() {
    tree.recorded("kernel-thread", 2);
    ProcessInfo p = reader.read(2).orElseThrow();
    assertEquals("kthreadd", p.name());
    assertEquals("", p.exe());
    assertEquals("", p.cmdline());
    assertEquals(Map.of(), p.namespaces());
    assertEquals(
        0, reader.stats().unreadable(), "a missing exe link is normal for a kernel thread");
    assertEquals(
        0, reader.stats().emptyCmdlineRereads(), "a kernel thread's empty command line is its own");
  }

  @Test
  void anEmptyCommandLineOfAUserProcessIsReadAgainBeforeItIsTakenAsEmpty() {
    // what a process read in the middle of an exec shows: an exe, no arguments yet
    tree.process(4300, "sh", 9, "/").exe(4300, "/bin/busybox").cmdline(4300, new byte[0]);
    assertEquals("", reader.read(4300).orElseThrow().cmdline());
    assertEquals(3, reader.stats().emptyCmdlineRereads());
    // one with arguments is read once
    tree.process(4301, "sh", 9, "/")
        .exe(4301, "/bin/busybox")
        .cmdline(4301, "sleep\u00005\u0000".getBytes());
    assertEquals("sleep 5", reader.read(4301).orElseThrow().cmdline());
    assertEquals(3, reader.stats().emptyCmdlineRereads());
  }

  @Test
  void hostileCommIsKeptIntactWithInvalidBytesEscaped() {
    tree.process(4242, "x", 9, "/");
    tree.stat(
        4242,
        ProcTree.statLine(
            4242, new byte[] {'a', ')', ' ', '(', 'b', '\n', '"', (byte) 0xff}, 'S', 1, 9));
    ProcessInfo p = reader.read(4242).orElseThrow();
    assertEquals("a) (b\n\"\\xff", p.name());
    assertEquals(9, p.startTime());
  }

  @Test
  void cmdlineWithInvalidUtf8KeepsTheBytesAsEscapes() {
    tree.process(50, "sh", 1, "/")
        .cmdline(50, new byte[] {'s', 'h', 0, '-', 'c', 0, (byte) 0xfe, '\n', 0});
    assertEquals("sh -c \\xfe\n", reader.read(50).orElseThrow().cmdline());
  }

  @Test
  void cmdlineLongerThanTheCapIsCutAtTheCapAndFlagged() {
    byte[] big = new byte[70 * 1024];
    Arrays.fill(big, (byte) 'A');
    big[100] = 0;
    tree.process(60, "big", 1, "/").cmdline(60, big);
    ProcessInfo p = reader.read(60).orElseThrow();
    assertTrue(p.cmdlineTruncated());
    assertEquals(ProcReader.CMDLINE_CAP, p.cmdline().length());
    assertEquals(' ', p.cmdline().charAt(100));
    assertEquals(1, reader.stats().truncatedCmdlines());
  }

  @Test
  void cmdlineOfExactlyTheCapIsNotTruncated() {
    byte[] exact = new byte[ProcReader.CMDLINE_CAP];
    Arrays.fill(exact, (byte) 'B');
    tree.process(61, "exact", 1, "/").cmdline(61, exact);
    ProcessInfo p = reader.read(61).orElseThrow();
    assertFalse(p.cmdlineTruncated());
    assertEquals(ProcReader.CMDLINE_CAP, p.cmdline().length());
    assertEquals(0, reader.stats().truncatedCmdlines());
  }

  @Test
  void garbageStatGivesNothingAndCountsAParseError() {
    tree.process(70, "x", 1, "/").stat(70, "70 garbage without parentheses".getBytes(UTF_8));
    assertEquals(Optional.empty(), reader.read(70));
    assertEquals(1, reader.stats().parseErrors());
  }

  @Test
  void statOfAnotherPidIsAParseError() {
    tree.process(71, "x", 1, "/").stat(71, ProcTree.statLine(72, "x".getBytes(UTF_8), 'S', 1, 5));
    assertEquals(Optional.empty(), reader.read(71));
    assertEquals(1, reader.stats().parseErrors());
  }

  @Test
  void missingPidDirectoryCountsAsVanishedWithoutThrowing() {
    assertEquals(Optional.empty(), reader.read(999_999));
    assertEquals(OptionalLong.empty(), reader.startTime(999_998));
    assertEquals(2, reader.stats().vanished());
  }

  @Test
  void processEndingBetweenStatAndStatusGivesNothingAndCountsAsVanished() {
    tree.process(80, "x", 1, "/").remove(80, "status");
    assertEquals(Optional.empty(), reader.read(80));
    assertEquals(1, reader.stats().vanished());
  }

  @Test
  void unreadableStatusLeavesUidsAndCapsAbsentAndIsCounted() throws IOException {
    tree.process(90, "x", 1, "/").remove(90, "status");
    Files.createDirectory(
        tree.pidDir(90).resolve("status")); // reading a directory fails with EISDIR
    ProcessInfo p = reader.read(90).orElseThrow();
    assertEquals(OptionalInt.empty(), p.uid());
    assertEquals(OptionalInt.empty(), p.euid());
    assertEquals(OptionalLong.empty(), p.capEff());
    assertEquals(1, reader.stats().unreadable());
    assertEquals(0, reader.stats().vanished());
  }

  @Test
  void malformedStatusAndCgroupAreCountedAndLeftAbsent() {
    tree.process(91, "x", 1, "/").status(91, "Name:\tx\n").cgroup(91, "no colons here\n");
    ProcessInfo p = reader.read(91).orElseThrow();
    assertEquals(OptionalInt.empty(), p.uid());
    assertEquals("", p.cgroup());
    assertEquals(2, reader.stats().parseErrors());
  }

  @Test
  void namespacesThatAreMissingAreSkippedAndMalformedOnesCounted() {
    tree.process(95, "x", 1, "/").ns(95, "mnt", "mnt:[4026599991]").ns(95, "net", "bogus");
    ProcessInfo p = reader.read(95).orElseThrow();
    assertEquals(Map.of("mnt", 4026599991L), p.namespaces());
    assertEquals(1, reader.stats().parseErrors());
  }

  @Test
  void pidsListsOnlyNumericDirectoriesInAscendingOrder() throws IOException {
    tree.process(300, "a", 1, "/").process(7, "b", 1, "/").process(41, "c", 1, "/");
    Files.createDirectories(root.resolve("proc/sys"));
    Files.createDirectories(root.resolve("proc/12a"));
    Files.writeString(root.resolve("proc/uptime"), "1.0 1.0\n");
    Files.createSymbolicLink(root.resolve("proc/self"), Path.of("7"));
    assertArrayEquals(new int[] {7, 41, 300}, reader.pids().toArray());
  }

  @Test
  void missingProcRootListsNoPidsAndCountsIt() throws IOException {
    ProcReader nowhere = new ProcReader(dev.dockward.host.HostFs.rootedAt(root.resolve("absent")));
    assertEquals(0, nowhere.pids().count());
    assertEquals(1, nowhere.stats().unreadable());
  }

  @Test
  void startTimeNeedsOnlyTheStatFile() {
    tree.stat(123, ProcTree.statLine(123, "lone".getBytes(UTF_8), 'S', 1, 424242));
    assertEquals(OptionalLong.of(424242), reader.startTime(123));
  }

  @Test
  void aReadIsMadeAgainOnlyWhenTheExeLinkNamesAnotherProgramAfterIt() {
    assertTrue(ProcReader.readAgain("/usr/sbin/runc", "/bin/busybox"), "executed meanwhile");
    assertTrue(
        ProcReader.readAgain("", "/bin/busybox"), "a read that found no program, and one now");
    assertFalse(ProcReader.readAgain("/bin/busybox", "/bin/busybox"), "the same program");
    // The link went: the process is ending (its memory is released first). Reading again would
    // replace a whole read by one with no program and an empty command line.
    assertFalse(ProcReader.readAgain("/bin/busybox", ""));
    assertFalse(ProcReader.readAgain("", ""), "a kernel thread");
  }
}
