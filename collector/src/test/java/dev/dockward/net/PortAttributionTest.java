package dev.dockward.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * A container with NET_RAW can write a neighbour's MAC and address together; it cannot choose the
 * bridge port its frames enter by. Flows are the port's container's, and whatever it wrote that is
 * not its own is named as forged, with the owner of the forged MAC or address.
 */
class PortAttributionTest {
  private static final long T0 = 1_790_000_000_000L;
  private static final long WEB_MAC = 0x02_42_ac_12_00_03L;
  private static final long DB_MAC = 0x02_42_ac_12_00_02L;
  private static final long INTRUDER_MAC = 0x02_42_ac_12_00_09L;
  private static final long BRIDGE_MAC = 0x02_42_5e_6f_70_81L;

  /** Host ends of the veth pairs (bridge ports) and their peers in the containers' namespaces. */
  private static final int WEB_PORT = 731;

  private static final int DB_PORT = 733;
  private static final int INTRUDER_PORT = 737;
  private static final int UNKNOWN_PORT = 739;
  private static final ContainerInfo WEB =
      FlowResolverTest.container(
          "a1", "web", "nginx:1.25", Map.of(), "backend", "172.18.0.3", "02:42:ac:12:00:03");
  private static final ContainerInfo DB =
      FlowResolverTest.container(
          "c3", "db", "postgres:16", Map.of(), "backend", "172.18.0.2", "02:42:ac:12:00:02");
  private static final ContainerInfo INTRUDER =
      FlowResolverTest.container(
          "e5", "intruder", "busybox", Map.of(), "backend", "172.18.0.9", "02:42:AC:12:00:09");

  /**
   * Just started: in the inventory, but its namespace not read yet (its port's container unknown).
   */
  private static final ContainerInfo NEWCOMER =
      FlowResolverTest.container(
          "f9", "newcomer", "busybox", Map.of(), "backend", "172.18.0.11", "02:42:ac:12:00:0b");

  private static final long NEWCOMER_MAC = 0x02_42_ac_12_00_0bL;

  private final FlowResolver resolver = new FlowResolver();
  private final CapturePipeline capture = new CapturePipeline(resolver, 1_000);

  PortAttributionTest() {
    Map<Integer, BridgeScanner.Port> ports =
        Map.of(
            WEB_PORT, new BridgeScanner.Port("veth1", "br-0123456789ab", 730),
            DB_PORT, new BridgeScanner.Port("veth2", "br-0123456789ab", 732),
            INTRUDER_PORT, new BridgeScanner.Port("veth3", "br-0123456789ab", 736),
            UNKNOWN_PORT, new BridgeScanner.Port("veth4", "br-0123456789ab", 738));
    Map<Integer, List<ContainerInfo>> netns =
        Map.of(730, List.of(WEB), 732, List.of(DB), 736, List.of(INTRUDER));
    resolver.useIndex(
        EndpointIndex.of(List.of(WEB, DB, INTRUDER, NEWCOMER), List.of(), ports, netns));
  }

