package dev.dockward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The link each recorded call made (resources/audit/README.md says what was run). */
class AuditLinksTest {
  private static AuditLinks.Link link(long serial) {
    AuditCallAssembler assembler = new AuditCallAssembler(100);
    List<AuditCall> calls = new ArrayList<>();
    for (AuditRecord r : AuditRecords.load("container-links.records")) {
      assembler.accept(r).ifPresent(calls::add);
    }
    AuditCall c = calls.stream().filter(x -> x.serial() == serial).findFirst().orElseThrow();
    return AuditLinks.of(c).orElseThrow(() -> new AssertionError("no link in " + c));
  }

  @Test
  void anAbsoluteSymlink() {
    assertEquals(
        new AuditLinks.Link(
            "symbolic", "symlink", "/tmp/s1", "/etc/shadow", "/tmp/s1", "/etc/shadow"),
        link(60200));
  }

  @Test
  void aRelativeSymlinkTargetIsResolvedAgainstTheLinksDirectory() {
    assertEquals(
        new AuditLinks.Link(
            "symbolic", "symlinkat", "/tmp/s2", "/etc/passwd", "s2", "../etc/passwd"),
        link(60201));
  }

  @Test
  void aHardLinkNamesTheExistingFile() {
    assertEquals(
        new AuditLinks.Link("hard", "link", "/tmp/h1", "/etc/shadow", "/tmp/h1", "/etc/shadow"),
        link(60252));
    assertEquals(
        new AuditLinks.Link("hard", "link", "/tmp/h9", "/etc/shadow", "/tmp/h9", "/etc/shadow"),
        link(60255));
  }

  @Test
  void aNameRelativeToADirectoryDescriptorIsNotResolved() {
    // linkat(AT_FDCWD, "../etc/shadow", fd, "h2"): the old name is from the cwd, the new one from
    // fd
    assertEquals(
        new AuditLinks.Link("hard", "linkat", "", "/etc/shadow", "h2", "../etc/shadow"),
        link(60253));
    // symlinkat("/etc/shadow", fd, "s3"): an absolute target needs no directory
    assertEquals(
        new AuditLinks.Link("symbolic", "symlinkat", "", "/etc/shadow", "s3", "/etc/shadow"),
        link(60254));
  }

  @Test
  void aRelativeTargetOfALinkWithoutAKnownDirectoryStaysUnresolved() {
    AuditCall c =
        new AuditCall(
            0,
            1,
            AuditCall.Call.SYMLINKAT,
            10,
            1,
            OptionalInt.of(0),
            OptionalInt.of(0),
            "x",
            "/x",
            List.of("4000", "3", "4010", "0"),
            0,
            "/tmp",
            List.of(
                new AuditCall.Item("/tmp", 5, "PARENT"),
                new AuditCall.Item("shadow", -1, "UNKNOWN"),
                new AuditCall.Item("s4", 6, "CREATE")));
    assertEquals(
        Optional.of(new AuditLinks.Link("symbolic", "symlinkat", "", "", "s4", "shadow")),
        AuditLinks.of(c));
  }

  @Test
  void traceMeIsNoLink() {
    AuditCall c =
        new AuditCall(
            0,
            1,
            AuditCall.Call.PTRACE_TRACEME,
            10,
            1,
            OptionalInt.of(0),
            OptionalInt.of(0),
            "x",
            "/x",
            List.of("0", "0", "0", "0"),
            0,
            "",
            List.of());
    assertEquals(Optional.empty(), AuditLinks.of(c));
  }

  @Test
  void normalisingStaysAtTheRoot() {
    assertEquals("/etc/shadow", AuditLinks.normalise("/tmp/../../../etc/./shadow"));
    assertEquals("/", AuditLinks.normalise("/.."));
    assertEquals("/a/b", AuditLinks.normalise("//a//b/"));
  }
}
