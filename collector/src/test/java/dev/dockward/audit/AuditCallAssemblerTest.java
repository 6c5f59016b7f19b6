package dev.dockward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Link and PTRACE_TRACEME calls from records recorded on this project's machine
 * (resources/audit/README.md).
 */
class AuditCallAssemblerTest {
  private final AuditCallAssembler assembler = new AuditCallAssembler(100);

  private List<AuditCall> feed() {
    List<AuditCall> out = new ArrayList<>();
    for (AuditRecord r : AuditRecords.load("container-links.records")) {
      assembler.accept(r).ifPresent(out::add);
    }
    return out;
  }

  private static AuditCall bySerial(List<AuditCall> calls, long serial) {
    return calls.stream()
        .filter(c -> c.serial() == serial)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no call with serial " + serial + " in " + calls));
  }

  @Test
  void everySuccessfulCallIsAssembledAndTheFailedOnesAreNot() {
    List<AuditCall> calls = feed();
    assertEquals(
        List.of(60147L, 60189L, 60200L, 60201L, 60204L, 60205L, 60252L, 60253L, 60254L, 60255L),
        calls.stream().map(AuditCall::serial).toList(),
        "60202 and 60203 failed (exit=-2)");
    assertEquals(0, assembler.evicted());
  }

  @Test
  void aSymlinkCarriesItsTargetTextAndNewName() {
    AuditCall c = bySerial(feed(), 60200);
    assertEquals(AuditCall.Call.SYMLINK, c.call());
    assertEquals(23828, c.pid());
    assertEquals(23799, c.ppid());
    assertEquals(OptionalInt.of(0), c.uid());
    assertEquals("links", c.comm());
    assertEquals("/x/links", c.exe());
    assertEquals("/tmp", c.cwd());
    assertEquals(
        List.of(
            new AuditCall.Item("/tmp/", 1622236, "PARENT"),
            new AuditCall.Item("/etc/shadow", -1, "UNKNOWN"),
            new AuditCall.Item("/tmp/s1", 1622254, "CREATE")),
        c.items());
  }

  @Test
  void traceMeIsTheSyscallRecordAlone() {
    AuditCall c = bySerial(feed(), 60204);
    assertEquals(AuditCall.Call.PTRACE_TRACEME, c.call());
    assertEquals(23829, c.pid());
    assertEquals(23799, c.ppid());
    assertEquals("traceme", c.comm());
    assertEquals(List.of(), c.items());
    assertEquals("", c.cwd());
  }

  @Test
  void callsAreToldBySyscallNumberPerArchAndAPtraceOnlyWithRequestZero() {
    assertEquals(
        Optional.of(AuditCall.Call.LINKAT), AuditCallAssembler.call("c000003e", "265", "ffffff9c"));
    assertEquals(
        Optional.of(AuditCall.Call.SYMLINK), AuditCallAssembler.call("40000003", "83", "0"));
    assertEquals(
        Optional.of(AuditCall.Call.PTRACE_TRACEME), AuditCallAssembler.call("40000003", "26", "0"));
    assertEquals(
        Optional.empty(),
        AuditCallAssembler.call("c000003e", "101", "10"),
        "PTRACE_ATTACH is not ours");
    assertEquals(
        Optional.empty(),
        AuditCallAssembler.call("c000003e", "59", "0"),
        "execve is the exec assembler's");
    assertEquals(
        Optional.empty(), AuditCallAssembler.call("c00000b7", "86", "0"), "another architecture");
    assertTrue(AuditCallAssembler.call("c000003e", "x", "0").isEmpty());
    assertEquals(
        Optional.of(AuditCall.Call.PACKET_SOCKET), AuditCallAssembler.call("c000003e", "41", "11"));
    assertEquals(
        Optional.of(AuditCall.Call.PACKET_SOCKET),
        AuditCallAssembler.call("40000003", "359", "11"));
    assertEquals(
        Optional.empty(),
        AuditCallAssembler.call("c000003e", "41", "2"),
        "an AF_INET socket is not ours");
    assertEquals(Optional.of(AuditCall.Call.DUP2), AuditCallAssembler.call("c000003e", "33", "3"));
    assertEquals(Optional.of(AuditCall.Call.DUP3), AuditCallAssembler.call("40000003", "330", "3"));
    assertEquals(
        Optional.empty(),
        AuditCallAssembler.call("c000003e", "32", "3"),
        "dup has no target: not ours");
  }

