package dev.dockward.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.AddressOwner;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FlowDocument;
import dev.dockward.event.FlowObserved;
import dev.dockward.event.FlowPeer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Frames whose source address is not the sender's own, as a container with NET_RAW writes them: the
 * flow belongs to the container whose MAC sent them, and says whose address it used.
 */
class SpoofedSourceTest {
  private static final long T0 = 1_790_000_000_000L;
  private static final long WEB_MAC = 0x02_42_ac_12_00_03L;
  private static final long DB_MAC = 0x02_42_ac_12_00_02L;
  private static final long INTRUDER_MAC = 0x02_42_ac_12_00_09L;
  private static final long BRIDGE_MAC = 0x02_42_5e_6f_70_81L;
  private static final ContainerInfo WEB =
      FlowResolverTest.container(
          "a1", "web", "nginx:1.25", Map.of(), "backend", "172.18.0.3", "02:42:ac:12:00:03");
  private static final ContainerInfo DB =
      FlowResolverTest.container(
          "c3", "db", "postgres:16", Map.of(), "backend", "172.18.0.2", "02:42:ac:12:00:02");
  private static final ContainerInfo INTRUDER =
      FlowResolverTest.container(
          "e5", "intruder", "busybox", Map.of(), "backend", "172.18.0.9", "02:42:AC:12:00:09");

  private final FlowResolver resolver = new FlowResolver();
  private final CapturePipeline capture = new CapturePipeline(resolver, 1_000);

  SpoofedSourceTest() {
    resolver.useIndex(EndpointIndex.of(List.of(WEB, DB, INTRUDER), List.of()));
  }

  private FlowObserved syn(long srcMac, String src, long dstMac, String dst, int dstPort) {
    capture.frame(
        Frames.ipv4(
            srcMac,
            dstMac,
            src,
            dst,
            FrameFacts.TCP,
            40_000 + capture.events.size(),
            dstPort,
            FrameFacts.SYN),
        T0);
    return capture.events.get(capture.events.size() - 1);
  }

  @Test
  void ownMacWithANeighboursAddressIsTheSenderAndNamesTheNeighbour() {
    FlowObserved f = syn(INTRUDER_MAC, "172.18.0.3", DB_MAC, "172.18.0.2", 5432);
    assertEquals(
        "intruder", f.src().displayName(), "attributed to the MAC that sent it, not to web");
    assertEquals("intruder", f.container().orElseThrow().name());
    assertEquals("172.18.0.3", f.src().ip(), "the address as written on the wire");
    assertEquals("02:42:ac:12:00:09", f.src().mac());
    assertEquals(
        Optional.of(new AddressOwner(FlowPeer.Kind.CONTAINER, "web", Optional.of(WEB.id()))),
        f.src().spoofed());
    assertEquals("intruder>db tcp/5432", f.edge());
    assertEquals(1, resolver.spoofed());

    Map<String, Object> src = peerDocument(f, "src");
    assertEquals(
        Map.of("kind", "container", "name", "web", "id", WEB.id(), "forged", "address"),
        src.get("spoofed"));
  }

  @Test
  void ownMacWithAForeignAddressIsTheSenderNotAnOutsider() {
    FlowObserved f = syn(INTRUDER_MAC, "203.0.113.9", WEB_MAC, "172.18.0.3", 80);
    assertEquals(
        FlowPeer.Kind.CONTAINER, f.src().kind(), "without the MAC this would be `external`");
    assertEquals("intruder", f.src().displayName());
    assertEquals(
        Optional.of(new AddressOwner(FlowPeer.Kind.EXTERNAL, "203.0.113.9", Optional.empty())),
        f.src().spoofed());
    // The host's gateway address is the host's.
    FlowObserved asGateway = syn(INTRUDER_MAC, "172.18.0.1", DB_MAC, "172.18.0.2", 5432);
    assertEquals(FlowPeer.Kind.HOST, asGateway.src().spoofed().orElseThrow().kind());
    assertEquals(2, resolver.spoofed());
  }

  @Test
  void aCorrectPairIsNoSpoofAndRoutedTrafficKeepsItsAddress() {
    FlowObserved honest = syn(WEB_MAC, "172.18.0.3", DB_MAC, "172.18.0.2", 5432);
    assertEquals("web", honest.src().displayName());
    assertEquals(Optional.empty(), honest.src().spoofed());
    assertTrue(!peerDocument(honest, "src").containsKey("spoofed"));
    // From outside, through the gateway: the bridge's MAC is no container's, the address speaks.
    FlowObserved routed = syn(BRIDGE_MAC, "198.51.100.7", WEB_MAC, "172.18.0.3", 80);
    assertEquals(FlowPeer.Kind.EXTERNAL, routed.src().kind());
    assertEquals(Optional.empty(), routed.src().spoofed());
    assertEquals(0, resolver.spoofed());
  }

  @Test
  void aSenderRotatingForgedAddressesIsOneSender() {
    for (int i = 1; i <= 40; i++) {
      FlowObserved f = syn(INTRUDER_MAC, "10.9.0." + i, DB_MAC, "172.18.0.2", 1_000 + i);
      assertEquals(
          "172.18.0.9",
          f.senderAddress(),
          "counted under the sender's own address, not the forged ones");
    }
    // The agent's scan counts of the same frames:
    // FlowJudgeTest#aSenderRotatingForgedAddressesIsOneScanner.
  }

  @Test
  void anIpv6SourceIsTheMacOwnersButNotChecked() {
    EndpointIndex index = EndpointIndex.of(List.of(WEB, DB, INTRUDER), List.of());
    EndpointIndex.Sender s =
        index.sender(IpAddress.parse("fe80::42:acff:fe12:9").orElseThrow(), -1, INTRUDER_MAC);
    assertEquals("intruder", s.peer().displayName());
    assertEquals(
        Optional.empty(),
        s.peer().spoofed(),
        "the inventory lists no IPv6 addresses to compare with");
    assertEquals("172.18.0.9", s.identity().toString());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> peerDocument(FlowObserved f, String end) {
    return (Map<String, Object>) FlowDocument.of(f).get(end);
  }
}
