package dev.dockward.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditRecordParserTest {
  @Test
  void theStampGivesTimeAndSerial() {
    AuditRecord r =
        AuditRecordParser.parse(
                1309,
                "audit(1796651817.278:377): argc=3 a0=\"/bin/busybox\" a1=\"true\" a2=\"dwmark1\"")
            .orElseThrow();
    assertEquals(1309, r.type());
    assertEquals(1_796_651_817_278L, r.epochMillis());
    assertEquals(377, r.serial());
    assertEquals("argc=3 a0=\"/bin/busybox\" a1=\"true\" a2=\"dwmark1\"", r.body());
  }

  @Test
  void anEndOfEventHasAnEmptyBody() {
    AuditRecord r = AuditRecordParser.parse(1320, "audit(1796651817.278:377): ").orElseThrow();
    assertEquals("", r.body());
  }

  @Test
  void textWithoutAStampIsNotARecord() {
    assertTrue(AuditRecordParser.parse(1300, "arch=c000003e syscall=59").isEmpty());
    assertTrue(AuditRecordParser.parse(1300, "audit(17966x.278:377): a=1").isEmpty());
  }

  @Test
  void fieldsKeepQuotesAndOrder() {
    Map<String, String> f =
        AuditRecordParser.fields(
            "arch=c000003e syscall=59 success=yes comm=\"busybox\" exe=\"/bin/busybox\" key=(null)");
    assertEquals(
        List.of("arch", "syscall", "success", "comm", "exe", "key"), List.copyOf(f.keySet()));
    assertEquals("\"/bin/busybox\"", f.get("exe"));
    assertEquals("(null)", f.get("key"));
  }

  @Test
  void aQuotedValueMayHoldSpacesInUserRecords() {
    Map<String, String> f =
        AuditRecordParser.fields("pid=1 msg='op=start exe=\"/x y\" res=success' x=2");
    assertEquals("'op=start exe=\"/x y\" res=success'", f.get("msg"));
    assertEquals("2", f.get("x"));
  }

  @Test
  void untrustedStringsAreQuotedOrHex() {
    assertEquals("/bin/busybox", AuditRecordParser.untrusted("\"/bin/busybox\""));
    assertEquals("two words", AuditRecordParser.untrusted("74776F20776F726473"));
    assertEquals(
        "caf\\xe9",
        AuditRecordParser.untrusted("636166E9"),
        "Latin-1 é is not UTF-8: kept as an escape");
    assertEquals("", AuditRecordParser.untrusted("(null)"));
    assertArrayEquals(
        new byte[] {'c', 'a', 'f', (byte) 0xe9}, AuditRecordParser.untrustedBytes("636166E9"));
  }

  @Test
  void everyRecordedLineParses() {
    List<AuditRecord> records = AuditRecords.load("container-execs.records");
    assertEquals(AuditRecords.lines("container-execs.records").size(), records.size());
    assertEquals(370, records.get(0).serial());
  }
}