  private FlowObserved syn(
      int ingress, long srcMac, String src, long dstMac, String dst, int dstPort) {
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
        ingress,
        T0);
    return capture.events.get(capture.events.size() - 1);
  }

  @Test
  void aNeighboursMacAndAddressTogetherAreTheSendersByItsPort() {
    FlowObserved f = syn(INTRUDER_PORT, WEB_MAC, "172.18.0.3", DB_MAC, "172.18.0.2", 5432);
    assertEquals(
        "intruder",
        f.src().displayName(),
        "without the port, web's MAC and address would make it web's");
    assertEquals("172.18.0.3", f.src().ip(), "the address as written");
    assertEquals("02:42:ac:12:00:03", f.src().mac(), "the MAC as written");
    assertEquals(
        Optional.of(
            new AddressOwner(
                FlowPeer.Kind.CONTAINER, "web", Optional.of(WEB.id()), AddressOwner.FORGED_BOTH)),
        f.src().spoofed());
    assertEquals("intruder>db tcp/5432", f.edge());
    assertEquals(1, resolver.spoofed());
    assertEquals(
        Map.of("kind", "container", "name", "web", "id", WEB.id(), "forged", "mac_and_address"),
        peerDocument(f, "src").get("spoofed"));
  }

  @Test
  void aNeighboursMacWithItsOwnAddressNamesTheMacsOwner() {
    FlowObserved f = syn(INTRUDER_PORT, DB_MAC, "172.18.0.9", WEB_MAC, "172.18.0.3", 80);
    assertEquals("intruder", f.src().displayName());
    assertEquals(
        Optional.of(
            new AddressOwner(
                FlowPeer.Kind.CONTAINER, "db", Optional.of(DB.id()), AddressOwner.FORGED_MAC)),
        f.src().spoofed());
    // A MAC no container has is told as the MAC itself.
    FlowObserved made =
        syn(INTRUDER_PORT, 0x0a_00_00_00_00_01L, "172.18.0.9", WEB_MAC, "172.18.0.3", 81);
    assertEquals(
        Optional.of(
            new AddressOwner(
                FlowPeer.Kind.EXTERNAL,
                "0a:00:00:00:00:01",
                Optional.empty(),
                AddressOwner.FORGED_MAC)),
        made.src().spoofed());
  }

  @Test
  void itsOwnMacWithAForeignAddressIsAnAddressForgery() {
    FlowObserved f = syn(INTRUDER_PORT, INTRUDER_MAC, "203.0.113.9", WEB_MAC, "172.18.0.3", 80);
    assertEquals("intruder", f.src().displayName());
    assertEquals(
        Optional.of(
            new AddressOwner(
                FlowPeer.Kind.EXTERNAL,
                "203.0.113.9",
                Optional.empty(),
                AddressOwner.FORGED_ADDRESS)),
        f.src().spoofed());
  }

  @Test
  void honestFramesAreNoSpoofAndTheFramedNeighbourIsNeverTheSender() {
    FlowObserved honest = syn(WEB_PORT, WEB_MAC, "172.18.0.3", DB_MAC, "172.18.0.2", 5432);
    assertEquals("web", honest.src().displayName());
    assertEquals(Optional.empty(), honest.src().spoofed());
    FlowObserved forged = syn(INTRUDER_PORT, WEB_MAC, "172.18.0.3", DB_MAC, "172.18.0.2", 5433);
    assertEquals("intruder", forged.src().displayName());
    assertEquals(1, resolver.spoofed(), "only the forged flow");
  }

  @Test
  void fromTheHostSideTheAddressSpeaksAndAnUnknownPortFallsBackToTheMac() {
    // Routed in from outside: the bridge sent it, its MAC is no container's.
    FlowObserved routed =
        syn(FlowRecord.FROM_HOST, BRIDGE_MAC, "198.51.100.7", WEB_MAC, "172.18.0.3", 80);
    assertEquals(FlowPeer.Kind.EXTERNAL, routed.src().kind());
    assertEquals(Optional.empty(), routed.src().spoofed());
    // A port whose container the index does not know yet: MAC and address, as without ports.
    FlowObserved early = syn(UNKNOWN_PORT, NEWCOMER_MAC, "172.18.0.3", DB_MAC, "172.18.0.2", 5432);
    assertEquals("newcomer", early.src().displayName());
    assertEquals(AddressOwner.FORGED_ADDRESS, early.src().spoofed().orElseThrow().forged());
  }

  @Test
  void aPortNotKnownYetSpeakingAsAContainerWithAKnownPortIsNotThatContainer() {
    // A container just started (its port's container not in the index yet) forges web's MAC and
    // address: web's own port is known, so web did not send it.
    FlowObserved f = syn(UNKNOWN_PORT, WEB_MAC, "172.18.0.3", DB_MAC, "172.18.0.2", 5432);
    assertEquals(FlowPeer.Kind.EXTERNAL, f.src().kind(), "not web");
    assertEquals(
        Optional.of(
            new AddressOwner(
                FlowPeer.Kind.CONTAINER, "web", Optional.of(WEB.id()), AddressOwner.FORGED_BOTH)),
        f.src().spoofed());
  }

  @Test
  void whatTheInventoryDoesNotListIsNotChecked() {
    // A daemon that reports no MAC or address for an endpoint: nothing to compare with, no alert.
    ContainerInfo bare =
        FlowResolverTest.container("d8", "bare", "busybox", Map.of(), "backend", "", "");
    EndpointIndex index =
        EndpointIndex.of(
            List.of(bare),
            List.of(),
            Map.of(UNKNOWN_PORT, new BridgeScanner.Port("veth4", "br-0123456789ab", 738)),
            Map.of(738, List.of(bare)));
    EndpointIndex.Sender s =
        index.sender(
            IpAddress.parse("172.18.0.77").orElseThrow(), 40_000, INTRUDER_MAC, UNKNOWN_PORT);
    assertEquals("bare", s.peer().displayName());
    assertEquals(Optional.empty(), s.peer().spoofed());
  }

  @Test
  void aSynAckSeenFirstLeavesTheInitiatorsPortUnknown() {
    // web answers; the intruder's SYN was missed: the port of the answer is not the initiator's.
    capture.frame(
        Frames.ipv4(
            WEB_MAC,
            INTRUDER_MAC,
            "172.18.0.3",
            "172.18.0.9",
            FrameFacts.TCP,
            80,
            41_000,
            FrameFacts.SYN | FrameFacts.ACK),
        WEB_PORT,
        T0);
    FlowObserved f = capture.events.get(capture.events.size() - 1);
    assertEquals("intruder", f.src().displayName());
    assertEquals(
        Optional.empty(), f.src().spoofed(), "judged by MAC and address, both the intruder's own");
  }

  @Test
  void aPortSharedByTwoContainersGoesToTheOneWithTheEndpoint() {
    ContainerInfo sidecar =
        FlowResolverTest.container("f7", "sidecar", "busybox", Map.of(), "", "", "");
    ContainerInfo noNetworks =
        new ContainerInfo(
            sidecar.id(),
            sidecar.name(),
            sidecar.image(),
            sidecar.imageId(),
            Map.of(),
            false,
            List.of(),
            List.of(),
            List.of(),
            sidecar.namespaces(),
            List.of(),
            sidecar.limits(),
            sidecar.initPid(),
            Map.of(),
            Optional.empty(),
            List.of());
    EndpointIndex index =
        EndpointIndex.of(
            List.of(WEB, noNetworks),
            List.of(),
            Map.of(WEB_PORT, new BridgeScanner.Port("veth1", "br-0123456789ab", 730)),
            Map.of(730, List.of(noNetworks, WEB)));
    assertEquals(Optional.of(WEB), index.portOwner(WEB_PORT));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> peerDocument(FlowObserved f, String end) {
    return (Map<String, Object>) FlowDocument.of(f).get(end);
  }
}
