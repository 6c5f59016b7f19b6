package dev.dockward.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FlowObserved;
import dev.dockward.event.MountInfo;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.NetworkEndpoint;
import dev.dockward.event.ResourceLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowAssessorTest {
  private static final Instant T0 = Instant.parse("2026-11-23T07:00:00Z");
  private static final ContainerInfo WEB = container("a1", "web", "nginx:1.25", Map.of("tier", "front"),
      "backend", "172.18.0.3", "02:42:ac:12:00:03");
  private static final ContainerInfo DB = container("c3", "db", "postgres:16", Map.of(),
      "backend", "172.18.0.2", "02:42:ac:12:00:02");
  private static final ContainerInfo INTRUDER = container("e5", "intruder", "busybox", Map.of(),
      "backend", "172.18.0.9", "02:42:ac:12:00:09");

  @TempDir
  Path dir;

  static ContainerInfo container(String idByte, String name, String image, Map<String, String> labels, String network,
      String ip, String mac) {
    return new ContainerInfo(idByte.repeat(32), name, image, "sha256:" + "0".repeat(64), labels, false, List.of(),
        List.of(), List.<MountInfo>of(), NamespaceModes.DEFAULT, List.of(), ResourceLimits.NONE, OptionalLong.of(42),
        Map.of(network, new NetworkEndpoint("n".repeat(64), ip, mac, "172.18.0.1")), Optional.empty(), List.of());
  }

  private static FlowRecord start(ContainerInfo from, ContainerInfo to, int port, Instant at) {
    return record(FlowRecord.State.START, from, to, port, at);
  }

  private static FlowRecord record(FlowRecord.State state, ContainerInfo from, ContainerInfo to, int port, Instant at) {
    NetworkEndpoint a = from.networks().values().iterator().next();
    NetworkEndpoint b = to.networks().values().iterator().next();
    return new FlowRecord(state, state == FlowRecord.State.END ? Optional.of(FlowRecord.EndReason.CLOSED) : Optional.empty(),
        "br-0123456789ab", FrameFacts.TCP, IpAddress.parse(a.ipAddress()).orElseThrow(), 40000,
        IpAddress.parse(b.ipAddress()).orElseThrow(), port, mac(a), mac(b), 1, 74, 0, 0, FrameFacts.SYN, 0, at, at);
  }

  private static long mac(NetworkEndpoint e) {
    return Long.parseLong(e.macAddress().replace(":", ""), 16);
  }

  private static FlowAssessor assessor(EdgePolicy policy, Optional<LearnedEdges> learned) {
    FlowAssessor a = new FlowAssessor(policy, learned, new ScanCounter(Duration.ofSeconds(10), 100, 100));
    a.useIndex(EndpointIndex.of(List.of(WEB, DB, INTRUDER), List.of()));
    return a;
  }

  private static EdgePolicy webToDbOnly() {
    EdgePolicy.Selector web = new EdgePolicy.Selector(Optional.empty(), Optional.of("nginx:*"), Map.of("tier", "front"),
        Optional.empty());
    EdgePolicy.Selector db = new EdgePolicy.Selector(Optional.of("d*"), Optional.empty(), Map.of(), Optional.of("backend"));
    return new EdgePolicy(EdgePolicy.Action.ALERT,
        List.of(new EdgePolicy.Allow(web, db, Optional.of("TCP"), List.of(5432))));
  }

  @Test
  void policyAllowsTheListedEdgeAndNothingElse() {
    FlowAssessor a = assessor(webToDbOnly(), Optional.empty());
    FlowObserved allowed = a.event(start(WEB, DB, 5432, T0), T0);
    assertEquals("allowed", allowed.assessment().policy());
    assertEquals("web>db tcp/5432", allowed.assessment().edge());
    assertEquals("web", allowed.container().orElseThrow().name());
    assertEquals("unexpected", a.event(start(WEB, DB, 22, T0), T0).assessment().policy());
    assertEquals("unexpected", a.event(start(INTRUDER, DB, 5432, T0), T0).assessment().policy());
    assertEquals("unexpected", a.event(start(DB, WEB, 5432, T0), T0).assessment().policy());
  }

  @Test
  void aReplacedPolicyJudgesTheFlowsThatStartAfterIt() {
    FlowAssessor a = assessor(webToDbOnly(), Optional.empty());
    FlowRecord ssh = start(WEB, DB, 22, T0);
    assertEquals("unexpected", a.event(ssh, T0).assessment().policy());
    a.replacePolicy(new EdgePolicy(EdgePolicy.Action.ALLOW, List.of()));
    assertEquals("unexpected", a.event(record(FlowRecord.State.UPDATE, WEB, DB, 22, T0), T0).assessment().policy(),
        "a flow under way keeps the verdict it started with");
    assertEquals("allowed", a.event(start(INTRUDER, DB, 5432, T0), T0).assessment().policy());
  }

  @Test
  void defaultAllowAndNoPolicy() {
    assertEquals("allowed", assessor(new EdgePolicy(EdgePolicy.Action.ALLOW, List.of()), Optional.empty())
        .event(start(INTRUDER, DB, 5432, T0), T0).assessment().policy());
    assertEquals("unchecked", assessor(EdgePolicy.NONE, Optional.empty())
        .event(start(INTRUDER, DB, 5432, T0), T0).assessment().policy());
  }

  @Test
  void flowsToTheGatewayAreTheHostAndNotJudged() {
    FlowAssessor a = assessor(webToDbOnly(), Optional.empty());
    FlowRecord r = start(WEB, DB, 2375, T0);
    FlowRecord toGateway = new FlowRecord(r.state(), r.endReason(), r.iface(), r.protocol(), r.src(), r.srcPort(),
        IpAddress.parse("172.18.0.1").orElseThrow(), 2375, r.srcMac(), 0x0242_0000_0001L, 1, 74, 0, 0, 2, 0, T0, T0);
    FlowObserved e = a.event(toGateway, T0);
    assertEquals("host", e.dst().kind().text());
    assertEquals("unchecked", e.assessment().policy());
    assertEquals("web>host tcp/2375", e.assessment().edge());
  }

  @Test
  void learningRecordsEdgesThenFlagsNewOnesAndARestartKeepsThem() throws Exception {
    Path file = dir.resolve("state/learned.json");
    LearnedEdges learning = LearnedEdges.open(file, Duration.ofMinutes(10), T0);
    FlowAssessor a = assessor(EdgePolicy.NONE, Optional.of(learning));
    assertEquals("learning", a.event(start(WEB, DB, 5432, T0.plusSeconds(5)), T0.plusSeconds(5)).assessment().policy());
    // Learned once the server answered (the table reports the flow established), saved by the writer.
    a.established(record(FlowRecord.State.UPDATE, WEB, DB, 5432, T0.plusSeconds(5)));
    learning.flush();
    Instant after = T0.plus(Duration.ofMinutes(11));
    assertEquals("learned", a.event(start(WEB, DB, 5432, after), after).assessment().policy());
    assertEquals("unexpected", a.event(start(INTRUDER, DB, 5432, after), after).assessment().policy());
    assertTrue(Files.readString(file).contains("web>db tcp/5432"));

    // Restarted later: the same start time, the same edges, no new learning period.
    LearnedEdges reopened = LearnedEdges.open(file, Duration.ofMinutes(10), after);
    FlowAssessor b = assessor(EdgePolicy.NONE, Optional.of(reopened));
    assertEquals("learned", b.event(start(WEB, DB, 5432, after), after).assessment().policy());
    assertEquals("unexpected", b.event(start(INTRUDER, DB, 5432, after), after).assessment().policy());
    assertEquals(1, reopened.size());
  }

  @Test
  void aBrokenLearnedFileStartsLearningOver() throws Exception {
    Path file = Files.writeString(dir.resolve("learned.json"), "{not json");
    LearnedEdges l = LearnedEdges.open(file, Duration.ofMinutes(10), T0);
    assertTrue(l.learning(T0.plusSeconds(1)));
    assertEquals(0, l.size());
  }

  @Test
  void theVerdictAndNamesOfAFlowInFlightSurviveAnAddressReused() {
    FlowAssessor a = assessor(webToDbOnly(), Optional.empty());
    a.event(start(WEB, DB, 5432, T0), T0);
    // db is gone and its address now belongs to another container with another MAC.
    ContainerInfo newcomer = container("f7", "newcomer", "redis:7", Map.of(), "backend", "172.18.0.2", "02:42:ac:12:00:77");
    a.useIndex(EndpointIndex.of(List.of(WEB, newcomer), List.of()));
    FlowObserved end = a.event(record(FlowRecord.State.END, WEB, DB, 5432, T0.plusSeconds(3)), T0.plusSeconds(3));
    assertEquals("db", end.dst().displayName());
    assertEquals("allowed", end.assessment().policy());
    assertEquals(0, a.openFlows());
    // A new flow to the address is the newcomer's.
    assertEquals("newcomer", a.event(start(WEB, DB, 5432, T0.plusSeconds(4)), T0.plusSeconds(4)).dst().displayName());
  }

  @Test
  void twoContainersClaimingOneAddressAreToldApartByMacOrNotGuessed() {
    ContainerInfo stale = container("f7", "stale", "redis:7", Map.of(), "backend", "172.18.0.2", "02:42:ac:12:00:77");
    EndpointIndex index = EndpointIndex.of(List.of(DB, stale), List.of());
    IpAddress ip = IpAddress.parse("172.18.0.2").orElseThrow();
    assertEquals("db", index.peer(ip, 5432, 0x0242_ac12_0002L).displayName());
    assertEquals("stale", index.peer(ip, 5432, 0x0242_ac12_0077L).displayName());
    assertEquals("external", index.peer(ip, 5432, 0x0242_ac12_0099L).kind().text());
    assertEquals(1, index.ambiguous());
  }

  @Test
  void scanCountsDistinctPortsAndHostsWithinTheWindow() {
    ScanCounter scans = new ScanCounter(Duration.ofSeconds(10), 2, 40);
    IpAddress src = IpAddress.parse("172.18.0.9").orElseThrow();
    IpAddress dst = IpAddress.parse("172.18.0.2").orElseThrow();
    ScanCounter.Counts c = null;
    for (int p = 0; p < 50; p++) {
      c = scans.started(src, dst, 3000 + p, 1_000 + p * 10L);
    }
    assertEquals(40, c.ports()); // bounded per source: the oldest starts are forgotten
    assertEquals(1, c.hosts());
    ScanCounter.Counts later = scans.started(src, IpAddress.parse("172.18.0.3").orElseThrow(), 80, 1_000 + 10_300);
    assertEquals(2, later.hosts());
    assertEquals(20, later.ports()); // starts at or before 1300 left the window: 19 remain, plus port 80
    scans.started(IpAddress.parse("10.0.0.1").orElseThrow(), dst, 1, 20_000);
    scans.started(IpAddress.parse("10.0.0.2").orElseThrow(), dst, 1, 20_000);
    assertEquals(2, scans.sources()); // bounded in sources
    scans.sweep(40_000);
    assertEquals(0, scans.sources());
  }
}