  @Test
  void theOldestOpenCallIsGivenUpPastTheBound() {
    AuditCallAssembler small = new AuditCallAssembler(1);
    List<AuditCall> out = new ArrayList<>();
    for (String line :
        List.of(
            "1300 audit(1.000:1): arch=c000003e syscall=101 success=yes exit=0 a0=0 a1=0 a2=0 a3=0 items=0 ppid=1 pid=10",
            "1300 audit(1.000:2): arch=c000003e syscall=101 success=yes exit=0 a0=0 a1=0 a2=0 a3=0 items=0 ppid=1 pid=11",
            "1320 audit(1.000:1): ",
            "1320 audit(1.000:2): ")) {
      int space = line.indexOf(' ');
      small
          .accept(
              AuditRecordParser.parse(
                      Integer.parseInt(line.substring(0, space)), line.substring(space + 1))
                  .orElseThrow())
          .ifPresent(out::add);
    }
    assertEquals(List.of(11), out.stream().map(AuditCall::pid).toList());
    assertEquals(1, small.evicted());
  }

  @Test
  void aPacketSocketCallCarriesItsArgumentsAndTheNewDescriptor() {
    // socket(AF_PACKET, SOCK_RAW|SOCK_CLOEXEC, htons(ETH_P_ALL)) = 3, as the kernel writes it
    List<AuditCall> out = new ArrayList<>();
    for (String line :
        List.of(
            "1300 audit(1796679012.345:7101): arch=c000003e syscall=41 success=yes exit=3 a0=11 a1=80003 a2=300 a3=0 "
                + "items=0 ppid=4100 pid=4188 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
                + "tty=(none) ses=4294967295 comm=\"packet\" exe=\"/x/packet\" key=\"dockward\"",
            "1300 audit(1796679012.346:7102): arch=c000003e syscall=41 success=no exit=-1 a0=11 a1=3 a2=300 a3=0 "
                + "items=0 ppid=4100 pid=4189 comm=\"packet\" exe=\"/x/packet\" key=\"dockward\"",
            "1320 audit(1796679012.345:7101): ",
            "1320 audit(1796679012.346:7102): ")) {
      AuditRecordParser.parse(Integer.parseInt(line.substring(0, 4)), line.substring(5))
          .flatMap(assembler::accept)
          .ifPresent(out::add);
    }
    assertEquals(1, out.size(), "the failed call is not ours");
    AuditCall c = out.get(0);
    assertEquals(AuditCall.Call.PACKET_SOCKET, c.call());
    assertEquals(3, c.exit());
    assertEquals(0x80003, c.argValue(1).getAsLong());
    assertEquals(
        "0003",
        AuditExecSource.protocol(c.argValue(2).getAsLong()),
        "ETH_P_ALL, as net/packet prints it");
    assertEquals("0800", AuditExecSource.protocol(0x8), "ETH_P_IP");
  }

  @Test
  void watchedOpensAreAssembledWithTheirNameAsPassedAndTheFailedOneIsNot() {
    List<AuditCall> calls = new ArrayList<>();
    for (AuditRecord r : AuditRecords.load("host-watched-opens.records")) {
      assembler.accept(r).ifPresent(calls::add);
    }
    assertEquals(
        List.of(2273882L, 2273883L, 2273884L),
        calls.stream().map(AuditCall::serial).toList(),
        "2273881 is a connect without our key; 2273885 was refused (exit=-13)");
    AuditCall relative = bySerial(calls, 2273883);
    assertEquals(AuditCall.Call.OPENAT, relative.call());
    assertEquals("/tmp/h-trav/a/b", relative.cwd());
    assertEquals(
        List.of(new AuditCall.Item("../../etc/shadow", 2205106, "NORMAL")), relative.items());
    assertEquals("ffffff9c", relative.arg(0));
    assertEquals(
        "../../etc/sha dow", bySerial(calls, 2273884).items().get(0).name(), "decoded from hex");
  }

  @Test
  void anOpenIsOursOnlyWithOurKey() {
    assertEquals(
        Optional.of(AuditCall.Call.OPENAT),
        AuditCallAssembler.openCall("c000003e", "257", "\"dockward\""));
    assertEquals(
        Optional.of(AuditCall.Call.OPEN),
        AuditCallAssembler.openCall("40000003", "5", "\"dockward\""));
    assertEquals(
        Optional.of(AuditCall.Call.OPENAT2),
        AuditCallAssembler.openCall("c000003e", "437", "\"dockward\""));
    assertEquals(
        Optional.empty(), AuditCallAssembler.openCall("c000003e", "257", "\"shadow-watch\""));
    assertEquals(Optional.empty(), AuditCallAssembler.openCall("c000003e", "257", "(null)"));
    assertEquals(
        Optional.empty(),
        AuditCallAssembler.openCall("40000003", "2", "\"dockward\""),
        "2 is fork on i386");
  }
}
