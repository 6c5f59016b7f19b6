package dev.dockward.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcCgroupParserTest {
  private static final String RECORDED_ID =
      "d9dfbfe6ba5963c0c7c886ae6687c4623b748d72e2b3c5b1112c15f4636eeb49";

  @Test
  void parsesRecordedV1HybridFileOfAContainerProcess() {
    List<CgroupLine> lines =
        ProcCgroupParser.parse(CgroupFixtures.text("/proc/container-sleep/cgroup")).orElseThrow();
    assertEquals(10, lines.size());
    assertEquals(
        new CgroupLine(9, List.of("name=systemd"), "/docker/" + RECORDED_ID), lines.get(0));
    assertEquals(new CgroupLine(0, List.of(), "/docker/" + RECORDED_ID), lines.get(9));
    assertTrue(lines.get(9).isV2());
    assertFalse(lines.get(0).isV2());
  }

  @Test
  void parsesRecordedFileOfAHostProcessInTheVmSupervisorsMemoryGroup() {
    List<CgroupLine> lines =
        ProcCgroupParser.parse(CgroupFixtures.text("/proc/host-dockerd/cgroup")).orElseThrow();
    assertEquals(
        new CgroupLine(4, List.of("memory"), "/process_api/08880ba5d9fbbfd6da8344a125bf3194"),
        lines.get(5));
  }

  @Test
  void splitsCombinedControllers() {
    CgroupLine line = ProcCgroupParser.parse("3:cpu,cpuacct:/docker/x\n").orElseThrow().get(0);
    assertEquals(List.of("cpu", "cpuacct"), line.controllers());
  }

  @Test
  void pathMayContainColons() {
    CgroupLine line = ProcCgroupParser.parse("0::/odd:name/with:colons\n").orElseThrow().get(0);
    assertEquals("/odd:name/with:colons", line.path());
  }

  @Test
  void emptyFileGivesNoLines() {
    assertEquals(List.of(), ProcCgroupParser.parse("").orElseThrow());
  }

  @Test
  void malformedLineIsAParseFailure() {
    assertTrue(ProcCgroupParser.parse("0::/\ngarbage\n").isEmpty());
    assertTrue(ProcCgroupParser.parse("x:memory:/\n").isEmpty());
    assertTrue(ProcCgroupParser.parse("4:memory:relative\n").isEmpty());
  }
}
