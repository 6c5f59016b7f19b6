package dev.dockward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The assembler over records recorded on this project's machine (see resources/audit/README.md).
 */
class AuditEventAssemblerTest {
  private final AuditEventAssembler assembler = new AuditEventAssembler(100);

  private List<AuditExec> feed(String fixture) {
    List<AuditExec> out = new ArrayList<>();
    for (AuditRecord r : AuditRecords.load(fixture)) {
      assembler.accept(r).ifPresent(out::add);
    }
    return out;
  }

  private static AuditExec bySerial(List<AuditExec> execs, long serial) {
    return execs.stream()
        .filter(e -> e.serial() == serial)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no exec with serial " + serial + " in " + execs));
  }

  @Test
  void everySuccessfulExecOfTheRecordingIsAssembledAndNothingElse() {
    List<AuditExec> execs = feed("container-execs.records");
    assertEquals(
        List.of(373L, 374L, 375L, 377L, 376L, 391L, 392L, 394L, 395L, 396L),
        execs.stream().map(AuditExec::serial).toList(),
        "in the order their EOE came: 376 ends after 377");
    assertEquals(17, assembler.failedExecs(), "370–372, 378–390 and 393 failed (exit=-2)");
    assertEquals(0, assembler.open());
    assertEquals(0, assembler.evicted());
  }

  @Test
  void aOneShotProcessInAContainerComesWhole() {
    AuditExec e = bySerial(feed("container-execs.records"), 377);
    assertEquals(31681, e.pid());
    assertEquals(31613, e.ppid());
    assertEquals(OptionalInt.of(0), e.uid());
    assertEquals(OptionalInt.of(0), e.euid());
    assertEquals("busybox", e.comm());
    assertEquals("/bin/busybox", e.exe());
    assertEquals(List.of("/bin/busybox", "true", "dwmark1"), e.argv());
    assertTrue(e.argvComplete());
    assertEquals(3, e.argc());
    assertEquals("/tmp", e.cwd());
    assertEquals(
        List.of(new AuditExec.PathItem("/bin/busybox", 1540127, "fe:00", "0100755")), e.paths());
    assertEquals("/bin/busybox true dwmark1", e.proctitle());
    assertEquals("dockward", e.key());
    assertEquals(1_796_651_817_278L, e.epochMillis());
  }

  @Test
  void hexArgumentsAreDecodedAndBytesThatAreNotUtf8Escaped() {
    AuditExec e = bySerial(feed("container-execs.records"), 392);
    assertEquals(List.of("/bin/busybox", "echo", "two words", "caf\\xe9"), e.argv());
  }

  @Test
  void aLongArgumentSplitOverSeveralRecordsIsJoined() {
    List<AuditExec> execs = feed("container-execs.records");
    AuditExec storm = bySerial(execs, 394);
    assertEquals(3, storm.argc());
    assertEquals("x".repeat(9000), storm.argv().get(2), "a2_len=18000 hex digits in three pieces");
    AuditExec shell = bySerial(execs, 374);
    assertEquals(List.of("/bin/sh", "-c"), shell.argv().subList(0, 2));
    String script = shell.argv().get(2);
    assertEquals(18352 / 2, script.length());
    assertTrue(script.startsWith("cd /tmp; /bin/busybox true dwmark1;"), script.substring(0, 40));
    assertTrue(
        script.endsWith("; exec /bin/busybox true dwmark2"),
        script.substring(script.length() - 40));
    assertEquals("/", shell.cwd());
  }

  @Test
  void aHostExecHasItsInterpreterAsSecondPath() {
    AuditExec e = bySerial(feed("host-exec-and-config.records"), 550);
    assertEquals(List.of("/bin/true", "dwhost1"), e.argv());
    assertEquals("/tmp/auditrec", e.cwd());
    assertEquals(
        List.of("/bin/true", "/lib64/ld-linux-x86-64.so.2"),
        e.paths().stream().map(AuditExec.PathItem::name).toList());
  }

