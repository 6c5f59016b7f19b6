package dev.dockward.proc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcStatusParserTest {
  @Test
  void parsesRecordedStatusOfADefaultContainer() {
    String text = new String(ProcTree.resource("/proc/container-sleep/status"), UTF_8);
    assertEquals(new ProcStatus(0, 0, 0xa80425fbL), ProcStatusParser.parse(text).orElseThrow());
  }

  @Test
  void parsesRecordedStatusOfTheHostDaemon() {
    String text = new String(ProcTree.resource("/proc/host-dockerd/status"), UTF_8);
    assertEquals(new ProcStatus(0, 0, 0x1fffeffffffL), ProcStatusParser.parse(text).orElseThrow());
  }

  @Test
  void realAndEffectiveUidAreTheFirstTwoColumns() {
    String text = "Name:\tsu\nUid:\t1234\t0\t0\t0\nCapEff:\t0000003ffeffffff\n";
    assertEquals(
        new ProcStatus(1234, 0, 0x3ffeffffffL), ProcStatusParser.parse(text).orElseThrow());
  }

  @Test
  void fullCapabilityMaskWithTheTopBitSetIsKept() {
    String text = "Uid:\t0\t0\t0\t0\nCapEff:\tffffffffffffffff\n";
    assertEquals(-1L, ProcStatusParser.parse(text).orElseThrow().capEff());
  }

  @Test
  void missingOrMalformedFieldsAreAParseFailure() {
    assertTrue(ProcStatusParser.parse("Uid:\t0\t0\t0\t0\n").isEmpty(), "no CapEff");
    assertTrue(ProcStatusParser.parse("CapEff:\t0000000000000000\n").isEmpty(), "no Uid");
    assertTrue(
        ProcStatusParser.parse("Uid:\t0\t0\t0\t0\nCapEff:\txyz\n").isEmpty(), "CapEff not hex");
    assertTrue(ProcStatusParser.parse("Uid:\t0\nCapEff:\t0\n").isEmpty(), "one uid column");
    assertTrue(ProcStatusParser.parse("").isEmpty());
  }

  @Test
  void uidAboveTheIntRangeIsAParseFailureNotANegativeUid() {
    assertTrue(ProcStatusParser.parse("Uid:\t4294967294\t0\t0\t0\nCapEff:\t0\n").isEmpty());
  }
}
