package dev.dockward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AuditOpensTest {
  private static AuditCall call(AuditCall.Call c, String a0, String cwd, AuditCall.Item... items) {
    return new AuditCall(
        1L,
        7L,
        c,
        4100,
        4000,
        OptionalInt.of(0),
        OptionalInt.of(0),
        "cat",
        "/bin/busybox",
        List.of(a0, "7ffc", "0", "0"),
        3,
        cwd,
        List.of(items));
  }

  @Test
  void aRelativeNameIsKeptAsPassedAndResolvedAgainstTheWorkingDirectory() {
    AuditOpens.Open o =
        AuditOpens.of(
                call(
                    AuditCall.Call.OPENAT,
                    "ffffff9c",
                    "/usr/bin",
                    new AuditCall.Item("../../../etc/./shadow", 913, "NORMAL")))
            .orElseThrow();
    assertEquals("openat", o.call());
    assertEquals("../../../etc/./shadow", o.requestedPath());
    assertEquals(Optional.of("/etc/shadow"), o.path(), ".. stops at the root");
  }

  @Test
  void anAbsoluteNameIsNormalisedWhateverTheDescriptor() {
    AuditOpens.Open o =
        AuditOpens.of(
                call(
                    AuditCall.Call.OPENAT,
                    "3",
                    "/tmp",
                    new AuditCall.Item("/etc//ssh/../shadow", 913, "NORMAL")))
            .orElseThrow();
    assertEquals("/etc//ssh/../shadow", o.requestedPath());
    assertEquals(Optional.of("/etc/shadow"), o.path());
  }

  @Test
  void aNameRelativeToAnotherDescriptorIsNotResolved() {
    AuditOpens.Open o =
        AuditOpens.of(
                call(
                    AuditCall.Call.OPENAT,
                    "3",
                    "/tmp",
                    new AuditCall.Item("../etc/shadow", 913, "NORMAL")))
            .orElseThrow();
    assertEquals("../etc/shadow", o.requestedPath());
    assertEquals(Optional.empty(), o.path());
  }

  @Test
  void openTakesTheWorkingDirectoryAndAnOpenWithoutANameGivesNothing() {
    assertEquals(
        Optional.of("/root/.ssh/id_rsa"),
        AuditOpens.of(
                call(
                    AuditCall.Call.OPEN,
                    "7ffc",
                    "/root",
                    new AuditCall.Item(".ssh/id_rsa", 5, "NORMAL")))
            .orElseThrow()
            .path());
    assertEquals(Optional.empty(), AuditOpens.of(call(AuditCall.Call.OPENAT, "ffffff9c", "/tmp")));
    assertEquals(
        Optional.empty(),
        AuditOpens.of(
            call(AuditCall.Call.DUP2, "3", "/tmp", new AuditCall.Item("/etc/shadow", 1, "NORMAL"))),
        "not an open");
  }
}