  @Test
  void auditctlsOwnSyscallsWithConfigChangesAreNotExecs() {
    assertEquals(
        List.of(550L),
        feed("host-exec-and-config.records").stream().map(AuditExec::serial).toList());
    assertEquals(0, assembler.open());
  }

  @Test
  void aMissingPieceOfALongArgumentEndsItThere() {
    List<AuditRecord> all = AuditRecords.load("container-execs.records");
    AuditRecord middle =
        all.stream()
            .filter(
                r ->
                    r.serial() == 394
                        && r.type() == AuditRecord.EXECVE
                        && r.body().startsWith("a2[1]"))
            .findFirst()
            .orElseThrow();
    List<AuditExec> out = new ArrayList<>();
    all.stream().filter(r -> r != middle).forEach(r -> assembler.accept(r).ifPresent(out::add));
    AuditExec e = bySerial(out, 394);
    String firstPiece =
        AuditRecordParser.fields(
                all.stream()
                    .filter(
                        r ->
                            r.serial() == 394
                                && r.type() == AuditRecord.EXECVE
                                && r.body().startsWith("argc"))
                    .findFirst()
                    .orElseThrow()
                    .body())
            .get("a2[0]");
    assertEquals(
        firstPiece.length() / 2, e.argv().get(2).length(), "piece 0 only: piece 2 follows a gap");
    assertTrue(!e.argvComplete(), "marked incomplete");
  }

  @Test
  void argumentsStopAtTheFirstMissingOne() {
    AuditEventAssembler.Arguments args =
        AuditEventAssembler.arguments(Map.of("a0", "\"a\"", "a2", "\"c\""), 3);
    assertEquals(List.of("a"), args.argv());
    assertTrue(!args.complete());
  }

  @Test
  void eventsWhoseEndNeverComesAreBoundedAndCounted() {
    AuditEventAssembler small = new AuditEventAssembler(2);
    for (long serial = 1; serial <= 5; serial++) {
      small.accept(
          new AuditRecord(
              AuditRecord.SYSCALL,
              0,
              serial,
              "arch=c000003e syscall=59 success=yes exit=0 ppid=1 pid="
                  + (100 + serial)
                  + " uid=0 euid=0 comm=\"x\" exe=\"/x\""));
    }
    assertEquals(2, small.open());
    assertEquals(3, small.evicted());
    assertTrue(
        small.accept(new AuditRecord(AuditRecord.EOE, 0, 1, "")).isEmpty(),
        "serial 1 was given up");
    assertEquals(105, small.accept(new AuditRecord(AuditRecord.EOE, 0, 5, "")).orElseThrow().pid());
  }

  @Test
  void otherArchitecturesAndSyscallsAreIgnored() {
    assembler.accept(
        new AuditRecord(
            AuditRecord.SYSCALL, 0, 1, "arch=c00000b7 syscall=221 success=yes ppid=1 pid=2"));
    assembler.accept(
        new AuditRecord(
            AuditRecord.SYSCALL, 0, 2, "arch=c000003e syscall=44 success=yes ppid=1 pid=2"));
    assembler.accept(
        new AuditRecord(
            AuditRecord.SYSCALL, 0, 3, "arch=40000003 syscall=59 success=yes ppid=1 pid=2"));
    assertEquals(0, assembler.open(), "aarch64, sendto, and 59 under i386 (not its execve)");
  }

  @Test
  void aThirtyTwoBitExecIsAnExecToo() {
    assembler.accept(
        new AuditRecord(
            AuditRecord.SYSCALL,
            0,
            7,
            "arch=40000003 syscall=11 success=yes exit=0 ppid=1 pid=2 uid=0 euid=0 comm=\"x\" exe=\"/x32\""));
    assembler.accept(new AuditRecord(AuditRecord.EXECVE, 0, 7, "argc=1 a0=\"/x32\""));
    AuditExec e = assembler.accept(new AuditRecord(AuditRecord.EOE, 0, 7, "")).orElseThrow();
    assertEquals("/x32", e.exe());
    assertEquals(List.of("/x32"), e.argv());
  }
}
