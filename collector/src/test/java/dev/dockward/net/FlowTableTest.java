package dev.dockward.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FlowTableTest {
  private static final long T0 = 1_790_000_000_000L;
  private static List<FrameFacts> recorded;
  private final List<FlowRecord> reports = new ArrayList<>();

  @BeforeAll
  static void load() throws Exception {
    FrameParser parser = new FrameParser();
    recorded = new ArrayList<>();
    for (byte[] frame : Frames.load("docker0-tcp-icmp-arp-mld.hex")) {
      recorded.add(
          parser.parse(ByteBuffer.wrap(frame), 0, frame.length, frame.length).orElseThrow());
    }
  }

  private static FlowTable table(int maxFlows) {
    return new FlowTable(
        new FlowTable.Settings(
            maxFlows, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(2)));
  }

  @Test
  void recordedSessionGivesOneFlowPerConversationFromTheClient() {
    FlowTable table = table(100);
    for (int i = 0; i < recorded.size(); i++) {
      table.observe(recorded.get(i), "docker0", T0 + i, reports::add);
    }
    // MLD (ICMPv6), TCP 8080, ICMP echo, TCP 9: ARP is no flow.
    assertEquals(4, reports.size());
    FlowRecord tcp = reports.stream().filter(r -> r.dstPort() == 8080).findFirst().orElseThrow();
    assertEquals(FlowRecord.State.START, tcp.state());
    assertEquals("172.17.0.3", tcp.src().toString());
    assertEquals(48440, tcp.srcPort());
    assertEquals("tcp", tcp.protocolName());
    assertEquals(5L, table.counters().get("frames_not_flow"));

    reports.clear();
    table.sweep(T0 + 19 + 2_000, reports::add);
    // The two TCP flows closed (FIN both ways; RST) and ended after the linger; the others wait.
    assertEquals(2, reports.size());
    FlowRecord end = reports.stream().filter(r -> r.dstPort() == 8080).findFirst().orElseThrow();
    assertEquals(Optional.of(FlowRecord.EndReason.CLOSED), end.endReason());
    assertEquals(5, end.packetsOut());
    assertEquals(4, end.packetsIn());
    assertEquals(List.of("fin", "syn", "psh", "ack"), FlowRecord.flagNames(end.tcpFlagsOut()));
    assertEquals(74 + 66 + 68 + 66 + 66, end.bytesOut());
    FlowRecord refused = reports.stream().filter(r -> r.dstPort() == 9).findFirst().orElseThrow();
    assertEquals(List.of("rst", "ack"), FlowRecord.flagNames(refused.tcpFlagsIn()));
    assertEquals(2, table.size());
  }

  @Test
  void aFirstPacketWithSynAndAckIsTheServersReply() {
    FlowTable table = table(100);
    table.observe(recorded.get(5), "docker0", T0, reports::add); // SYN-ACK 172.17.0.2:8080 -> .3
    FlowRecord start = reports.get(0);
    assertEquals("172.17.0.3", start.src().toString());
    assertEquals(8080, start.dstPort());
    assertEquals(0, start.packetsOut());
    assertEquals(1, start.packetsIn());
    assertEquals(recorded.get(5).dstMac(), start.srcMac());
  }

  @Test
  void idleFlowsEndAndLongOnesReportUpdates() {
    FlowTable table = table(100);
    table.observe(recorded.get(13), "docker0", T0, reports::add); // ICMP echo request
    reports.clear();
    table.sweep(T0 + 10_000, reports::add);
    assertEquals(FlowRecord.State.UPDATE, reports.get(0).state());
    table.observe(recorded.get(14), "docker0", T0 + 12_000, reports::add);
    table.sweep(T0 + 12_000 + 29_999, reports::add);
    assertEquals(2, reports.size()); // one more update, no end yet
    table.sweep(T0 + 12_000 + 30_000, reports::add);
    FlowRecord end = reports.get(reports.size() - 1);
    assertEquals(Optional.of(FlowRecord.EndReason.IDLE), end.endReason());
    assertEquals(1, end.packetsIn());
    assertEquals(0, table.size());
  }

  @Test
  void aFullTableEvictsTheFlowSeenLeastRecently() {
    FlowTable table = table(2);
    table.observe(recorded.get(0), "docker0", T0, reports::add); // MLD flow
    table.observe(recorded.get(4), "docker0", T0 + 1, reports::add); // TCP 8080
    table.observe(
        recorded.get(1), "docker0", T0 + 2, reports::add); // MLD again: now the most recent
    table.observe(recorded.get(13), "docker0", T0 + 3, reports::add); // ICMP: evicts TCP 8080
    FlowRecord evicted =
        reports.stream().filter(r -> r.state() == FlowRecord.State.END).findFirst().orElseThrow();
    assertEquals(8080, evicted.dstPort());
    assertEquals(Optional.of(FlowRecord.EndReason.EVICTED), evicted.endReason());
    assertEquals(1L, table.counters().get("flows_evicted"));
    assertEquals(2, table.size());
  }

  @Test
  void memoryStaysBoundedUnderAFloodOfNewFlows() {
    FlowTable table = table(1_000);
    long[] ends = {0};
    for (int i = 0; i < 50_000; i++) {
      FrameFacts f =
          new FrameFacts(
              1,
              2,
              -1,
              0x0800,
              FrameFacts.Layer3.IPV4,
              IpAddress.v4(0x0a000001 + i),
              IpAddress.v4(0x0a0000ff),
              FrameFacts.UDP,
              1000 + (i % 50_000),
              53,
              0,
              -1,
              -1,
              -1,
              false,
              false,
              60);
      table.observe(f, "br-x", T0 + i, r -> ends[0] += r.state() == FlowRecord.State.END ? 1 : 0);
    }
    assertEquals(1_000, table.size());
    assertEquals(49_000L, ends[0]);
    assertEquals(49_000L, table.counters().get("flows_evicted"));
  }
}
