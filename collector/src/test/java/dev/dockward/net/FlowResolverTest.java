package dev.dockward.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FlowObserved;
import dev.dockward.event.MountInfo;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.NetworkEndpoint;
import dev.dockward.event.ResourceLimits;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Flows resolved to their ends, facts only: names kept for a flow in flight, ambiguous addresses
 * not guessed, and no verdict (the agent's policy stage judges; its tests are in the agent).
 */
class FlowResolverTest {
  private static final Instant T0 = Instant.parse("2026-11-23T07:00:00Z");
  private static final ContainerInfo WEB =
      container(
          "a1",
          "web",
          "nginx:1.25",
          Map.of("tier", "front"),
          "backend",
          "172.18.0.3",
          "02:42:ac:12:00:03");
  private static final ContainerInfo DB =
      container("c3", "db", "postgres:16", Map.of(), "backend", "172.18.0.2", "02:42:ac:12:00:02");
  private static final ContainerInfo INTRUDER =
      container(
          "e5", "intruder", "busybox", Map.of(), "backend", "172.18.0.9", "02:42:ac:12:00:09");

  static ContainerInfo container(
      String idByte,
      String name,
      String image,
      Map<String, String> labels,
      String network,
      String ip,
      String mac) {
    return new ContainerInfo(
        idByte.repeat(32),
        name,
        image,
        "sha256:" + "0".repeat(64),
        labels,
        false,
        List.of(),
        List.of(),
        List.<MountInfo>of(),
        NamespaceModes.DEFAULT,
        List.of(),
        ResourceLimits.NONE,
        OptionalLong.of(42),
        Map.of(network, new NetworkEndpoint("n".repeat(64), ip, mac, "172.18.0.1")),
        Optional.empty(),
        List.of());
  }

  private static FlowRecord start(ContainerInfo from, ContainerInfo to, int port, Instant at) {
    return record(FlowRecord.State.START, from, to, port, at);
  }

  private static FlowRecord record(
      FlowRecord.State state, ContainerInfo from, ContainerInfo to, int port, Instant at) {
    NetworkEndpoint a = from.networks().values().iterator().next();
    NetworkEndpoint b = to.networks().values().iterator().next();
    return new FlowRecord(
        state,
        state == FlowRecord.State.END ? Optional.of(FlowRecord.EndReason.CLOSED) : Optional.empty(),
        "br-0123456789ab",
        FrameFacts.TCP,
        IpAddress.parse(a.ipAddress()).orElseThrow(),
        40000,
        IpAddress.parse(b.ipAddress()).orElseThrow(),
        port,
        mac(a),
        mac(b),
        1,
        74,
        0,
        0,
        FrameFacts.SYN,
        0,
        at,
        at);
  }

  private static long mac(NetworkEndpoint e) {
    return Long.parseLong(e.macAddress().replace(":", ""), 16);
  }

  private static FlowResolver resolver() {
    FlowResolver r = new FlowResolver();
    r.useIndex(EndpointIndex.of(List.of(WEB, DB, INTRUDER), List.of()));
    return r;
  }

  @Test
  void aFlowIsReportedWithItsFactsAndNoVerdict() {
    FlowObserved f = resolver().event(start(WEB, DB, 5432, T0), T0);
    assertEquals("web", f.container().orElseThrow().name());
    assertEquals("db", f.dst().displayName());
    assertEquals("web>db tcp/5432", f.edge());
    assertEquals("172.18.0.3", f.senderAddress());
    assertEquals(Optional.empty(), f.assessment(), "the verdict is the agent's");
  }

  @Test
  void flowsToTheGatewayAreTheHost() {
    FlowResolver a = resolver();
    FlowRecord r = start(WEB, DB, 2375, T0);
    FlowRecord toGateway =
        new FlowRecord(
            r.state(),
            r.endReason(),
            r.iface(),
            r.protocol(),
            r.src(),
            r.srcPort(),
            IpAddress.parse("172.18.0.1").orElseThrow(),
            2375,
            r.srcMac(),
            0x0242_0000_0001L,
            1,
            74,
            0,
            0,
            2,
            0,
            T0,
            T0);
    FlowObserved e = a.event(toGateway, T0);
    assertEquals("host", e.dst().kind().text());
    assertEquals("web>host tcp/2375", e.edge());
  }

  @Test
  void theNamesOfAFlowInFlightSurviveAnAddressReused() {
    FlowResolver a = resolver();
    a.event(start(WEB, DB, 5432, T0), T0);
    // db is gone and its address now belongs to another container with another MAC.
    ContainerInfo newcomer =
        container(
            "f7", "newcomer", "redis:7", Map.of(), "backend", "172.18.0.2", "02:42:ac:12:00:77");
    a.useIndex(EndpointIndex.of(List.of(WEB, newcomer), List.of()));
    FlowObserved end =
        a.event(record(FlowRecord.State.END, WEB, DB, 5432, T0.plusSeconds(3)), T0.plusSeconds(3));
    assertEquals("db", end.dst().displayName());
    assertEquals(0, a.openFlows());
    // A new flow to the address is the newcomer's.
    assertEquals(
        "newcomer",
        a.event(start(WEB, DB, 5432, T0.plusSeconds(4)), T0.plusSeconds(4)).dst().displayName());
  }

  @Test
  void anEstablishedReportNamesTheFlowAsItStartedAndOnlyAnOpenOne() {
    FlowResolver a = resolver();
    a.event(start(WEB, DB, 5432, T0), T0);
    FlowObserved e =
        a.established(record(FlowRecord.State.UPDATE, WEB, DB, 5432, T0.plusSeconds(1)), T0)
            .orElseThrow();
    assertEquals("web>db tcp/5432", e.edge());
    assertEquals(T0.plusSeconds(1), e.traffic().lastSeen());
    assertEquals(
        Optional.empty(), a.established(record(FlowRecord.State.UPDATE, WEB, DB, 6379, T0), T0));
  }

  @Test
  void twoContainersClaimingOneAddressAreToldApartByMacOrNotGuessed() {
    ContainerInfo stale =
        container("f7", "stale", "redis:7", Map.of(), "backend", "172.18.0.2", "02:42:ac:12:00:77");
    EndpointIndex index = EndpointIndex.of(List.of(DB, stale), List.of());
    IpAddress ip = IpAddress.parse("172.18.0.2").orElseThrow();
    assertEquals("db", index.peer(ip, 5432, 0x0242_ac12_0002L).displayName());
    assertEquals("stale", index.peer(ip, 5432, 0x0242_ac12_0077L).displayName());
    assertEquals("external", index.peer(ip, 5432, 0x0242_ac12_0099L).kind().text());
    assertEquals(1, index.ambiguous());
  }
}
