package dev.dockward.execfile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.event.ExecFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Chains built from FAN_OPEN_EXEC events recorded on this machine ({@code resources/execfile}), and
 * the cases around them: failed execs, loaders merged away, pids reused.
 */
class ExecChainsTest {
  private static final long ROOT_FS = 65024; // 254:0
  private static final OptionalLong NONE = OptionalLong.empty();

  @Test
  void hostRecordingGivesEachExecItsProgramWithoutLoaders() throws IOException {
    ExecChains chains = replay("host-execs.tsv");
    assertEquals(List.of("/usr/bin/busybox"), programs(chains, 13616));
    assertEquals(List.of("/usr/bin/cat"), programs(chains, 13617));
    assertEquals(List.of("/usr/bin/busybox"), programs(chains, 13623));
    // python3 fexecve'd true; true's loader event was merged into python3's, still queued: no harm
    assertEquals(List.of("/usr/bin/python3.11", "/usr/bin/true"), programs(chains, 13627));
    // the loader run as a program is the program
    assertEquals(
        List.of("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"), programs(chains, 13630));
    // jspawnhelper, then dash (its loader merged away), then the shell's last exec of busybox
    assertEquals(
        List.of(
            "/usr/lib/jvm/java-17-openjdk-amd64/lib/jspawnhelper",
            "/usr/bin/dash",
            "/usr/bin/busybox"),
        programs(chains, 13615));
    assertEquals(0, chains.skipped());
  }

  @Test
  void aScriptsExecIsItsInterpreterWithTheScriptNamed() throws IOException {
    ExecChains chains = replay("host-execs.tsv");
    ExecFile s = chains.take(13619, NONE, NONE).orElseThrow();
    assertEquals("/usr/bin/dash", s.path());
    assertEquals(Optional.of("/tmp/h-execid/s.sh"), s.script());
    assertEquals("254:0", s.device());
    assertEquals(260180, s.inode());
    // #!/tmp/h-execid/s.sh: the first script is the one exec'd
    ExecFile nested = chains.take(13624, NONE, NONE).orElseThrow();
    assertEquals("/usr/bin/dash", nested.path());
    assertEquals(Optional.of("/tmp/h-execid/nested.sh"), nested.script());
    assertEquals(Optional.empty(), chains.take(13624, NONE, NONE));
  }

  @Test
  void containerRecordingGivesTheDroppedBinaryItsOwnInode() throws IOException {
    ExecChains chains = replay("container-execs.tsv");
    ExecFile dropped = chains.take(14133, NONE, NONE).orElseThrow();
    assertEquals(
        new ExecFile("/tmp/dropped", "254:0", 1639260, Optional.empty(), Optional.empty()),
        dropped);
    ExecFile script = chains.take(14135, NONE, NONE).orElseThrow();
    assertEquals("/bin/busybox", script.path());
    assertEquals(Optional.of("/tmp/s.sh"), script.script());
    assertEquals(List.of("/bin/busybox"), programs(chains, 14131));
  }

  @Test
  void theFileTheProcessWasReadRunningPicksItsExecAndDropsFailedOnes() {
    ExecChains chains = new ExecChains(16, 8);
    chains.opened(
        7, file("/tmp/broken", 10, ExecHeader.Kind.OTHER), 1); // ENOEXEC: no exec event follows
    chains.opened(7, file("/bin/busybox", 11, ExecHeader.Kind.STATIC_ELF), 2);
    chains.opened(7, file("/usr/bin/cat", 12, ExecHeader.Kind.DYNAMIC_ELF), 3);
    chains.opened(7, file("/lib/ld.so", 13, ExecHeader.Kind.LOADER_ELF), 3);
    assertEquals(
        "/bin/busybox",
        chains.take(7, OptionalLong.of(ROOT_FS), OptionalLong.of(11)).orElseThrow().path());
    assertEquals(1, chains.skipped());
    // a file it never opened: nothing taken, nothing dropped
    assertEquals(Optional.empty(), chains.take(7, OptionalLong.of(ROOT_FS), OptionalLong.of(99)));
    assertEquals("/usr/bin/cat", chains.take(7, NONE, NONE).orElseThrow().path());
    assertEquals(0, chains.pids());
  }

