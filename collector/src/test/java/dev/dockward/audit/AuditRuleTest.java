package dev.dockward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditRuleTest {
  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
  }

  @Test
  void theRuleIsWhatAuditctlSendsForOurLine() {
    byte[] rule = AuditRule.execRule(AuditRule.Arch.B64);
    ByteBuffer b = le(rule);
    assertEquals(1040 + 8, rule.length, "struct audit_rule_data (1,040 bytes) and the key");
    assertEquals(0x04, b.getInt(0), "exit list");
    assertEquals(2, b.getInt(4), "always");
    assertEquals(2, b.getInt(8), "two fields");
    assertEquals(1 << (59 - 32), b.getInt(12 + 4), "execve is bit 27 of mask word 1");
    assertEquals(1 << (322 - 320), b.getInt(12 + 4 * 10), "execveat is bit 2 of mask word 10");
    assertEquals(11, b.getInt(268), "field 0: arch");
    assertEquals(0xc000003e, b.getInt(268 + 256), "x86_64");
    assertEquals(210, b.getInt(272), "field 1: key");
    assertEquals(8, b.getInt(272 + 256), "its length");
    assertEquals(0x40000000, b.getInt(268 + 512), "equal");
    assertEquals(8, b.getInt(1036), "buflen");
    assertEquals("dockward", new String(rule, 1040, 8, StandardCharsets.US_ASCII));
  }

  @Test
  void ourRuleIsRecognisedInAListing() {
    byte[] listed = AuditRule.execRule(AuditRule.Arch.B64);
    assertTrue(AuditRule.isOurs(listed, AuditRule.Arch.B64));
  }

  @Test
  void the32BitRuleHasItsOwnArchAndSyscallNumbers() {
    byte[] rule = AuditRule.execRule(AuditRule.Arch.B32);
    ByteBuffer b = le(rule);
    assertEquals(1 << 11, b.getInt(12), "execve is 11 on i386: bit 11 of mask word 0");
    assertEquals(1 << (358 - 352), b.getInt(12 + 4 * 11), "execveat is 358: bit 6 of mask word 11");
    assertEquals(0x40000003, b.getInt(268 + 256), "AUDIT_ARCH_I386");
    assertTrue(AuditRule.isOurs(rule, AuditRule.Arch.B32));
    assertFalse(
        AuditRule.isOurs(rule, AuditRule.Arch.B64),
        "one arch's rule does not stand for the other's");
    assertFalse(AuditRule.isOurs(AuditRule.execRule(AuditRule.Arch.B64), AuditRule.Arch.B32));
  }

  @Test
  void anotherKeyOrAnotherSyscallIsNotOurs() {
    byte[] otherKey = AuditRule.execRule(AuditRule.Arch.B64);
    System.arraycopy("auditd-x".getBytes(StandardCharsets.US_ASCII), 0, otherKey, 1040, 8);
    assertFalse(AuditRule.isOurs(otherKey, AuditRule.Arch.B64));
    byte[] noExecve = AuditRule.execRule(AuditRule.Arch.B64);
    le(noExecve).putInt(12 + 4, 0);
    assertFalse(AuditRule.isOurs(noExecve, AuditRule.Arch.B64));
    byte[] neverRule = AuditRule.execRule(AuditRule.Arch.B64);
    le(neverRule).putInt(4, 0);
    assertFalse(AuditRule.isOurs(neverRule, AuditRule.Arch.B64));
    assertFalse(AuditRule.isOurs(new byte[100], AuditRule.Arch.B64));
  }

  @Test
  void aKeyAfterAnotherStringFieldIsFound() {
    // -F exe=/bin/x (field 112, 6 bytes of text) before the key: the key's text follows it in buf
    byte[] base = AuditRule.execRule(AuditRule.Arch.B64);
    ByteBuffer b = ByteBuffer.allocate(1040 + 6 + 8).order(ByteOrder.nativeOrder());
    b.put(base, 0, 1040);
    b.putInt(8, 3);
    b.putInt(268 + 8, 210).putInt(268 + 256 + 8, 8);
    b.putInt(268 + 4, 112).putInt(268 + 256 + 4, 6);
    b.putInt(1036, 14);
    b.position(1040);
    b.put("/bin/x".getBytes(StandardCharsets.US_ASCII))
        .put("dockward".getBytes(StandardCharsets.US_ASCII));
    assertTrue(AuditRule.isOurs(b.array(), AuditRule.Arch.B64));
  }

  @Test
  void statusIsReadFromTheKernelsLayout() {
    ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.nativeOrder());
    b.putInt(0).putInt(1).putInt(1).putInt(4242).putInt(0).putInt(8192).putInt(-1).putInt(3);
    AuditStatus s = AuditStatus.parse(b.array(), 0, 44).orElseThrow();
    assertEquals(new AuditStatus(1, 1, 4242, 0, 8192, 4_294_967_295L, 3), s, "lost is unsigned");
    assertTrue(AuditStatus.parse(b.array(), 0, 20).isEmpty());
    ByteBuffer set = le(AuditStatus.set(AuditStatus.MASK_PID, 0, 77, 0));
    assertEquals(AuditStatus.MASK_PID, set.getInt(0));
    assertEquals(77, set.getInt(12));
  }

  @Test
  void aRecordSentToTheAuditPidHasItsLengthWithoutTheHeader() {
    byte[] text = "audit(1796651817.278:377): ".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(16 + text.length).order(ByteOrder.nativeOrder());
    b.putInt(text.length).putShort((short) 1320).putShort((short) 0).putInt(0).putInt(0).put(text);
    var messages = AuditSocket.messages(b.array(), b.capacity());
    assertEquals(1, messages.size());
    assertEquals(text.length, messages.get(0).length(), "the whole text, not 16 bytes less");
    ByteBuffer multicast = ByteBuffer.allocate(16 + text.length).order(ByteOrder.nativeOrder());
    multicast
        .putInt(16 + text.length)
        .putShort((short) 1320)
        .putShort((short) 0)
        .putInt(0)
        .putInt(0)
        .put(text);
    assertEquals(
        text.length, AuditSocket.messages(multicast.array(), multicast.capacity()).get(0).length());
  }

  @Test
  void datagramsSplitIntoMessages() {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
    b.putInt(0, 20).putShort(4, (short) 1320).putInt(8, 0);
    b.putInt(20, 0); // padding to 4
    b.putInt(20, 36).putShort(24, (short) 2).putInt(28, 9);
    var messages = AuditSocket.messages(b.array(), 56);
    assertEquals(2, messages.size());
    assertEquals(1320, messages.get(0).type());
    assertEquals(4, messages.get(0).length());
    assertEquals(2, messages.get(1).type());
    assertEquals(9, messages.get(1).seq());
    assertEquals(20, messages.get(1).length(), "never past the datagram");
  }

  @Test
  void theLinkRuleAuditsTheFourLinkCallsOnSuccessOnly() {
    byte[] rule = AuditRule.rule(AuditRule.Kind.LINK, AuditRule.Arch.B64);
    ByteBuffer b = le(rule);
    assertEquals(3, b.getInt(8), "arch, success, key");
    assertEquals(
        1 << (86 - 64) | 1 << (88 - 64), b.getInt(12 + 4 * 2), "link 86 and symlink 88: word 2");
    assertEquals(
        1 << (265 - 256) | 1 << (266 - 256),
        b.getInt(12 + 4 * 8),
        "linkat 265 and symlinkat 266: word 8");
    assertEquals(0, b.getInt(12 + 4), "no execve");
    assertEquals(104, b.getInt(268 + 4), "field 1: success");
    assertEquals(1, b.getInt(268 + 256 + 4), "= 1");
    assertEquals(210, b.getInt(268 + 8), "field 2: key");
    assertEquals("dockward", new String(rule, 1040, 8, StandardCharsets.US_ASCII));
    assertTrue(AuditRule.isOurs(rule, AuditRule.Kind.LINK, AuditRule.Arch.B64));
    assertFalse(
        AuditRule.isOurs(rule, AuditRule.Kind.EXEC, AuditRule.Arch.B64), "not the exec rule");
    assertFalse(AuditRule.isOurs(rule, AuditRule.Arch.B64), "not the exec rule");
    assertFalse(
        AuditRule.isOurs(
            AuditRule.execRule(AuditRule.Arch.B64), AuditRule.Kind.LINK, AuditRule.Arch.B64));
  }

  @Test
  void theTraceMeRuleAuditsPtraceWithRequestZero() {
    byte[] rule = AuditRule.rule(AuditRule.Kind.TRACEME, AuditRule.Arch.B64);
    ByteBuffer b = le(rule);
    assertEquals(1 << (101 - 96), b.getInt(12 + 4 * 3), "ptrace 101: bit 5 of word 3");
    assertEquals(200, b.getInt(268 + 4), "field 1: a0");
    assertEquals(0, b.getInt(268 + 256 + 4), "= 0 (PTRACE_TRACEME)");
    assertEquals(0x40000000, b.getInt(268 + 512 + 4), "equal");
    assertTrue(AuditRule.isOurs(rule, AuditRule.Kind.TRACEME, AuditRule.Arch.B64));
    byte[] b32 = AuditRule.rule(AuditRule.Kind.TRACEME, AuditRule.Arch.B32);
    assertEquals(1 << 26, le(b32).getInt(12), "ptrace is 26 on i386");
    assertTrue(AuditRule.isOurs(b32, AuditRule.Kind.TRACEME, AuditRule.Arch.B32));
    assertFalse(AuditRule.isOurs(b32, AuditRule.Kind.TRACEME, AuditRule.Arch.B64));
  }

  @Test
  void thePacketSocketRuleIsSocketWithSuccessAndFamilyAfPacket() {
    // auditctl -a always,exit -F arch=b64 -S socket -F success=1 -F a0=17 -k dockward
    byte[] rule = AuditRule.rule(AuditRule.Kind.PACKET, AuditRule.Arch.B64);
    ByteBuffer b = le(rule);
    assertEquals(4, b.getInt(8), "arch, success, a0, key");
    assertEquals(1 << (41 - 32), b.getInt(12 + 4), "socket is 41 on x86_64: bit 9 of mask word 1");
    assertEquals(104, b.getInt(268 + 4), "field 1: success");
    assertEquals(1, b.getInt(268 + 256 + 4));
    assertEquals(200, b.getInt(268 + 8), "field 2: a0");
    assertEquals(17, b.getInt(268 + 256 + 8), "AF_PACKET");
    assertEquals(0x40000000, b.getInt(268 + 512 + 8), "equal");
    assertTrue(AuditRule.isOurs(rule, AuditRule.Kind.PACKET, AuditRule.Arch.B64));
    assertFalse(AuditRule.isOurs(rule, AuditRule.Kind.TRACEME, AuditRule.Arch.B64));
    byte[] b32 = AuditRule.rule(AuditRule.Kind.PACKET, AuditRule.Arch.B32);
    assertEquals(
        1 << (359 - 352),
        le(b32).getInt(12 + 4 * 11),
        "socket is 359 on i386: bit 7 of mask word 11");
  }

  @Test
  void theStdioDupRuleIsDup2AndDup3WithSuccessAndA1AtMostTwo() {
    // auditctl -a always,exit -F arch=b64 -S dup2,dup3 -F success=1 -F a1<=2 -k dockward
    byte[] rule = AuditRule.rule(AuditRule.Kind.STDIO_DUP, AuditRule.Arch.B64);
    ByteBuffer b = le(rule);
    assertEquals(4, b.getInt(8), "arch, success, a1, key");
    assertEquals(
        1 << (33 - 32), b.getInt(12 + 4) & (1 << 1), "dup2 is 33 on x86_64: bit 1 of mask word 1");
    assertEquals(1 << (292 - 288), b.getInt(12 + 4 * 9), "dup3 is 292: bit 4 of mask word 9");
    assertEquals(201, b.getInt(268 + 8), "field 2: a1");
    assertEquals(2, b.getInt(268 + 256 + 8));
    assertEquals(0x50000000, b.getInt(268 + 512 + 8), "less than or equal");
    assertEquals(0x40000000, b.getInt(268 + 512 + 4), "success is an equality");
    assertTrue(AuditRule.isOurs(rule, AuditRule.Kind.STDIO_DUP, AuditRule.Arch.B64));
    byte[] b32 = AuditRule.rule(AuditRule.Kind.STDIO_DUP, AuditRule.Arch.B32);
    assertEquals(
        1 << (63 - 32), le(b32).getInt(12 + 4), "dup2 is 63 on i386: bit 31 of mask word 1");
    assertEquals(
        1 << (330 - 320), le(b32).getInt(12 + 4 * 10), "dup3 is 330: bit 10 of mask word 10");
  }

  @Test
  void aReadWatchIsWhatAuditctlSendsForMinusWMinusPR() {
    String path = "/proc/4242/root/etc/shadow";
    byte[] rule = AuditRule.watch(path);
    ByteBuffer b = le(rule);
    assertEquals(1040 + path.length() + 8, rule.length, "the path, then the key, in buf");
    assertEquals(0x04, b.getInt(0), "exit list");
    assertEquals(2, b.getInt(4), "always");
    assertEquals(3, b.getInt(8), "three fields");
    assertEquals(0xffffffff, b.getInt(12), "every syscall: the kernel narrows a watch by -p");
    assertEquals(105, b.getInt(268), "field 0: watch");
    assertEquals(path.length(), b.getInt(268 + 256), "its length");
    assertEquals(106, b.getInt(272), "field 1: perm");
    assertEquals(4, b.getInt(272 + 256), "read");
    assertEquals(210, b.getInt(276), "field 2: key");
    assertEquals(0x40000000, b.getInt(276 + 512), "equal");
    assertEquals(path.length() + 8, b.getInt(1036), "buflen");
    assertEquals(path, new String(rule, 1040, path.length(), StandardCharsets.UTF_8));
  }

  @Test
  void aListedWatchOfOursGivesItsPathAndNothingElseDoes() {
    assertEquals(Optional.of("/etc/gshadow"), AuditRule.ourWatch(AuditRule.watch("/etc/gshadow")));
    assertEquals(Optional.empty(), AuditRule.ourWatch(AuditRule.execRule(AuditRule.Arch.B64)));
    byte[] theirs = AuditRule.watch("/etc/shadow");
    int keyAt = theirs.length - 8;
    System.arraycopy("auditd-x".getBytes(StandardCharsets.US_ASCII), 0, theirs, keyAt, 8);
    assertEquals(Optional.empty(), AuditRule.ourWatch(theirs), "another key's watch");
    assertFalse(
        AuditRule.isOurs(AuditRule.watch("/etc/shadow"), AuditRule.Arch.B64),
        "a watch (every syscall, no arch) is not taken for the exec rule");
  }

  @Test
  void aWatchNeedsAnAbsolutePathWithoutTrailingSlash() {
    assertThrows(IllegalArgumentException.class, () -> AuditRule.watch("etc/shadow"));
    assertThrows(IllegalArgumentException.class, () -> AuditRule.watch("/etc/"));
  }
}
