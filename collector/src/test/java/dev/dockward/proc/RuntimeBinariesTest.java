package dev.dockward.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtime binaries told by the file a process runs, over a fixture host with real files and links.
 */
class RuntimeBinariesTest {
  @TempDir Path root;

  private ProcTree proc;
  private Path runc;
  private byte[] runcBytes;
  private final AtomicLong clock = new AtomicLong();
  private RuntimeBinaries runtimes;
  private ProcReader reader;

  @BeforeEach
  void setUp() throws Exception {
    proc = new ProcTree(root);
    runcBytes = new byte[70_001]; // a distinctive size, over one read buffer
    Arrays.fill(runcBytes, (byte) 0x5a);
    runc = write("usr/sbin/runc", runcBytes);
    write("usr/bin/containerd-shim-runc-v2", "shim".getBytes(StandardCharsets.UTF_8));
    reader = new ProcReader(proc.hostFs());
    runtimes = new RuntimeBinaries(proc.hostFs(), RuntimeBinaries.INSTALLED, clock::get);
  }

  private Path write(String path, byte[] content) throws Exception {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    return file;
  }

  private Optional<String> runs(int pid, Path file) {
    proc.process(pid, "x", 100, "/docker/x").exe(pid, file.toString());
    return runtimes.identify(reader.readWithExeFile(pid).orElseThrow());
  }

  @Test
  void theInstalledFileIsTheRuntimeWhateverTheProcessCallsItself() {
    assertEquals(Optional.of("runc"), runs(10, runc));
    assertEquals(
        Optional.of("containerd-shim-runc-v2"),
        runs(11, root.resolve("usr/bin/containerd-shim-runc-v2")));
  }

  @Test
  void anExactCopyIsTheRuntimeAsRuncsMemfdCloneIs() throws Exception {
    Path copy = write("memfd-runc_cloned", runcBytes);
    assertEquals(Optional.of("runc"), runs(12, copy));
  }

  @Test
  void aFileOfTheSameSizeButOtherBytesIsNot() throws Exception {
    byte[] other = runcBytes.clone();
    other[other.length - 1] = 0;
    assertEquals(Optional.empty(), runs(13, write("tmp/runc", other)));
  }

  @Test
  void anotherProgramNamedRuncIsNot() throws Exception {
    assertEquals(
        Optional.empty(), runs(14, write("tmp/runc", "busybox".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void aProcessWhoseFileCannotBeReadIsNoRuntime() {
    proc.process(15, "runc:[0:PARENT]", 100, "/docker/x"); // exiting: no exe link any more
    assertEquals(Optional.empty(), runtimes.identify(reader.readWithExeFile(15).orElseThrow()));
  }

  @Test
  void anUpgradedBinaryIsLookedUpAgainAfterTheRefresh() throws Exception {
    assertEquals(Optional.of("runc"), runs(17, runc));
    Path old = root.resolve("old-runc");
    Files.move(runc, old); // the upgrade: a new file (inode) at the path, of another size
    write("usr/sbin/runc", "new runc".getBytes(StandardCharsets.UTF_8));
    clock.addAndGet(RuntimeBinaries.REFRESH_NANOS);
    assertEquals(
        Optional.of("runc"),
        runs(18, root.resolve("usr/sbin/runc")),
        "the new file, looked up again");
    assertEquals(Optional.empty(), runs(19, old), "the old file is no longer the installed one");
  }

  @Test
  void noneIdentifiesNothing() {
    proc.process(20, "x", 100, "/docker/x").exe(20, runc.toString());
    assertEquals(
        Optional.empty(), RuntimeBinaries.NONE.identify(reader.readWithExeFile(20).orElseThrow()));
  }
}