  @Test
  void aLoaderTakenAlreadyIsStillRecognised() {
    ExecChains chains = new ExecChains(16, 8);
    chains.opened(7, file("/usr/bin/cat", 12, ExecHeader.Kind.DYNAMIC_ELF), 1);
    assertEquals("/usr/bin/cat", chains.take(7, NONE, NONE).orElseThrow().path());
    chains.opened(7, file("/lib/ld.so", 13, ExecHeader.Kind.LOADER_ELF), 2);
    assertEquals(Optional.empty(), chains.take(7, NONE, NONE));
  }

  @Test
  void aStaticProgramAfterAMergedLoaderIsANewExec() {
    ExecChains chains = new ExecChains(16, 8);
    chains.opened(7, file("/usr/bin/dash", 12, ExecHeader.Kind.DYNAMIC_ELF), 1);
    chains.opened(7, file("/bin/busybox", 11, ExecHeader.Kind.STATIC_ELF), 2);
    assertEquals("/usr/bin/dash", chains.take(7, NONE, NONE).orElseThrow().path());
    assertEquals("/bin/busybox", chains.take(7, NONE, NONE).orElseThrow().path());
  }

  @Test
  void chainsReadBeforeAForkOrExitOfThePidAreAnotherProcesss() {
    ExecChains chains = new ExecChains(16, 8);
    chains.opened(7, file("/tmp/old", 20, ExecHeader.Kind.STATIC_ELF), 100);
    chains.opened(7, file("/usr/bin/cat", 12, ExecHeader.Kind.DYNAMIC_ELF), 150);
    chains.forgetBefore(7, 200); // the old process exited at 200; cat's loader never came
    chains.opened(
        7,
        file("/lib/ld.so", 13, ExecHeader.Kind.LOADER_ELF),
        300); // a new process runs the loader
    chains.forgetBefore(
        7, 250); // the new process's fork, handled late: keeps what was read after it
    assertEquals(2, chains.evicted());
    assertEquals("/lib/ld.so", chains.take(7, NONE, NONE).orElseThrow().path());
  }

  @Test
  void boundedInPidsAndInChainsPerPid() {
    ExecChains chains = new ExecChains(2, 2);
    for (int i = 0; i < 3; i++) {
      chains.opened(1, file("/bin/p" + i, i, ExecHeader.Kind.STATIC_ELF), i);
    }
    assertEquals(1, chains.evicted());
    chains.opened(2, file("/bin/q", 9, ExecHeader.Kind.STATIC_ELF), 5);
    chains.opened(3, file("/bin/r", 10, ExecHeader.Kind.STATIC_ELF), 6); // pid 1 goes: 2 chains
    assertEquals(3, chains.evicted());
    assertEquals(2, chains.pids());
    assertEquals(Optional.empty(), chains.take(1, NONE, NONE));
    assertEquals("/bin/r", chains.take(3, NONE, NONE).orElseThrow().path());
  }

  private static OpenedExec file(String path, long inode, ExecHeader.Kind kind) {
    return new OpenedExec(path, ROOT_FS, inode, Optional.empty(), kind);
  }

  /** The recording's events in order, each read at its own time. */
  private static ExecChains replay(String name) throws IOException {
    ExecChains chains = new ExecChains(1024, 8);
    long t = 0;
    for (String line :
        new String(ExecHeaderTest.fixture(name), StandardCharsets.UTF_8).split("\n")) {
      String[] f = line.split("\t");
      if (f.length != 5) {
        continue; // the command's own output
      }
      chains.opened(
          Integer.parseInt(f[0]),
          new OpenedExec(
              f[4],
              Long.parseLong(f[2]),
              Long.parseLong(f[3]),
              Optional.empty(),
              ExecHeader.Kind.valueOf(f[1])),
          ++t);
    }
    return chains;
  }

  /** Every program the pid's execs ran, oldest first, taken. */
  private static List<String> programs(ExecChains chains, int pid) {
    List<String> out = new ArrayList<>();
    for (Optional<ExecFile> f = chains.take(pid, NONE, NONE);
        f.isPresent();
        f = chains.take(pid, NONE, NONE)) {
      out.add(f.get().path());
    }
    return out;
  }
}
