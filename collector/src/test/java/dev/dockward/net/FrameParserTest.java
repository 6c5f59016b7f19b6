package dev.dockward.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FrameParserTest {
  private static List<byte[]> recorded;
  private final FrameParser parser = new FrameParser();

  @BeforeAll
  static void load() throws Exception {
    recorded = Frames.load("docker0-tcp-icmp-arp-mld.hex");
  }

  private FrameFacts parse(byte[] frame) {
    return parser.parse(ByteBuffer.wrap(frame), 0, frame.length, frame.length).orElseThrow();
  }

  @Test
  void recordedTcpSynFromOneContainerToAnother() {
    FrameFacts syn = parse(recorded.get(4));
    assertEquals(FrameFacts.Layer3.IPV4, syn.layer3());
    assertEquals("172.17.0.3", syn.src().toString());
    assertEquals("172.17.0.2", syn.dst().toString());
    assertEquals(FrameFacts.TCP, syn.protocol());
    assertEquals(48440, syn.srcPort());
    assertEquals(8080, syn.dstPort());
    assertEquals(FrameFacts.SYN, syn.tcpFlags());
    assertEquals("02:42:ac:11:00:03", FrameFacts.macText(syn.srcMac()));
    assertEquals("02:42:ac:11:00:02", FrameFacts.macText(syn.dstMac()));
    assertEquals(-1, syn.vlanId());
    FrameFacts synAck = parse(recorded.get(5));
    assertEquals(FrameFacts.SYN | FrameFacts.ACK, synAck.tcpFlags());
    assertEquals(8080, synAck.srcPort());
  }

  @Test
  void recordedRstAnswersASynToAClosedPort() {
    FrameFacts rst = parse(recorded.get(16));
    assertEquals(9, rst.srcPort());
    assertEquals(FrameFacts.RST | FrameFacts.ACK, rst.tcpFlags());
    assertEquals(54, rst.wireLength());
  }

  @Test
  void recordedIcmpEcho() {
    FrameFacts request = parse(recorded.get(13));
    assertEquals(FrameFacts.ICMP, request.protocol());
    assertEquals(8, request.icmpType());
    assertEquals(0, request.icmpCode());
    assertEquals(-1, request.srcPort());
    assertEquals(0, parse(recorded.get(14)).icmpType());
  }

  @Test
  void recordedArpRequestAndReply() {
    FrameFacts request = parse(recorded.get(2));
    assertEquals(FrameFacts.Layer3.ARP, request.layer3());
    assertEquals(1, request.arpOp());
    assertEquals("172.17.0.3", request.src().toString());
    assertEquals("172.17.0.2", request.dst().toString());
    assertEquals(2, parse(recorded.get(3)).arpOp());
  }

  @Test
  void recordedMldReportBehindAHopByHopHeader() {
    FrameFacts mld = parse(recorded.get(0));
    assertEquals(FrameFacts.Layer3.IPV6, mld.layer3());
    assertEquals(FrameFacts.ICMPV6, mld.protocol());
    assertEquals(143, mld.icmpType());
    assertEquals("fe80::c4b9:76ff:fe70:d378", mld.src().toString());
    assertEquals("ff02::16", mld.dst().toString());
  }

  @Test
  void everyRecordedFrameParses() {
    for (byte[] frame : recorded) {
      parse(frame);
    }
    assertEquals(0, parser.malformed());
    assertEquals((long) recorded.size(), parser.counters().get("frames_parsed"));
    assertEquals(5L, parser.counters().get("frames_not_ip")); // the five ARP frames
  }

  @Test
  void snapLengthCutsTheTcpHeaderButKeepsTheAddresses() {
    byte[] syn = recorded.get(4);
    FrameFacts cut = parser.parse(ByteBuffer.wrap(syn), 0, 14 + 20 + 8, syn.length).orElseThrow();
    assertTrue(cut.truncated());
    assertEquals(-1, cut.dstPort());
    assertEquals("172.17.0.2", cut.dst().toString());
    assertEquals(74, cut.wireLength());
    assertEquals(1L, parser.counters().get("frames_truncated"));
  }

  @Test
  void vlanTaggedUdp() {
    // Synthetic: 802.1Q tag id 0x123 around UDP 10.1.2.3:5353 -> 10.9.8.7:853.
    byte[] frame =
        Frames.hex(
            "0242ac110002 0242ac110003 8100 0123 0800"
                + "45000020 0000 0000 4011 0000 0a010203 0a090807"
                + "14e9 0355 000c 0000 deadbeef");
    FrameFacts f = parse(frame);
    assertEquals(0x123, f.vlanId());
    assertEquals(FrameFacts.UDP, f.protocol());
    assertEquals(5353, f.srcPort());
    assertEquals(853, f.dstPort());
    assertEquals("10.9.8.7", f.dst().toString());
  }

  @Test
  void ipv6TcpBehindDestinationOptionsAndFragmentHeaders() {
    // Synthetic: IPv6 -> dest options (8 bytes) -> fragment (offset 0) -> TCP 40000 -> 443 SYN.
    String ip6 =
        "60000000"
            + "0024"
            + "3c"
            + "40" // payload 36, next header 60, hop limit 64
            + "fd000000000000000000000000000001"
            + "fd000000000000000000000000000002";
    String destOpts = "2c00" + "010400000000"; // next 44 (fragment), len 0 -> 8 bytes, PadN
    String fragment = "06000000" + "12345678"; // next 6, offset 0, M=0, id
    String tcp = "9c4001bb 00000001 00000000 5002ffff 00000000";
    FrameFacts f =
        parse(Frames.hex("0242ac110002 0242ac110003 86dd" + ip6 + destOpts + fragment + tcp));
    assertEquals(FrameFacts.TCP, f.protocol());
    assertEquals(40000, f.srcPort());
    assertEquals(443, f.dstPort());
    assertEquals(FrameFacts.SYN, f.tcpFlags());
    assertFalse(f.fragment());
    assertEquals("fd00::2", f.dst().toString());
  }

  @Test
  void ipv6NonFirstFragmentHasNoPorts() {
    String ip6 =
        "60000000"
            + "0010"
            + "2c"
            + "40"
            + "fd000000000000000000000000000001"
            + "fd000000000000000000000000000002";
    String fragment = "11000009" + "12345678"; // next 17, offset 1 (x8 bytes), M=1
    FrameFacts f =
        parse(Frames.hex("0242ac110002 0242ac110003 86dd" + ip6 + fragment + "0000000000000000"));
    assertTrue(f.fragment());
    assertEquals(FrameFacts.UDP, f.protocol());
    assertEquals(-1, f.srcPort());
  }

  @Test
  void ipv4NonFirstFragmentHasNoPorts() {
    byte[] frame =
        Frames.hex(
            "0242ac110002 0242ac110003 0800"
                + "45000020 0000 0010 4011 0000 0a010203 0a090807"
                + "14e9 0355 000c 0000 deadbeef");
    FrameFacts f = parse(frame);
    assertTrue(f.fragment());
    assertEquals(-1, f.dstPort());
  }

  @Test
  void badHeadersAreCountedAsMalformed() {
    byte[] syn = recorded.get(4).clone();
    syn[14] = 0x44; // IHL 4: shorter than the fixed IPv4 header
    assertTrue(parser.parse(ByteBuffer.wrap(syn), 0, syn.length, syn.length).isEmpty());
    assertTrue(parser.parse(ByteBuffer.wrap(new byte[13]), 0, 13, 13).isEmpty());
    byte[] threeTags =
        Frames.hex("0242ac110002 0242ac110003 8100 0001 8100 0002 8100 0003 0800 00000000");
    assertTrue(
        parser.parse(ByteBuffer.wrap(threeTags), 0, threeTags.length, threeTags.length).isEmpty());
    assertEquals(3, parser.malformed());
  }

  @Test
  void parsesAtAnOffsetInALittleEndianBuffer() {
    byte[] syn = recorded.get(4);
    ByteBuffer ring = ByteBuffer.allocate(100 + syn.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    ring.put(100, syn, 0, syn.length);
    FrameFacts f = parser.parse(ring, 100, syn.length, syn.length).orElseThrow();
    assertEquals("172.17.0.2", f.dst().toString());
    assertEquals(8080, f.dstPort());
  }
}
